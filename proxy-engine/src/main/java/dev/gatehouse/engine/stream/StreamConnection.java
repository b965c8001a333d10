package dev.gatehouse.engine.stream;

import dev.gatehouse.engine.balancing.Balancer;
import dev.gatehouse.engine.balancing.BackendServers;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client connection of a stream and the backend connection it is relayed to, both on the
 * client's event loop (so neither side needs a lock).
 *
 * <p>The client is accepted with reads off; a server is chosen by the backend's balancing and
 * connected; a refused or timed-out connect is reported to passive health and the next eligible
 * server tried, up to the backend's {@code maxRetries} (and its retry budget), else the client is
 * closed. Once connected, the PROXY protocol header (if any) goes first, then bytes flow both ways
 * untouched. Backpressure: when one side cannot take more, reading from the other stops until it
 * drains. Half-close: a side's FIN is passed on as a FIN to the other once everything before it was
 * written, and the connections close when both directions have ended, so a client that shuts its
 * output still gets every byte of the answer. A connection without a byte either way for the idle
 * timeout is closed on both sides.
 */
final class StreamConnection extends ChannelInboundHandlerAdapter implements ChannelFutureListener {

    private static final Logger log = LoggerFactory.getLogger(StreamConnection.class);
    private static final String PROXY_ENCODER = "proxy-protocol";
    /** The idle timeout is checked this many times per period: a connection goes after 1-1.25 timeouts. */
    private static final int IDLE_CHECKS = 4;
    private static final long MIN_IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final StreamTarget target;
    private StreamTarget.LoopState loop;
    private Channel client;
    /** The backend channel being connected or relayed to; null before the first connect and between retries. */
    private Channel backend;
    private boolean connected;
    /** Server index the connection counts on, or -1. */
    private int server = -1;
    /** Servers tried, a bit per index: a retry goes elsewhere. */
    private long tried;
    private int retries;
    private int clientHash;
    /** Bytes read from the client before the backend was connected (reads are off then; only defensive). */
    private List<Object> pending;
    private boolean clientInputShut;
    private boolean backendInputShut;
    private boolean clientOutputShut;
    private boolean backendOutputShut;
    private boolean backendFlushPending;
    private boolean clientFlushPending;
    private boolean closed;
    private long lastActivity;
    private ScheduledFuture<?> idleCheck;

    StreamConnection(StreamTarget target) {
        this.target = target;
    }

    // ---------------------------------------------------------------- client side

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        loop = target.onLoop(ctx.channel().eventLoop());
        if (client.remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null) {
            // The same hash as HTTP requests from this address: client-IP hashing picks the same server.
            clientHash = remote.getAddress().getHostAddress().hashCode();
        }
        lastActivity = System.nanoTime();
        long every = Math.max(MIN_IDLE_CHECK_NANOS, target.idleNanos / IDLE_CHECKS);
        idleCheck = ctx.executor().scheduleAtFixedRate(this::checkIdle, every, every, TimeUnit.NANOSECONDS);
        loop.servers.deposit();
        int chosen = target.upstream.balancing().select(loop.servers, 0, clientHash, -1);
        if (chosen == Balancer.NONE) {
            if (log.isDebugEnabled()) {
                log.debug("stream {}: backend {} has no eligible server; closing {}", target.definition.id(),
                        target.upstream.name(), client);
            }
            client.close();
            return;
        }
        connect(chosen);
    }

    private void connect(int chosen) {
        server = chosen;
        loop.servers.begin(chosen);
        loop.servers.opened(chosen);
        // Safe to reuse the loop's bootstrap: connect() reads the handler synchronously, on this loop only.
        ChannelFuture connecting = loop.bootstrap(chosen).handler(new BackendSide()).connect();
        backend = connecting.channel();
        connecting.addListener(this);
    }

    /** The outcome of a connect. */
    @Override
    public void operationComplete(ChannelFuture future) {
        Channel channel = future.channel();
        if (channel != backend || closed) {
            channel.close();
            return;
        }
        if (future.isSuccess()) {
            onConnected();
        } else {
            onConnectFailed(future.cause());
        }
    }

    private void onConnected() {
        connected = true;
        target.upstream.balancing().recordSuccess(server);
        if (target.proxyVersion != null) {
            backend.write(ProxyHeader.of(target.proxyVersion, client), backend.voidPromise());
            // Written (encoded) already: the relay path has no encoder on it from here on.
            backend.pipeline().remove(PROXY_ENCODER);
        }
        if (pending != null) {
            for (Object msg : pending) {
                backend.write(msg, backend.voidPromise());
            }
            pending = null;
        }
        backend.flush();
        if (clientInputShut) {
            shutdownOutput(backend);
        } else {
            client.config().setAutoRead(true);
        }
    }

    private void onConnectFailed(Throwable cause) {
        int failed = server;
        leaveServer();
        backend = null;
        BackendServers servers = target.upstream.balancing();
        servers.recordFailure(failed);
        tried |= 1L << failed;
        if (log.isDebugEnabled()) {
            log.debug("stream {}: backend {} server {}: connect failed: {}", target.definition.id(), target.upstream.name(),
                    target.upstream.server(failed), cause.toString());
        }
        if (retries < target.upstream.definition().maxRetries()) {
            int next = servers.select(loop.servers, tried, clientHash, -1);
            if (next != Balancer.NONE && loop.servers.withdrawRetry()) {
                retries++;
                connect(next);
                return;
            }
        }
        client.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!connected) {
            if (pending == null) {
                pending = new ArrayList<>(2);
            }
            pending.add(msg);
            return;
        }
        backend.write(msg, backend.voidPromise());
        backendFlushPending = true;
        if (!backend.isWritable()) {
            client.config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        lastActivity = System.nanoTime();
        if (backendFlushPending) {
            backendFlushPending = false;
            backend.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (client.isWritable() && connected && !backendInputShut) {
            backend.config().setAutoRead(true);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE && !clientInputShut) {
            clientInputShut = true;
            if (connected) {
                flushToBackend();
                shutdownOutput(backend);
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (pending != null) {
            pending.forEach(ReferenceCountUtil::release);
            pending = null;
        }
        leaveServer();
        Channel other = backend;
        if (other != null) {
            if (connected) {
                closeAfterFlush(other);
            } else {
                other.close();
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (log.isDebugEnabled()) {
            log.debug("stream {}: client connection {} failed: {}", target.definition.id(), ctx.channel(), cause.toString());
        }
        ctx.close();
    }

    // ---------------------------------------------------------------- both sides

    private void flushToBackend() {
        if (backendFlushPending) {
            backendFlushPending = false;
            backend.flush();
        }
    }

    /**
     * Passes a FIN on: once everything written so far has gone out (shutting down earlier would fail
     * those writes), the channel's output is shut; when both directions have ended, both close.
     */
    private void shutdownOutput(Channel channel) {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
                channel.close();
                return;
            }
            duplex.shutdownOutput().addListener((ChannelFutureListener) shut -> {
                if (channel == client) {
                    clientOutputShut = true;
                } else {
                    backendOutputShut = true;
                }
                if (!shut.isSuccess() || (clientOutputShut && backendOutputShut)) {
                    client.close();
                    channel.close();
                    Channel other = backend;
                    if (other != null) {
                        other.close();
                    }
                }
            });
        });
    }

    private static void closeAfterFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    private void leaveServer() {
        if (server >= 0) {
            loop.servers.end(server);
            server = -1;
        }
    }

    private void checkIdle() {
        if (System.nanoTime() - lastActivity >= target.idleNanos) {
            if (log.isDebugEnabled()) {
                log.debug("stream {}: closing {}, idle for {} ms", target.definition.id(), client,
                        TimeUnit.NANOSECONDS.toMillis(target.idleNanos));
            }
            client.close();
            Channel other = backend;
            if (other != null) {
                other.close();
            }
        }
    }

    // ---------------------------------------------------------------- backend side

    /** The handler of one backend connection attempt; ignores everything once it is not the current one. */
    private final class BackendSide extends ChannelInboundHandlerAdapter {

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (target.proxyVersion != null) {
                ctx.pipeline().addBefore(ctx.name(), PROXY_ENCODER, HAProxyMessageEncoder.INSTANCE);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (ctx.channel() != backend || closed) {
                ReferenceCountUtil.release(msg);
                return;
            }
            client.write(msg, client.voidPromise());
            clientFlushPending = true;
            if (!client.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            lastActivity = System.nanoTime();
            if (clientFlushPending) {
                clientFlushPending = false;
                client.flush();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel() == backend && ctx.channel().isWritable() && connected && !clientInputShut) {
                client.config().setAutoRead(true);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE && ctx.channel() == backend && !backendInputShut && !closed) {
                backendInputShut = true;
                if (clientFlushPending) {
                    clientFlushPending = false;
                    client.flush();
                }
                shutdownOutput(client);
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == backend && connected && !closed) {
                closeAfterFlush(client);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (log.isDebugEnabled()) {
                log.debug("stream {}: backend connection {} failed: {}", target.definition.id(), ctx.channel(),
                        cause.toString());
            }
            ctx.close();
        }
    }
}
