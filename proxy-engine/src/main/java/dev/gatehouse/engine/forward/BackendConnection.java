package dev.gatehouse.engine.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One keep-alive connection to a backend server, living on one event loop: the last handler of its
 * pipeline (after a {@link BackendResponseDecoder} and an {@link Http1MessageEncoder}). While an exchange uses it, it hands every event to
 * its {@link ClientConnection owner}; while idle it sits in its {@link NettyBackendPool.LoopPool}.
 * For an HTTP/2 backend it is one stream instead (a child channel of its {@link #session}, after an
 * {@link Http2BackendStreamCodec}): same events, one exchange, never pooled.
 *
 * <p>One lazily re-armed timer per connection covers both timeouts: the backend's response timeout
 * (from the request being sent to the response headers, and then between reads of the body, like
 * nginx's {@code proxy_read_timeout}) and the pool's idle timeout. The timer is only moved when a
 * deadline comes earlier than the one it is set for; when it fires it re-checks the state and sets
 * itself for the next deadline, so steady traffic costs no scheduling per request.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter implements ChannelFutureListener, Runnable {

    private static final Logger log = LoggerFactory.getLogger(BackendConnection.class);

    final NettyBackendPool.LoopPool pool;
    final int server;
    /** The HTTP/2 connection this stream belongs to; null for an HTTP/1.1 connection. */
    Http2BackendSession session;
    /** As a stream: counted open on its session until it closes. */
    private boolean streamCounted;
    Channel channel;
    ChannelHandlerContext ctx;
    /** The client connection using this one, or null while idle or given up. */
    ClientConnection owner;
    /** Connect still in progress. */
    boolean connecting;
    /** In its pool's idle deque. */
    boolean pooled;
    /** Has carried an exchange before the current one (so it may have gone stale meanwhile). */
    boolean reused;
    /** The backend sent something for the current exchange. */
    boolean received;
    /** The current request is a HEAD: its response has no body whatever its headers say. */
    boolean headRequest;
    /** The response timeout runs: the request was sent and the response has not ended. */
    private boolean waiting;
    /** System.nanoTime() of the last progress (request sent, response read), or when it became idle. */
    long lastActivity;
    private ScheduledFuture<?> timer;
    private long timerDeadline;

    BackendConnection(NettyBackendPool.LoopPool pool, int server, ClientConnection owner) {
        this.pool = pool;
        this.server = server;
        this.owner = owner;
        this.connecting = true;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        if (session != null) {
            ctx.pipeline().addBefore(ctx.name(), "h2-stream-codec", new Http2BackendStreamCodec(session.scheme()));
            return;
        }
        SslContext tls = pool.backend.tls[server];
        if (tls != null) {
            ctx.pipeline().addFirst("tls", BackendTls.newHandler(tls, pool.backend.definitions[server], ctx.alloc()));
        }
        ctx.pipeline().addBefore(ctx.name(), "http-response-decoder",
                new BackendResponseDecoder(NettyForwarder.newResponseDecoderConfig(), this));
        ctx.pipeline().addBefore(ctx.name(), "http-request-encoder", Http1MessageEncoder.forRequests());
    }

    /** The connect attempt's outcome. */
    @Override
    public void operationComplete(ChannelFuture future) {
        if (channel == null) {
            channel = future.channel();
        }
        ClientConnection client = owner;
        SslHandler tls = future.isSuccess() ? future.channel().pipeline().get(SslHandler.class) : null;
        if (tls == null) {
            connecting = false;
        }
        if (client == null) {
            // The client went away while we were connecting.
            future.channel().close();
            return;
        }
        if (!future.isSuccess()) {
            owner = null;
            client.onBackendConnectFailed(this, future.cause());
        } else if (tls == null) {
            client.onBackendConnected(this);
        } else {
            // An https server counts as connected once the handshake is done: a failed handshake is
            // a connect failure (nothing was sent), retried on another server like a refused connect.
            tls.handshakeFuture().addListener(handshake -> {
                connecting = false;
                ClientConnection waiting = owner;
                if (waiting == null) {
                    future.channel().close();
                } else if (handshake.isSuccess()) {
                    waiting.onBackendConnected(this);
                } else {
                    owner = null;
                    future.channel().close();
                    waiting.onBackendConnectFailed(this, handshake.cause());
                }
            });
        }
    }

    /** As a stream: it is open, the request may go out. */
    void streamOpened() {
        connecting = false;
        streamCounted = true;
        ClientConnection client = owner;
        if (client == null) {
            channel.close(); // the client went away meanwhile
        } else {
            client.onBackendConnected(this);
        }
    }

    /** As a stream: its HTTP/2 connection could not be set up, or the stream could not be opened. */
    void connectFailed(Throwable cause) {
        connecting = false;
        ClientConnection client = owner;
        if (client != null) {
            owner = null;
            client.onBackendConnectFailed(this, cause);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ClientConnection client = owner;
        if (client != null) {
            client.onBackendRead(this, msg);
        } else {
            // Nothing may arrive on an idle connection: it is out of step, never reuse it.
            ReferenceCountUtil.release(msg);
            pool.removeIdle(this);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ClientConnection client = owner;
        if (client != null) {
            client.onBackendReadComplete(this);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ClientConnection client = owner;
        if (client != null) {
            client.onBackendWritabilityChanged(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        if (streamCounted) {
            streamCounted = false;
            session.streamClosed();
        }
        if (connecting) {
            return; // still connecting or handshaking: the connect outcome reports it
        }
        ClientConnection client = owner;
        if (client != null) {
            owner = null;
            client.onBackendInactive(this);
        } else {
            pool.removeIdle(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (log.isDebugEnabled()) {
            log.debug("backend {} connection {} failed: {}", pool.backend.name, channel, cause.toString());
        }
        ctx.close();
    }

    /** The whole request has been handed to the connection: the response timeout starts. */
    void startWaiting() {
        long now = System.nanoTime();
        waiting = true;
        lastActivity = now;
        ensureTimer(now + pool.backend.responseTimeoutNanos, now);
    }

    /** Part of the response arrived: the response timeout starts over. */
    void touch() {
        if (waiting) {
            lastActivity = System.nanoTime();
        }
    }

    /** The response has ended. */
    void stopWaiting() {
        waiting = false;
    }

    /** Back in the pool since about {@code since}: the idle timeout starts. */
    void idleFrom(long since) {
        waiting = false;
        lastActivity = since;
        ensureTimer(since + pool.backend.idleTimeoutNanos, since);
    }

    private void ensureTimer(long deadline, long now) {
        if (timer != null) {
            if (deadline - timerDeadline >= 0) {
                return; // fires earlier anyway and re-checks then
            }
            timer.cancel(false);
        }
        schedule(deadline, now);
    }

    private void schedule(long deadline, long now) {
        timerDeadline = deadline;
        timer = channel.eventLoop().schedule(this, Math.max(0, deadline - now), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The timer: times out a waiting exchange, closes an idle connection, or re-arms. */
    @Override
    public void run() {
        timer = null;
        if (channel == null || !channel.isActive()) {
            return;
        }
        long now = System.nanoTime();
        ClientConnection client = owner;
        if (client != null) {
            if (waiting) {
                long deadline = lastActivity + pool.backend.responseTimeoutNanos;
                if (now - deadline >= 0) {
                    waiting = false;
                    client.onBackendTimeout(this);
                } else {
                    schedule(deadline, now);
                }
            }
            // Busy but not waiting (the request body is still being sent): startWaiting() re-arms.
        } else if (pooled) {
            long deadline = lastActivity + pool.backend.idleTimeoutNanos;
            if (now - deadline >= 0) {
                pool.removeIdle(this);
                channel.close();
            } else {
                schedule(deadline, now);
            }
        }
    }
}
