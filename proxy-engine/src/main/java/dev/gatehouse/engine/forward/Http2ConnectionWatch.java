package dev.gatehouse.engine.forward;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2WindowUpdateFrame;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The timeouts of one HTTP/2 client connection, checked every few seconds on its event loop by one
 * task for the connection and all its streams (a timer per stream would cost a scheduling per
 * request):
 * <ul>
 *   <li>idle: no stream open or opened for {@link NettyForwarder#CLIENT_IDLE_TIMEOUT} closes the
 *       connection (with GOAWAY);</li>
 *   <li>slow read: the socket staying unwritable for the listener's send timeout closes the
 *       connection. Response data never gets there (Netty's flow controller writes only what the
 *       socket takes, so a stalled client shows on its streams, below); what does is the
 *       connection's own frames — answers to a PING or SETTINGS flood from a client reading
 *       nothing;</li>
 *   <li>per stream, through {@link ClientConnection#checkHttp2StreamTimeouts}: a request body slower
 *       than the minimum rate gets 408, and a stream whose response the client does not let through
 *       for the send timeout (no WINDOW_UPDATE for it while its data waits) is reset — one slow
 *       stream never costs the connection's other streams anything.</li>
 * </ul>
 * A stream's writability cannot tell a slow reader from a stopped one: while more data waits than
 * its window allows it stays unwritable, however steadily the client opens the window. So the watch
 * sits before the multiplexer and passes each stream's WINDOW_UPDATE on to it as progress.
 * The header timeout has no per-stream form: a stream exists once its header block is complete, and
 * a connection that never completes one is ended by the idle timeout.
 */
final class Http2ConnectionWatch extends ChannelInboundHandlerAdapter {

    private static final long IDLE_NANOS = NettyForwarder.CLIENT_IDLE_TIMEOUT.toNanos();

    private final Http2FrameCodec codec;
    private final ListenerLimits limits;
    /** The open streams by id; changed and read on the connection's event loop only. */
    private final IntObjectMap<ClientConnection> streams = new IntObjectHashMap<>();
    private ScheduledFuture<?> check;
    private long quietSince;
    private int lastStreamSeen = -1;
    private long unwritableSince;

    Http2ConnectionWatch(Http2FrameCodec codec, ListenerLimits limits) {
        this.codec = codec;
        this.limits = limits;
    }

    ListenerLimits limits() {
        return limits;
    }

    void add(int streamId, ClientConnection stream) {
        streams.put(streamId, stream);
    }

    void remove(int streamId) {
        streams.remove(streamId);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        quietSince = System.nanoTime();
        long every = Math.min(limits.checkEveryNanos(), IDLE_NANOS / 5);
        check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), every, every, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (check != null) {
            check.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2WindowUpdateFrame update && update.stream() != null) {
            ClientConnection stream = streams.get(update.stream().id());
            if (stream != null) {
                stream.clientTookBytes();
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            unwritableSince = 0;
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }

    private void check(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        int last = codec.connection().remote().lastStreamCreated();
        if (codec.connection().numActiveStreams() > 0 || last != lastStreamSeen) {
            quietSince = now;
            lastStreamSeen = last;
        } else if (now - quietSince >= IDLE_NANOS) {
            check.cancel(false);
            ctx.close();
            return;
        }
        if (ctx.channel().isWritable()) {
            unwritableSince = 0;
        } else if (unwritableSince == 0) {
            unwritableSince = now;
        } else if (now - unwritableSince > limits.sendTimeoutNanos()) {
            // No graceful GOAWAY wait: a client that takes no bytes would never let the streams finish.
            check.cancel(false);
            codec.gracefulShutdownTimeoutMillis(0);
            ctx.close();
            return;
        }
        if (!streams.isEmpty()) {
            // A stream that gives up removes itself from the list.
            for (ClientConnection stream : streams.values().toArray(ClientConnection[]::new)) {
                stream.checkHttp2StreamTimeouts(now);
            }
        }
    }
}
