package dev.gatehouse.engine.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection to a server of an {@link dev.gatehouse.engine.config.BackendProtocol#HTTP2}
 * backend, on one event loop: each request is a stream of it (a child channel whose last handler is
 * the request's {@link BackendConnection}), so one connection per server and loop carries every
 * request, as Pingora and nginx's {@code grpc_pass} with keepalive do.
 *
 * <p>Cleartext servers get HTTP/2 with prior knowledge (h2c); https ones must pick {@code h2} by
 * ALPN, or the session fails like a refused connect. Streams asked for while it connects wait in
 * order and are opened once it is up; when it cannot come up they fail, and each request is retried
 * elsewhere by the usual rules. A GOAWAY from the server or a full stream count ends its turn as the
 * loop's current session (the pool opens another for new requests) while its streams finish. With
 * no stream left it closes after the backend's idle timeout.
 */
final class Http2BackendSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Http2BackendSession.class);
    /**
     * Receive window per stream: 1 MiB keeps a fast server streaming while the client reads, and is
     * what a slow client can make the proxy hold per stream before the server is paused.
     */
    private static final int STREAM_WINDOW = 1 << 20;
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");

    final NettyBackendPool.LoopPool pool;
    final int server;
    private final AsciiString scheme;
    private Channel channel;
    private Http2FrameCodec codec;
    /** Connected (and, over TLS, h2 agreed): streams open at once. */
    private boolean ready;
    /** Takes no new streams: closed, failed, or told to go away. */
    private boolean finished;
    /** Streams opened or being opened and not yet closed. */
    private int streams;
    /** Streams asked for while connecting. */
    private final ArrayDeque<BackendConnection> waiting = new ArrayDeque<>(4);
    private ScheduledFuture<?> idleTimer;

    Http2BackendSession(NettyBackendPool.LoopPool pool, int server) {
        this.pool = pool;
        this.server = server;
        this.scheme = pool.backend.tls[server] != null ? HTTPS : HTTP;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        SslContext tls = pool.backend.tls[server];
        if (tls != null) {
            ctx.pipeline().addBefore(ctx.name(), "tls", BackendTls.newHandler(tls, pool.backend.definitions[server], ctx.alloc()));
        }
        codec = Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false).initialWindowSize(STREAM_WINDOW))
                .build();
        ctx.pipeline().addBefore(ctx.name(), "h2", codec);
        // No handler for streams the server opens: push is off, so it may not open any.
        ctx.pipeline().addBefore(ctx.name(), "h2-multiplex", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
    }

    /** Starts connecting; {@code connect} is the bootstrap's connect with this session as its handler. */
    void connecting(ChannelFuture connect) {
        channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                fail(f.cause());
                return;
            }
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                becomeReady();
                return;
            }
            tls.handshakeFuture().addListener(handshake -> {
                if (!handshake.isSuccess()) {
                    fail(handshake.cause());
                } else if (!ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
                    fail(new IllegalStateException("the server did not agree to HTTP/2 (ALPN chose "
                            + (tls.applicationProtocol() == null ? "nothing" : tls.applicationProtocol()) + ")"));
                } else {
                    becomeReady();
                }
            });
        });
    }

    /** True while new streams may be opened on this session now or once it is up. */
    boolean takesStreams() {
        if (finished || !channel.isActive() && ready) {
            return false;
        }
        return !ready || streams < codec.connection().local().maxActiveStreams();
    }

    /** Opens a stream for {@code connection} now, or once the session is up. */
    void open(BackendConnection connection) {
        streams++;
        cancelIdleTimer();
        if (ready) {
            connection.reused = true; // the connection carried streams before: it may have gone away meanwhile
            openStream(connection);
        } else {
            waiting.add(connection);
        }
    }

    private void openStream(BackendConnection connection) {
        Future<Http2StreamChannel> opened = new Http2StreamChannelBootstrap(channel).handler(connection).open();
        opened.addListener(f -> {
            if (f.isSuccess()) {
                connection.streamOpened();
            } else {
                streamClosed();
                connection.connectFailed(f.cause());
            }
        });
    }

    private void becomeReady() {
        ready = true;
        BackendConnection next;
        while ((next = waiting.poll()) != null) {
            if (finished) {
                streamClosed();
                next.connectFailed(new IllegalStateException("the HTTP/2 connection closed"));
            } else {
                openStream(next);
            }
        }
    }

    private void fail(Throwable cause) {
        finished = true;
        if (log.isDebugEnabled()) {
            log.debug("backend {} server {}: HTTP/2 connection failed: {}", pool.backend.name,
                    pool.backend.servers[server], cause.toString());
        }
        BackendConnection next;
        while ((next = waiting.poll()) != null) {
            streams--;
            next.connectFailed(cause);
        }
        pool.sessionEnded(this);
        channel.close();
    }

    /** A stream of this session closed (or never opened). */
    void streamClosed() {
        streams--;
        if (streams > 0) {
            return;
        }
        if (finished || pool.isClosed()) {
            channel.close();
        } else if (!pool.isCurrent(this)) {
            // Replaced as the loop's session (it was full): nothing will use it again.
            channel.close();
        } else {
            long idle = pool.backend.idleTimeoutNanos;
            idleTimer = channel.eventLoop().schedule(this::closeIfIdle, idle, TimeUnit.NANOSECONDS);
        }
    }

    private void closeIfIdle() {
        idleTimer = null;
        if (streams == 0) {
            finished = true;
            pool.sessionEnded(this);
            channel.close();
        }
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    /** Closes the session (its pool is closing); streams in flight are reset. */
    void close() {
        finished = true;
        cancelIdleTimer();
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2GoAwayFrame) {
            // Streams the server took finish; new requests go to a new connection.
            finished = true;
            pool.sessionEnded(this);
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelIdleTimer();
        if (!finished) {
            finished = true;
            pool.sessionEnded(this);
        }
        if (!ready) {
            // Closed before it was up (the connect listener may not report it, e.g. after the handshake).
            BackendConnection next;
            while ((next = waiting.poll()) != null) {
                streams--;
                next.connectFailed(new IllegalStateException("the HTTP/2 connection closed before it was up"));
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (log.isDebugEnabled()) {
            log.debug("backend {} HTTP/2 connection {} failed: {}", pool.backend.name, channel, cause.toString());
        }
        ctx.close();
    }

    AsciiString scheme() {
        return scheme;
    }
}
