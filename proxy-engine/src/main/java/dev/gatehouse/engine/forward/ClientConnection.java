package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.balancing.BackendServers;
import dev.gatehouse.engine.balancing.Balancer;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.errorpage.ErrorPage;
import dev.gatehouse.engine.routing.CompiledHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: the last handler of its pipeline, after an
 * {@link io.netty.handler.codec.http.HttpRequestDecoder} and an {@link Http1MessageEncoder}. It
 * forwards the connection's requests one at a time, each in one <em>exchange</em>: route the request
 * (the {@link RequestRouter} reads the live config once), take a keep-alive connection to the chosen
 * server from the per-loop pool (or open one on this same loop), write the request head with
 * hop-by-hop headers stripped and X-Forwarded-* set, stream the body as it arrives, stream the
 * response back, then return the backend connection to the pool.
 *
 * <p>Everything happens on the connection's event loop: no locks, no Reactor operators. Writes use
 * void promises; writes to the backend are flushed when the client's read completes, writes to the
 * client on the response's last content (and when a backend read completes, for streamed bodies).
 * Requests a client pipelines behind the current one are queued in order, not read in parallel.
 * Backpressure both ways: when the side we write to is not writable, the side we read from stops
 * reading until it is.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements RequestRouter.Decision {

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    /** Reasons the client's reads are paused (a bit each); reading resumes when none is left. */
    /** Retry-After of the engine's own 503: busy servers usually have a slot again within a second. */
    private static final AsciiString RETRY_AFTER_SECONDS = AsciiString.cached("1");
    private static final int PAUSE_BACKEND_FULL = 1;
    private static final int PAUSE_QUEUE_FULL = 2;
    private static final int PAUSE_CONNECTING = 4;
    private static final int PAUSE_ROUTING = 8;
    /** Pipelined messages queued behind the current exchange before the client is paused. */
    private static final int MAX_QUEUED = 32;
    /** Body pieces buffered while the backend connection is being opened before the client is paused. */
    private static final int MAX_PENDING = 16;
    /** A keep-alive connection without a request for this long is closed. */
    private static final long IDLE_NANOS = NettyForwarder.CLIENT_IDLE_TIMEOUT.toNanos();
    /** The engine's answer to a client too slow with its request (written raw: it may come mid-head). */
    private static final ByteBuf REQUEST_TIMEOUT = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
            "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)).asReadOnly());

    private static final ByteBuf CONTINUE = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
            "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnly());
    private static final AsciiString HTML = AsciiString.cached(ErrorPage.contentType());
    private static final AsciiString NO_STORE = AsciiString.cached("no-store");
    private static final AsciiString X_CONTENT_TYPE_OPTIONS = AsciiString.cached("x-content-type-options");
    private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");
    private static final AsciiString ZERO = AsciiString.cached("0");
    private static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");

    private final NettyForwarder forwarder;
    private final LoopContext loop;
    /**
     * This handler serves one HTTP/2 stream (a child channel, after an
     * {@link io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec}) rather than an HTTP/1.x
     * connection: one exchange, no Connection semantics, the connection-level idle timeout and
     * graceful close belong to the parent.
     */
    private final boolean http2;
    /** The connection came in over TLS: X-Forwarded-Proto https, HSTS allowed. */
    private final boolean secure;
    /** X-Forwarded-Proto for every request of this connection: a constant per listener. */
    private final AsciiString scheme;
    private boolean started;
    private ChannelHandlerContext ctx;
    /** The encoder's context: writing there bypasses the response encoder (for the raw 100 Continue). */
    private ChannelHandlerContext codecCtx;
    private Channel channel;
    private String clientAddress;
    private ScheduledFuture<?> idleCheck;
    private int exchangesStarted;
    private int exchangesAtLastCheck;
    /** Since when no request came (System.nanoTime()), as of the last timeout check. */
    private long idleSince;
    /** Slow-client timeouts and limits, as when the connection was accepted. */
    private ListenerLimits limits;
    /** The HTTP/2 connection's timeout checker, which checks this stream too; null for HTTP/1. */
    private Http2ConnectionWatch http2Watch;
    /** This HTTP/2 stream's id, its key in {@link #http2Watch}; 0 for HTTP/1. */
    private int http2StreamId;
    /** The HTTP/1 request decoder, which knows when a request head started to arrive; null for HTTP/2. */
    private ClientRequestDecoder decoder;
    /** The current body-pace window: when it began (0: at the next check) and the body bytes by then. */
    private long bodyWindowStart;
    private long bodyWindowBytes;
    /** Since when the client has not taken response bytes we had for it (0: it has). */
    private long unwritableSince;
    /** The engine is closing: finish the current exchange, then close. */
    private boolean closing;
    private boolean closed;

    /** Messages that belong to requests after the current one, in arrival order. */
    private ArrayDeque<Object> queue;
    private boolean drainingQueue;
    private int readPauses;
    private boolean inClientRead;
    private boolean backendFlushPending;
    private boolean clientFlushPending;

    // The current exchange.
    private boolean active;
    private HttpRequest request;
    private boolean head;
    private boolean http10;
    private boolean keepAlive;
    private boolean expectContinue;
    private boolean continueSent;
    private boolean retryable;
    private boolean retried;
    /** The backend of the exchange, counted in on {@link #upstreamPool}. */
    private Upstream upstream;
    private NettyBackendPool.LoopPool upstreamPool;
    private BackendConnection backend;
    private boolean backendPaused;
    private boolean backendReusable;
    /** Messages for a backend connection still being opened. */
    private ArrayList<Object> pending;
    private boolean requestDone;
    private boolean responseStarted;
    private boolean responseDone;
    /** The rest of the request body is dropped (the exchange was answered without it). */
    private boolean discarding;
    /** Skipping an interim (1xx) response from the backend until its end. */
    private boolean skippingInterim;
    /** The site's Strict-Transport-Security value for this exchange's response, or null. */
    private AsciiString strictTransportSecurity;
    /** The exchange's server (index in its backend) while counted in on the loop's server state, else -1. */
    private int server = -1;
    /** Servers the request has tried, a bit per index: a retry goes elsewhere. */
    private long tried;
    private int retries;
    /** The Set-Cookie value a sticky-cookie backend's response gets, or null. */
    private String stickyCookie;
    /** The server the request's sticky cookie names, or -1. */
    private int stickyServer = -1;
    /** Waiting in the backend's queue for a slot under its connection limit. */
    private boolean queued;
    /** The site's header policy for this exchange, or null for the default. */
    private CompiledHeaders siteHeaders;
    /** The site passes WebSocket upgrades with this idle timeout; 0 when it does not. */
    private long websocketIdleNanos;
    /** A WebSocket upgrade was sent to the backend; a 101 answer turns the connection into a tunnel. */
    private boolean upgrading;
    /** Both connections carry the WebSocket's bytes untouched, until either closes. */
    private boolean tunnel;
    private long tunnelActivity;
    private ScheduledFuture<?> queueTimer;
    /** An extra header for the next engine page (WWW-Authenticate, Retry-After), or null. */
    private AsciiString rejectWithHeader;
    private CharSequence rejectHeaderValue;
    /** Held until the router can decide (a password check runs off the loop); the body waits in {@link #pending}. */
    private boolean suspended;
    /** The site's request body limit for this exchange; 0 for none. */
    private long bodyLimit;
    private long bodyBytes;

    ClientConnection(NettyForwarder forwarder, LoopContext loop, boolean http2, boolean secure) {
        this.forwarder = forwarder;
        this.loop = loop;
        this.http2 = http2;
        this.secure = secure;
        this.scheme = secure ? ProxyHeaders.HTTPS : ProxyHeaders.HTTP;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        this.codecCtx = http2 ? null : ctx.pipeline().context(Http1MessageEncoder.class);
        if (channel.isActive()) {
            // Added once the protocol was known, after the connection became active.
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (started) {
            return;
        }
        started = true;
        InetSocketAddress remote = remoteAddress();
        if (remote != null) {
            clientAddress = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
        }
        if (!http2) {
            limits = forwarder.listenerLimits();
            decoder = ctx.pipeline().get(ClientRequestDecoder.class);
            idleSince = System.nanoTime();
            long every = limits.checkEveryNanos();
            idleCheck = ctx.executor().scheduleAtFixedRate(this::checkTimeouts, every, every, TimeUnit.NANOSECONDS);
        } else if (channel.parent() != null) {
            http2Watch = channel.parent().pipeline().get(Http2ConnectionWatch.class);
            if (http2Watch != null && channel instanceof Http2StreamChannel stream) {
                http2StreamId = stream.stream().id();
                limits = http2Watch.limits();
                http2Watch.add(http2StreamId, this);
            }
        }
        if (forwarder.isDraining()) {
            ctx.close();
        }
    }

    // ---------------------------------------------------------------- client side

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inClientRead = true;
        if (tunnel) {
            tunnelToBackend(msg);
            return;
        }
        if ((queue != null && !queue.isEmpty()) || (active && requestDone)) {
            enqueue(msg);
            return;
        }
        handle(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inClientRead = false;
        flushBackend();
    }

    private void handle(Object msg) {
        if (msg instanceof FullHttpRequest full) {
            // The HTTP/2 codec hands a request without body as one message: the head and its end, apart.
            DefaultHttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            // The HTTP/1 decoder reports a request it could not read (too long a line, bad headers)
            // as a full request carrying the failure: keep it, so the answer is 414/431/400 as due.
            head.setDecoderResult(full.decoderResult());
            startExchange(head);
            ByteBuf body = full.content();
            if (body.isReadable() || !full.trailingHeaders().isEmpty()) {
                onRequestContent(new DefaultLastHttpContent(body, full.trailingHeaders()));
            } else {
                body.release();
                onRequestContent(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        } else if (msg instanceof HttpRequest httpRequest) {
            startExchange(httpRequest);
            if (msg instanceof HttpContent content) {
                onRequestContent(content);
            }
        } else if (msg instanceof HttpContent content) {
            onRequestContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void enqueue(Object msg) {
        if (queue == null) {
            queue = new ArrayDeque<>(8);
        }
        queue.add(msg);
        if (queue.size() >= MAX_QUEUED) {
            pauseReads(PAUSE_QUEUE_FULL);
        }
    }

    /** Starts the queued requests once the exchange before them is over, in order. */
    private void drainQueue() {
        if (queue == null || drainingQueue) {
            return;
        }
        drainingQueue = true;
        try {
            Object msg;
            while (!closed && !(active && requestDone) && (msg = queue.poll()) != null) {
                handle(msg);
            }
            if (queue.size() < MAX_QUEUED / 2) {
                resumeReads(PAUSE_QUEUE_FULL);
            }
        } finally {
            drainingQueue = false;
        }
        if (!inClientRead) {
            flushBackend();
        }
    }

    private void startExchange(HttpRequest httpRequest) {
        active = true;
        exchangesStarted++;
        request = httpRequest;
        requestDone = false;
        responseStarted = false;
        responseDone = false;
        discarding = false;
        skippingInterim = false;
        continueSent = false;
        retried = false;
        strictTransportSecurity = null;
        websocketIdleNanos = 0;
        upgrading = false;
        siteHeaders = null;
        bodyLimit = 0;
        bodyBytes = 0;
        bodyWindowStart = 0;
        if (httpRequest.decoderResult().isFailure()) {
            // The decoder is now discarding the connection's input: answer and close.
            keepAlive = false;
            requestDone = true;
            discarding = true;
            sendBareError(statusFor(httpRequest.decoderResult().cause()));
            return;
        }
        if (http2 && httpRequest.uri().length() > NettyForwarder.MAX_REQUEST_LINE_BYTES) {
            // The HTTP/1 decoder enforces this on the request line; HTTP/2 gets the same limit.
            keepAlive = true;
            discarding = true;
            sendBareError(HttpResponseStatus.REQUEST_URI_TOO_LONG);
            return;
        }
        HttpMethod method = httpRequest.method();
        head = HttpMethod.HEAD.equals(method);
        http10 = !http2 && HttpVersion.HTTP_1_0.equals(httpRequest.protocolVersion());
        // An HTTP/2 stream carries one exchange; whether the connection goes on is the parent's business.
        keepAlive = http2 || (!closing && HttpUtil.isKeepAlive(httpRequest));
        expectContinue = HttpUtil.is100ContinueExpected(httpRequest);
        forwarder.router().route(httpRequest, this);
    }

    /** The router's answer: forward to this upstream, unless it has drained meanwhile. */
    @Override
    public boolean forward(Upstream target) {
        endSuspension();
        NettyBackendPool.LoopPool pool = ((NettyBackendPool) target.pool()).onLoop(loop);
        if (!pool.enter(target)) {
            return false;
        }
        upstream = target;
        upstreamPool = pool;
        HttpRequest outgoing = request;
        HttpHeaders headers = outgoing.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(outgoing);
        boolean hasBody = chunked || HttpUtil.getContentLength(outgoing, 0L) > 0;
        String host = headers.get(HttpHeaderNames.HOST);
        if (http2) {
            // :authority became the first Host; the codec's x-http2-* headers are not the backend's business.
            ProxyHeaders.removeHttp2Extensions(headers);
            if (host != null) {
                headers.set(HttpHeaderNames.HOST, host);
            }
        }
        boolean http2Backend = pool.backend.http2;
        // WebSockets need an HTTP/1.1 backend: the upgrade has no HTTP/2 form this proxy speaks.
        boolean websocket = websocketIdleNanos > 0 && !http2 && !http2Backend && isWebsocketUpgrade(outgoing);
        // "te: trailers" is the one TE HTTP/2 allows, and gRPC servers insist on it.
        boolean teTrailers = http2Backend && headers.containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true);
        ProxyHeaders.removeHopByHop(headers);
        if (teTrailers) {
            headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
        if (websocket) {
            // The one upgrade passed on: the site allows it. Never h2c or anything else.
            headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            upgrading = true;
        }
        if (expectContinue) {
            headers.remove(HttpHeaderNames.EXPECT);
        }
        if (siteHeaders == null) {
            ProxyHeaders.addForwardingHeaders(headers, clientAddress, scheme, host);
        } else {
            ProxyHeaders.addForwardingHeaders(headers, clientAddress, scheme, host,
                    siteHeaders.trusts(remoteAddress()), siteHeaders.forwardedHeader());
            siteHeaders.applyToRequest(headers);
        }
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (http10) {
            outgoing.setProtocolVersion(HttpVersion.HTTP_1_1);
        }
        retryable = !hasBody && isIdempotent(outgoing.method()) && !upgrading;
        if (expectContinue) {
            continueSent = true;
            if (http2) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                        Unpooled.EMPTY_BUFFER), ctx.voidPromise());
            } else {
                codecCtx.writeAndFlush(CONTINUE.duplicate(), codecCtx.voidPromise());
            }
        }
        pool.servers.deposit();
        tried = 0;
        retries = 0;
        stickyCookie = null;
        boolean stickyPolicy = target.definition().balancing() == LoadBalancing.STICKY_COOKIE;
        stickyServer = stickyPolicy ? stickyServer(headers, target.balancing()) : -1;
        dispatch(false);
        return true;
    }

    /**
     * Sends the request to a server chosen now. When every eligible server is at the backend's
     * connection limit the request waits in its queue (503 when that is full); with no eligible
     * server at all it gets 502 at once.
     *
     * @param fromQueue the request waited in the queue: its head (and any body) is in {@link #pending}
     * @return false when, woken from the queue, it found no free slot after all and waits on
     */
    private boolean dispatch(boolean fromQueue) {
        NettyBackendPool.LoopPool pool = upstreamPool;
        NettyBackendPool backendPool = pool.backend;
        BackendServers servers = upstream.balancing();
        long full = backendPool.fullServers();
        int chosen = Balancer.NONE;
        for (int attempt = 0; attempt < 4; attempt++) {
            chosen = servers.select(pool.servers, tried | full, clientHash(), stickyServer);
            if (chosen == Balancer.NONE || backendPool.tryTakeSlot(chosen)) {
                break;
            }
            full |= 1L << chosen; // another loop took its last slot meanwhile
            chosen = Balancer.NONE;
        }
        if (chosen == Balancer.NONE) {
            if (full != 0 && servers.hasEligibleOutside(tried)) {
                if (fromQueue) {
                    return false;
                }
                waitForSlot();
                return true;
            }
            stopQueueTimer();
            // Every server is known to be down or drained: say so at once instead of after a timeout.
            failExchange(ErrorPage.BAD_GATEWAY);
            return true;
        }
        stopQueueTimer();
        beginOn(chosen);
        hostFor(chosen);
        BackendConnection connection = pool.acquire(chosen);
        if (connection == null) {
            if (fromQueue) {
                connectTo(pool, chosen);
            } else {
                openBackend(pool, chosen, request, false);
            }
            return true;
        }
        connection.owner = this;
        connection.reused = true;
        connection.received = false;
        connection.headRequest = head;
        backend = connection;
        if (fromQueue) {
            // What waited in the queue goes out as it would on a fresh connection.
            onBackendConnected(connection);
        } else {
            connection.ctx.write(request, connection.ctx.voidPromise());
            if (pending != null && !pending.isEmpty()) {
                // Body that arrived while the request was held for its password check.
                for (Object msg : pending) {
                    connection.ctx.write(msg, connection.ctx.voidPromise());
                }
                pending.clear();
                resumeReads(PAUSE_CONNECTING);
                if (requestDone) {
                    connection.startWaiting();
                }
            }
            backendFlushPending = true;
        }
        return true;
    }

    /** Queues the request for a free slot; the head waits in {@link #pending}, the body joins it. */
    private void waitForSlot() {
        if (!upstreamPool.enqueue(this)) {
            failExchange(ErrorPage.SERVICE_UNAVAILABLE);
            return;
        }
        queued = true;
        if (pending == null) {
            pending = new ArrayList<>(4);
        }
        pending.add(request);
        queueTimer = ctx.executor().schedule(this::queueTimedOut, upstreamPool.backend.queueTimeoutNanos,
                TimeUnit.NANOSECONDS);
    }

    /** Called by the loop's pool when a slot may be free; false to stay queued. */
    boolean dispatchFromQueue() {
        if (!queued || closed) {
            return true;
        }
        return dispatch(true);
    }

    private void queueTimedOut() {
        queueTimer = null;
        if (queued) {
            queued = false;
            upstreamPool.dequeue(this);
            failExchange(ErrorPage.SERVICE_UNAVAILABLE);
        }
    }

    private void stopQueueTimer() {
        queued = false;
        if (queueTimer != null) {
            queueTimer.cancel(false);
            queueTimer = null;
        }
    }

    /** The client: the socket's peer, or what a trusted balancer's PROXY header named (kept on the connection). */
    private InetSocketAddress remoteAddress() {
        return ProxyProtocolReader.clientAddress(http2 ? channel.parent() : channel);
    }

    private int clientHash() {
        return clientAddress == null ? 0 : clientAddress.hashCode();
    }

    /** Counts the exchange in on a server of its backend (least-connections, the dashboard). */
    private void beginOn(int chosen) {
        server = chosen;
        upstreamPool.servers.begin(chosen);
        // A client whose cookie names this server already needs no new one.
        if (chosen != stickyServer && upstream.definition().balancing() == LoadBalancing.STICKY_COOKIE) {
            stickyCookie = BackendServers.STICKY_COOKIE + "=" + upstream.balancing().cookieToken(chosen)
                    + (secure ? "; Path=/; HttpOnly; SameSite=Lax; Secure" : "; Path=/; HttpOnly; SameSite=Lax");
        }
    }

    /** A site that does not pass the client's Host sends the server's own address. */
    private void hostFor(int chosen) {
        if (siteHeaders != null && !siteHeaders.passHost()) {
            request.headers().set(HttpHeaderNames.HOST, upstream.definition().servers().get(chosen).address());
        }
    }

    private void leaveServer() {
        if (server >= 0) {
            int left = server;
            server = -1;
            upstreamPool.servers.end(left);
            upstreamPool.backend.releaseSlot(left, upstreamPool);
        }
    }

    /** The server a request's sticky cookie names, or -1. */
    private static int stickyServer(HttpHeaders headers, BackendServers servers) {
        for (String cookies : headers.getAll(HttpHeaderNames.COOKIE)) {
            int at = cookies.indexOf(BackendServers.STICKY_COOKIE + "=");
            while (at >= 0) {
                boolean nameStart = at == 0 || cookies.charAt(at - 1) == ' ' || cookies.charAt(at - 1) == ';';
                int valueStart = at + BackendServers.STICKY_COOKIE.length() + 1;
                if (nameStart) {
                    int end = cookies.indexOf(';', valueStart);
                    return servers.serverForCookie(cookies.substring(valueStart, end < 0 ? cookies.length() : end).trim());
                }
                at = cookies.indexOf(BackendServers.STICKY_COOKIE + "=", valueStart);
            }
        }
        return -1;
    }

    /**
     * Another server for the request, taken from the retry budget, or {@link Balancer#NONE} when
     * the backend's retry limit, its eligible servers or the budget do not allow one.
     */
    private int retryTarget() {
        if (upstream == null || server < 0 || retries >= upstream.definition().maxRetries()) {
            return Balancer.NONE;
        }
        long triedNow = tried | (1L << server) | upstreamPool.backend.fullServers();
        int next = upstream.balancing().select(upstreamPool.servers, triedNow, clientHash(), -1);
        if (next == Balancer.NONE || !upstreamPool.servers.withdrawRetry()) {
            return Balancer.NONE;
        }
        // A server at its connection limit is no place for a retry.
        return upstreamPool.backend.tryTakeSlot(next) ? next : Balancer.NONE;
    }

    /**
     * Moves the exchange to server {@code next}: with {@code replay} the request head (and the end
     * of its empty body) is sent again; otherwise what waits in {@link #pending} (nothing was sent).
     */
    private void retryOn(int next, boolean replay) {
        if (log.isDebugEnabled()) {
            log.debug("backend {}: retrying on server {} after server {} failed", upstream.name(),
                    upstream.server(next), upstream.server(server));
        }
        tried |= 1L << server;
        retries++;
        leaveServer();
        beginOn(next);
        hostFor(next);
        if (replay) {
            openBackend(upstreamPool, next, request, true);
        } else {
            connectTo(upstreamPool, next);
        }
    }

    /**
     * Opens a new backend connection for the exchange; {@code outgoing} (and, for a replay, the empty
     * last content) waits in {@link #pending} until it is connected. The outcome may be reported
     * before this returns.
     */
    private void openBackend(NettyBackendPool.LoopPool pool, int server, HttpRequest outgoing, boolean withEnd) {
        if (pending == null) {
            pending = new ArrayList<>(4);
        }
        // First: body pieces may already wait there (they arrived while the request was held).
        pending.add(0, outgoing);
        if (withEnd) {
            pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        connectTo(pool, server);
    }

    /** Opens a new backend connection; what waits in {@link #pending} goes out once it is up. */
    private void connectTo(NettyBackendPool.LoopPool pool, int server) {
        BackendConnection connection = new BackendConnection(pool, server, this);
        connection.headRequest = head;
        backend = connection;
        pool.connect(connection);
    }

    /** The router's answer: send the engine's own page. */
    @Override
    public void reject(ErrorPage page, AsciiString header, CharSequence value) {
        rejectWithHeader = header;
        rejectHeaderValue = value;
        reject(page);
    }

    @Override
    public InetSocketAddress clientAddress() {
        return remoteAddress();
    }

    @Override
    public void limitRequestBody(long maxBytes) {
        bodyLimit = maxBytes;
    }

    @Override
    public void routeAgainAfter(CompletionStage<?> check) {
        suspended = true;
        pauseReads(PAUSE_ROUTING);
        HttpRequest held = request;
        check.whenComplete((verdict, failure) -> ctx.executor().execute(() -> {
            if (closed || !suspended || request != held) {
                return;
            }
            if (failure != null) {
                endSuspension();
                sendErrorPage(ErrorPage.SERVICE_UNAVAILABLE); // with Retry-After: the checks are busy
                return;
            }
            forwarder.router().route(held, this);
            if (!inClientRead) {
                flushBackend();
            }
        }));
    }

    /** The router has decided: reading goes on (whatever waited in {@link #pending} goes out with the request). */
    private void endSuspension() {
        if (suspended) {
            suspended = false;
            resumeReads(PAUSE_ROUTING);
        }
    }

    @Override
    public void reject(ErrorPage page) {
        endSuspension();
        if (expectContinue) {
            // The client may never send the body it announced: the connection cannot be reused.
            keepAlive = false;
        }
        if (page == ErrorPage.BAD_HOST && !http2) {
            // A malformed head (no, several or a bad Host): whatever follows it is not trusted either.
            keepAlive = false;
        }
        sendErrorPage(page);
    }

    @Override
    public boolean secure() {
        return secure;
    }

    /** The router's answer: a redirect with an empty body, keeping the connection. */
    @Override
    public void redirect(HttpResponseStatus status, String location) {
        endSuspension();
        if (expectContinue) {
            // As for reject: the client may never send the body it announced.
            keepAlive = false;
        }
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        headers.set(HttpHeaderNames.LOCATION, location);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, ZERO);
        endWithResponse(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER, headers,
                EmptyHttpHeaders.INSTANCE));
    }

    @Override
    public void strictTransportSecurity(AsciiString value) {
        if (secure) {
            strictTransportSecurity = value;
        }
    }

    @Override
    public void headers(CompiledHeaders headers) {
        siteHeaders = headers;
    }

    @Override
    public void closeConnection() {
        endSuspension();
        keepAlive = false;
        releaseUpstream();
        releasePending();
        discarding = true;
        ctx.close();
    }

    @Override
    public void allowWebsockets(long idleTimeoutNanos) {
        websocketIdleNanos = idleTimeoutNanos;
    }

    private static boolean isWebsocketUpgrade(HttpRequest request) {
        HttpHeaders headers = request.headers();
        return HttpMethod.GET.equals(request.method())
                && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /**
     * The backend accepted the WebSocket upgrade: the 101 goes to the client through the HTTP
     * encoder, then the HTTP codecs leave both pipelines (the backend's decoder stays: after a 101
     * it passes bytes through) and each side's bytes are written to the other as they come.
     */
    private void startTunnel(HttpResponse response) {
        HttpHeaders headers = response.headers();
        ProxyHeaders.removeHopByHop(headers);
        headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        BackendConnection connection = backend;
        connection.stopWaiting();
        upstream.balancing().recordSuccess(server);
        responseStarted = true;
        tunnel = true;
        tunnelActivity = System.nanoTime();
        ctx.write(response, ctx.voidPromise());
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
        ChannelPipeline pipeline = ctx.pipeline();
        // Removing the decoder hands any bytes it already holds to channelRead, now in tunnel mode.
        pipeline.remove(Http1MessageEncoder.class);
        pipeline.remove(HttpRequestDecoder.class);
        connection.ctx.pipeline().remove(Http1MessageEncoder.class);
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        long every = Math.max(TimeUnit.MILLISECONDS.toNanos(10), websocketIdleNanos / 4);
        idleCheck = ctx.executor().scheduleAtFixedRate(this::checkTunnelIdle, every, every, TimeUnit.NANOSECONDS);
    }

    private void tunnelToBackend(Object msg) {
        BackendConnection connection = backend;
        if (!(msg instanceof ByteBuf bytes) || connection == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        tunnelActivity = System.nanoTime();
        connection.ctx.write(bytes, connection.ctx.voidPromise());
        backendFlushPending = true;
        if (!connection.channel.isWritable()) {
            pauseReads(PAUSE_BACKEND_FULL);
        }
    }

    private void tunnelToClient(BackendConnection connection, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(msg); // the empty end of the 101
            return;
        }
        tunnelActivity = System.nanoTime();
        ctx.write(bytes, ctx.voidPromise());
        clientFlushPending = true;
        if (!channel.isWritable() && !backendPaused) {
            backendPaused = true;
            connection.channel.config().setAutoRead(false);
        }
    }

    private void checkTunnelIdle() {
        if (System.nanoTime() - tunnelActivity >= websocketIdleNanos) {
            if (log.isDebugEnabled()) {
                log.debug("closing a WebSocket idle for {} ms", TimeUnit.NANOSECONDS.toMillis(websocketIdleNanos));
            }
            ctx.close();
        }
    }

    private void onRequestContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            // A malformed body (a bad chunk line or size): the backend connection, which has the
            // start of it, is closed so nothing can follow there; the client gets 400 if nothing
            // was answered yet, and the connection ends either way.
            content.release();
            if (abandonRequest() && active) {
                sendBareError(HttpResponseStatus.BAD_REQUEST);
            } else {
                ctx.close();
            }
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (!active || discarding) {
            content.release();
            if (last && active) {
                requestDone = true;
                discarding = false;
                if (responseDone) {
                    finishExchange();
                }
            }
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (bodyLimit > 0 && bodyBytes > bodyLimit) {
            bodyTooLarge(content);
            return;
        }
        BackendConnection connection = backend;
        if (connection == null && (queued || suspended)) {
            if (pending == null) {
                pending = new ArrayList<>(4);
            }
            pending.add(content);
            if (pending.size() >= MAX_PENDING) {
                pauseReads(PAUSE_CONNECTING);
            }
        } else if (connection == null) {
            content.release();
        } else if (connection.connecting) {
            pending.add(content);
            if (pending.size() >= MAX_PENDING) {
                pauseReads(PAUSE_CONNECTING);
            }
        } else {
            connection.ctx.write(content, connection.ctx.voidPromise());
            backendFlushPending = true;
            if (!connection.channel.isWritable()) {
                pauseReads(PAUSE_BACKEND_FULL);
            }
        }
        if (last) {
            requestDone = true;
            if (connection != null && !connection.connecting) {
                connection.startWaiting();
            }
            if (responseDone) {
                finishExchange();
            }
        }
    }

    /**
     * A chunked body grew past the site's limit: the backend connection, which has the start of it, is
     * dropped, and the client gets 413 if nothing was answered yet; the connection ends either way.
     */
    private void bodyTooLarge(HttpContent content) {
        content.release();
        if (abandonRequest()) {
            sendErrorPage(ErrorPage.PAYLOAD_TOO_LARGE);
        } else {
            ctx.close();
        }
    }

    /**
     * The request cannot go on (a bad or oversized body, a client too slow): whatever holds it is let
     * go — its place in the backend's queue, a pending password check, the backend connection that has
     * its start (closed, so nothing can follow there), body pieces held back — and the connection will
     * close after whatever answer the caller still sends.
     *
     * @return true when no response has started, so the caller may still answer
     */
    private boolean abandonRequest() {
        keepAlive = false;
        if (queued) {
            upstreamPool.dequeue(this);
        }
        stopQueueTimer();
        endSuspension();
        if (backend != null) {
            closeBackend();
        }
        releasePending();
        return !responseStarted;
    }

    private void flushBackend() {
        if (backendFlushPending) {
            backendFlushPending = false;
            BackendConnection connection = backend;
            if (connection != null && !connection.connecting) {
                connection.ctx.flush();
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            // The client took bytes: the send timeout counts from the next time it stops.
            unwritableSince = 0;
        }
        if (channel.isWritable() && backendPaused) {
            backendPaused = false;
            if (backend != null) {
                backend.channel.config().setAutoRead(true);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (http2Watch != null) {
            http2Watch.remove(http2StreamId);
            http2Watch = null;
        }
        if (backend != null) {
            // Mid-exchange: the backend connection is out of step, never return it to the pool.
            closeBackend();
        }
        if (queued) {
            queued = false;
            upstreamPool.dequeue(this);
        }
        stopQueueTimer();
        releasePending();
        if (queue != null) {
            Object msg;
            while ((msg = queue.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
        releaseUpstream();
        active = false;
        request = null;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (log.isDebugEnabled()) {
            log.debug("client connection {} failed: {}", channel, cause.toString());
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ReferenceCountUtil.release(evt);
    }

    // ---------------------------------------------------------------- backend side

    void onBackendConnected(BackendConnection connection) {
        if (connection != backend) {
            connection.channel.close();
            return;
        }
        connection.received = false;
        for (Object msg : pending) {
            connection.ctx.write(msg, connection.ctx.voidPromise());
        }
        pending.clear();
        connection.ctx.flush();
        resumeReads(PAUSE_CONNECTING);
        if (requestDone) {
            connection.startWaiting();
        }
    }

    void onBackendConnectFailed(BackendConnection connection, Throwable cause) {
        if (connection != backend) {
            return;
        }
        backend = null;
        if (log.isDebugEnabled()) {
            log.debug("backend {} server {}: connect failed: {}", connection.pool.backend.name,
                    connection.pool.backend.servers[connection.server], cause.toString());
        }
        if (upstream != null && server >= 0) {
            upstream.balancing().recordFailure(server);
            // Nothing reached the server: any request may go elsewhere.
            int next = retryTarget();
            if (next != Balancer.NONE) {
                retryOn(next, false);
                return;
            }
        }
        failExchange(ErrorPage.BAD_GATEWAY);
    }

    void onBackendRead(BackendConnection connection, Object msg) {
        if (connection != backend) {
            ReferenceCountUtil.release(msg);
            return;
        }
        connection.received = true;
        if (tunnel) {
            tunnelToClient(connection, msg);
            return;
        }
        if (msg instanceof FullHttpResponse whole && !http2 && connection.session != null) {
            // An HTTP/2 backend's answer that ended with its headers: an HTTP/1 client gets a head and its end.
            onResponseHead(new DefaultHttpResponse(whole.protocolVersion(), whole.status(), whole.headers()));
            if (backend == connection) {
                onResponseContent(connection, new DefaultLastHttpContent(whole.content(), whole.trailingHeaders()));
            } else {
                whole.release();
            }
        } else if (msg instanceof HttpResponse response) {
            onResponseHead(response);
            if (msg instanceof HttpContent content && backend == connection) {
                onResponseContent(connection, content);
            }
        } else if (msg instanceof HttpContent content) {
            onResponseContent(connection, content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponseHead(HttpResponse response) {
        if (response.decoderResult().isFailure()) {
            ReferenceCountUtil.release(response);
            if (log.isDebugEnabled()) {
                log.debug("backend {} sent a malformed response: {}", upstream.name(), response.decoderResult().cause().toString());
            }
            recordFailure();
            failExchange(ErrorPage.BAD_GATEWAY);
            return;
        }
        int code = response.status().code();
        if (code >= 500) {
            recordFailure();
            if ((code == 502 || code == 503) && retryable && requestDone) {
                int next = retryTarget();
                if (next != Balancer.NONE) {
                    // The failed server's answer is dropped with its connection (it may have a body).
                    ReferenceCountUtil.release(response);
                    closeBackend();
                    retryOn(next, true);
                    return;
                }
            }
        } else if (code >= 200 && server >= 0) {
            upstream.balancing().recordSuccess(server);
        }
        if (code == 101 && upgrading) {
            startTunnel(response);
            return;
        }
        if (code < 200) {
            if (code == 101) {
                // We never ask for an upgrade (Upgrade is hop-by-hop): an out-of-protocol answer.
                failExchange(ErrorPage.BAD_GATEWAY);
            } else {
                skippingInterim = true; // 100 Continue, 103 Early Hints...: not forwarded
            }
            return;
        }
        HttpHeaders headers = response.headers();
        boolean bodyAllowed = !head && code != 204 && code != 304;
        boolean framed = !bodyAllowed || HttpUtil.isTransferEncodingChunked(response) || HttpUtil.isContentLengthSet(response);
        backendReusable = framed && HttpUtil.isKeepAlive(response);
        ProxyHeaders.removeHopByHop(headers);
        if (http2) {
            // HTTP/2 frames the body itself; connection-specific headers are a protocol error there.
        } else if (bodyAllowed && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (http10) {
                keepAlive = false; // an HTTP/1.0 client knows no chunks: the body ends with the connection
            } else {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (http2) {
            // nothing: see above
        } else if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (strictTransportSecurity != null) {
            // The operator's policy wins over whatever the backend says.
            headers.set(STRICT_TRANSPORT_SECURITY, strictTransportSecurity);
        }
        if (stickyCookie != null) {
            headers.add(HttpHeaderNames.SET_COOKIE, stickyCookie);
        }
        if (siteHeaders != null) {
            siteHeaders.applyToResponse(headers);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        responseStarted = true;
        if (http2 && response instanceof LastHttpContent) {
            // Headers that end the stream (gRPC's trailers-only answer) must stay one HEADERS frame
            // with END_STREAM: onResponseContent writes the whole message as the response's end.
            return;
        }
        ctx.write(response, ctx.voidPromise());
        clientFlushPending = true;
    }

    private void onResponseContent(BackendConnection connection, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (skippingInterim || !responseStarted) {
            content.release();
            if (last) {
                skippingInterim = false;
            }
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            failExchange(ErrorPage.BAD_GATEWAY);
            return;
        }
        if (!last) {
            ctx.write(content, ctx.voidPromise());
            clientFlushPending = true;
            if (!channel.isWritable() && !backendPaused) {
                backendPaused = true;
                connection.channel.config().setAutoRead(false);
            }
            return;
        }
        responseDone = true;
        clientFlushPending = false;
        connection.stopWaiting();
        if (http2) {
            writeLastHttp2(content);
        } else if (keepAlive && !closing) {
            ctx.writeAndFlush(content, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(content).addListener(ChannelFutureListener.CLOSE);
        }
        if (requestDone && backendReusable) {
            returnBackend();
        } else {
            // Ended before the request body did, or not keep-alive: the connection is not reusable.
            closeBackend();
            if (!requestDone) {
                discarding = true;
                resumeReads(PAUSE_BACKEND_FULL | PAUSE_CONNECTING);
            }
        }
        if (requestDone) {
            finishExchange();
        }
    }

    void onBackendReadComplete(BackendConnection connection) {
        if (connection != backend) {
            return;
        }
        if (clientFlushPending) {
            clientFlushPending = false;
            ctx.flush();
        }
        connection.touch();
    }

    void onBackendWritabilityChanged(BackendConnection connection) {
        if (connection == backend && connection.channel.isWritable()) {
            resumeReads(PAUSE_BACKEND_FULL);
        }
    }

    /** The backend connection closed while the exchange used it (its {@code owner} is already cleared). */
    void onBackendInactive(BackendConnection connection) {
        if (connection != backend) {
            return;
        }
        if (tunnel) {
            backend = null;
            ctx.close(); // the WebSocket ended on the backend's side
            return;
        }
        backend = null;
        backendPaused = false;
        if (!responseStarted && retryable && connection.reused && !connection.received && requestDone && !retried) {
            // A keep-alive connection the backend closed as we reused it; replaying is safe for an
            // idempotent request without a body. Once, on a new connection.
            retried = true;
            if (log.isDebugEnabled()) {
                log.debug("backend {} closed a reused connection before answering; retrying on a new one",
                        connection.pool.backend.name);
            }
            openBackend(connection.pool, connection.server, request, true);
            return;
        }
        if (log.isDebugEnabled()) {
            log.debug("backend {} closed the connection {}", connection.pool.backend.name,
                    responseStarted ? "in the middle of the response" : "before answering");
        }
        recordFailure();
        if (!responseStarted && retryable && requestDone) {
            int next = retryTarget();
            if (next != Balancer.NONE) {
                retryOn(next, true);
                return;
            }
        }
        failExchange(ErrorPage.BAD_GATEWAY);
    }

    void onBackendTimeout(BackendConnection connection) {
        if (connection != backend) {
            return;
        }
        if (log.isDebugEnabled()) {
            log.debug("backend {} did not answer within {} ms", connection.pool.backend.name,
                    TimeUnit.NANOSECONDS.toMillis(connection.pool.backend.responseTimeoutNanos));
        }
        // Not retried: the server may be working on it.
        recordFailure();
        failExchange(ErrorPage.GATEWAY_TIMEOUT);
    }

    /**
     * The backend failed: answer with the page while no response header went out, otherwise all
     * that is left is closing the client connection.
     */
    private void failExchange(ErrorPage page) {
        if (backend != null) {
            closeBackend();
        }
        releasePending();
        resumeReads(PAUSE_BACKEND_FULL | PAUSE_CONNECTING);
        if (responseStarted) {
            ctx.close();
            return;
        }
        if (!requestDone && expectContinue && !continueSent) {
            keepAlive = false;
        }
        sendErrorPage(page);
    }

    // ---------------------------------------------------------------- ending an exchange

    private void sendErrorPage(ErrorPage page) {
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, HTML);
        headers.set(HttpHeaderNames.CACHE_CONTROL, NO_STORE);
        headers.set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, page.length());
        if (page == ErrorPage.SERVICE_UNAVAILABLE) {
            headers.set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (rejectWithHeader != null) {
            headers.set(rejectWithHeader, rejectHeaderValue);
            rejectWithHeader = null;
            rejectHeaderValue = null;
        }
        if (strictTransportSecurity != null) {
            headers.set(STRICT_TRANSPORT_SECURITY, strictTransportSecurity);
        }
        endWithResponse(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(page.status()),
                head ? Unpooled.EMPTY_BUFFER : page.content(), headers, EmptyHttpHeaders.INSTANCE));
    }

    /** For requests the decoder rejected; the connection closes after it. */
    private void sendBareError(HttpResponseStatus status) {
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        headers.set(HttpHeaderNames.CONTENT_LENGTH, ZERO);
        endWithResponse(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER, headers,
                EmptyHttpHeaders.INSTANCE));
    }

    private void endWithResponse(DefaultFullHttpResponse response) {
        releaseUpstream();
        releasePending();
        if (!requestDone) {
            discarding = true;
        }
        responseStarted = true;
        responseDone = true;
        if (http2) {
            writeLastHttp2(response);
        } else if (keepAlive && !closing) {
            if (http10) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            keepAlive = false;
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
        if (requestDone) {
            finishExchange();
        }
    }

    /**
     * Ends an HTTP/2 stream's response. When the request is still coming, the stream is reset
     * afterwards (RFC 9113 8.1: the server may answer before the whole request and cancel the rest).
     */
    private void writeLastHttp2(Object last) {
        if (requestDone) {
            ctx.writeAndFlush(last, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Both the request and the response are complete. */
    private void finishExchange() {
        releaseUpstream();
        active = false;
        request = null;
        resumeReads(PAUSE_BACKEND_FULL | PAUSE_CONNECTING);
        if (!keepAlive || closing) {
            // The last write closes the connection; whatever was pipelined behind it is dropped.
            return;
        }
        drainQueue();
    }

    private void returnBackend() {
        BackendConnection connection = backend;
        backend = null;
        connection.owner = null;
        if (backendPaused) {
            backendPaused = false;
            connection.channel.config().setAutoRead(true);
        }
        connection.pool.release(connection);
    }

    private void closeBackend() {
        BackendConnection connection = backend;
        backend = null;
        backendPaused = false;
        connection.owner = null;
        connection.stopWaiting();
        connection.channel.close();
    }

    private void recordFailure() {
        if (upstream != null && server >= 0) {
            upstream.balancing().recordFailure(server);
        }
    }

    private void releaseUpstream() {
        Upstream used = upstream;
        if (used != null) {
            leaveServer();
            upstream = null;
            upstreamPool.exit(used);
            upstreamPool = null;
        }
    }

    private void releasePending() {
        if (pending != null && !pending.isEmpty()) {
            for (Object msg : pending) {
                ReferenceCountUtil.release(msg);
            }
            pending.clear();
        }
    }

    private void pauseReads(int reason) {
        if (readPauses == 0) {
            channel.config().setAutoRead(false);
        }
        readPauses |= reason;
    }

    private void resumeReads(int reasons) {
        if ((readPauses & reasons) != 0) {
            readPauses &= ~reasons;
            if (readPauses == 0) {
                channel.config().setAutoRead(true);
            }
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Graceful close: idle now, or after the current exchange. Runs on this connection's loop. */
    void closeWhenIdle() {
        closing = true;
        if (!active) {
            ctx.close();
        }
    }

    /**
     * Runs every few seconds on an HTTP/1 connection: closes it when idle too long between requests,
     * and cuts off clients too slow to be real ones: a request head still incomplete after the header
     * timeout (slowloris), a body slower than the minimum rate over a window while we read it (slow
     * POST), and responses the client stops taking for the send timeout (slow read).
     */
    private void checkTimeouts() {
        long now = System.nanoTime();
        long headStarted = decoder == null ? 0 : decoder.headStartedNanos();
        if (active || headStarted != 0 || (queue != null && !queue.isEmpty()) || exchangesStarted != exchangesAtLastCheck) {
            idleSince = now;
        } else if (now - idleSince >= IDLE_NANOS) {
            ctx.close();
            return;
        }
        exchangesAtLastCheck = exchangesStarted;
        if (!active && headStarted != 0 && now - headStarted > limits.headerTimeoutNanos()) {
            tooSlow("the request head took longer than the header timeout");
            return;
        }
        if (bodyTooSlow(now)) {
            tooSlow("the request body came slower than the minimum rate");
            return;
        }
        if (sendTimedOut(now)) {
            if (log.isDebugEnabled()) {
                log.debug("client connection {} took no response bytes for the send timeout; closing", channel);
            }
            ctx.close();
        }
    }

    /**
     * Runs every few seconds for an HTTP/2 stream, from its connection's {@link Http2ConnectionWatch}:
     * a body under the minimum rate gets 408, and a response the client lets no bytes of through for
     * the send timeout resets the stream (the backend connection is dropped).
     */
    void checkHttp2StreamTimeouts(long now) {
        if (closed) {
            return;
        }
        if (bodyTooSlow(now)) {
            tooSlow("the request body came slower than the minimum rate");
        } else if (sendTimedOut(now)) {
            if (log.isDebugEnabled()) {
                log.debug("HTTP/2 stream {} took no response bytes for the send timeout; resetting it", channel);
            }
            abandonRequest();
            ctx.close();
        }
    }

    /** The HTTP/2 client opened this stream's window: the send timeout counts from the next stall. */
    void clientTookBytes() {
        unwritableSince = 0;
    }

    /**
     * Whether the request body being read came slower than the minimum rate over the last window.
     * Time the engine held the client back itself (reads paused) does not count against it.
     */
    private boolean bodyTooSlow(long now) {
        if (!active || requestDone || discarding || limits.minBodyBytesPerWindow() <= 0) {
            bodyWindowStart = 0;
            return false;
        }
        if (bodyWindowStart == 0 || readPauses != 0) {
            // A new body, or one we are holding back ourselves: the window starts now.
            bodyWindowStart = now;
            bodyWindowBytes = bodyBytes;
        } else if (now - bodyWindowStart >= limits.bodyWindowNanos()) {
            if (bodyBytes - bodyWindowBytes < limits.minBodyBytesPerWindow()) {
                return true;
            }
            bodyWindowStart = now;
            bodyWindowBytes = bodyBytes;
        }
        return false;
    }

    /** Whether the client has taken none of the response bytes waiting for it for the send timeout. */
    private boolean sendTimedOut(long now) {
        if (channel.isWritable()) {
            unwritableSince = 0;
            return false;
        }
        if (unwritableSince == 0) {
            unwritableSince = now;
            return false;
        }
        return now - unwritableSince > limits.sendTimeoutNanos();
    }

    /** 408 when nothing was answered yet, then close; the backend connection (if any) is dropped. */
    private void tooSlow(String why) {
        if (log.isDebugEnabled()) {
            log.debug("client connection {}: {}; closing", channel, why);
        }
        boolean canAnswer = abandonRequest();
        if (canAnswer && http2) {
            // The stream gets its 408 and is then reset; the connection's other streams go on.
            sendBareError(HttpResponseStatus.REQUEST_TIMEOUT);
        } else if (canAnswer && codecCtx != null) {
            codecCtx.writeAndFlush(REQUEST_TIMEOUT.duplicate()).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private static HttpResponseStatus statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongFrameException) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    private static boolean isIdempotent(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
                || HttpMethod.PUT.equals(method) || HttpMethod.DELETE.equals(method) || HttpMethod.TRACE.equals(method);
    }
}
