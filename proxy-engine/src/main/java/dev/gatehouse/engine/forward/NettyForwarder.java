package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.balancing.HealthProbe;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.routing.AddressRanges;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards HTTP/1.1 in plain Netty channel handlers on the engine's event loops: a
 * {@link ClientConnection} per client connection (per stream for cleartext HTTP/2, which a
 * {@link ProtocolDetector} recognises by its preface on the same port), {@link BackendConnection}s kept per event loop in
 * each backend's {@link NettyBackendPool}. The listener itself (binding, the event loops) stays
 * with the caller; it hands every accepted channel to {@link #initClientChannel}.
 *
 * <p>Connections of the HTTPS listener first get an {@link SniHandler} (picking the certificate by
 * the TLS server name) and a {@link TlsProtocolNegotiator}; once the handshake is done, ALPN's
 * choice installs exactly the HTTP/2 or HTTP/1.1 handlers a cleartext connection gets, told that
 * the connection is secure (X-Forwarded-Proto https, HSTS).
 *
 * <p>Lifecycle: it tracks the client connections it was given, so {@link #closeGracefully} can let
 * in-flight requests finish (closing idle connections at once and busy ones after their current
 * response) without counting requests on the hot path.
 */
public final class NettyForwarder implements Forwarder {

    /**
     * Keep-alive connections from clients idle longer than this are closed (nginx uses 75 s); checked
     * every fifth of it, so a connection goes after 75-90 s without a request.
     */
    public static final Duration CLIENT_IDLE_TIMEOUT = Duration.ofSeconds(75);
    /** Longest request line (method, target, version) a client may send; longer gets 414. */
    public static final int MAX_REQUEST_LINE_BYTES = 16 * 1024;
    /** Largest request header block a client may send, like nginx's 4 x 8 KiB buffers; more gets 431. */
    public static final int MAX_REQUEST_HEADER_BYTES = 32 * 1024;
    /** Largest response head a backend may send (status line + headers). */
    public static final int MAX_UPSTREAM_HEADER_BYTES = 32 * 1024;
    /** Body pieces are handed on in slices of at most this size (no copy: views of the read buffers). */
    static final int MAX_CHUNK_BYTES = 64 * 1024;

    /**
     * Bytes queued for a socket before the other side stops reading (and the level it resumes at):
     * 512 KiB / 128 KiB, like nginx's 8 x 64 KiB proxy buffers. Netty's 64 KiB / 32 KiB default paused
     * a large download every few reads and halved its throughput; per connection the bound on
     * buffered memory stays small.
     */
    public static final WriteBufferWaterMark WRITE_BUFFER = new WriteBufferWaterMark(128 * 1024, 512 * 1024);

    /** Streams a client may have open at once on one HTTP/2 connection (nginx's default). */
    public static final int MAX_CONCURRENT_STREAMS = 128;
    /** How long an HTTP/2 connection closed by the engine waits for its streams, unless told otherwise. */
    private static final long H2_GRACEFUL_CLOSE_MILLIS = 30_000;
    /**
     * A TLS client that has not sent its ClientHello within this is closed; Netty's SslHandler then
     * gives the rest of the handshake the same time (its default).
     */
    static final long TLS_HELLO_TIMEOUT_MILLIS = 10_000;

    private static final String REACTOR_BRIDGE = "reactor.right.reactiveBridge";
    private static final Logger log = LoggerFactory.getLogger(NettyForwarder.class);

    private final RequestRouter router;
    private final Map<EventExecutor, LoopContext> loopsByExecutor;
    private final List<LoopContext> loops;
    private final Class<? extends SocketChannel> socketChannelClass;
    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final HttpDecoderConfig requestDecoderConfig;
    private final ChannelGroup clients = new DefaultChannelGroup("gatehouse-clients", GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;
    /** PROXY-protocol sources, timeouts and connection limits; read once per accepted connection. */
    private volatile ListenerLimits limits = ListenerLimits.DEFAULT;
    /** Open client connections, over both listeners. */
    private final AtomicInteger openConnections = new AtomicInteger();
    /** Open client connections per client address, while it has any. */
    private final ConcurrentHashMap<InetAddress, Integer> connectionsByClient = new ConcurrentHashMap<>();
    /** Turns each HTTP/2 stream's frames into HTTP objects and back; shared, it keeps no state. */
    private final Http2StreamFrameToHttpObjectCodec streamCodec = new Http2StreamFrameToHttpObjectCodec(true);
    private final StreamInitializer plainStreams = new StreamInitializer(false);
    private final StreamInitializer secureStreams = new StreamInitializer(true);
    private final HealthProbe healthProbe;

    /**
     * @param group the event loops client connections are accepted on; backend connections are
     *     opened on the same loops
     * @param socketChannelClass the TCP channel class matching the group's transport (epoll or NIO)
     * @param datagramChannelClass the UDP channel class matching it, for DNS
     */
    public NettyForwarder(EventLoopGroup group, Class<? extends SocketChannel> socketChannelClass,
                          Class<? extends DatagramChannel> datagramChannelClass, RequestRouter router) {
        this.router = router;
        this.socketChannelClass = socketChannelClass;
        Map<EventExecutor, LoopContext> byExecutor = new IdentityHashMap<>();
        List<LoopContext> contexts = new ArrayList<>();
        for (EventExecutor executor : group) {
            LoopContext context = new LoopContext((EventLoop) executor, contexts.size());
            contexts.add(context);
            byExecutor.put(executor, context);
        }
        this.loopsByExecutor = byExecutor;
        this.loops = List.copyOf(contexts);
        this.healthProbe = new NettyHealthProbe(this, contexts.get(0).loop());
        // Non-blocking DNS for backends named by host name (IP literals skip it).
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(datagramChannelClass)
                .socketChannelType(socketChannelClass));
        this.requestDecoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
                .setMaxHeaderSize(MAX_REQUEST_HEADER_BYTES)
                .setMaxChunkSize(MAX_CHUNK_BYTES)
                .setHeadersFactory(CompactHttpHeaders.factory(
                        DefaultHttpHeadersFactory.headersFactory().withNameValidator(NettyForwarder::validateName)))
                // Netty's trailer validator: tokens only, and no Content-Length, Transfer-Encoding or Trailer.
                .setTrailersFactory(CompactHttpHeaders.factory(DefaultHttpHeadersFactory.trailersFactory()));
    }

    /**
     * Client request header names must be tokens (RFC 9110 5.1); a name with spaces before the colon
     * is a request-smuggling attempt the decoder relies on this check to reject. The names the proxy
     * sets itself are constants known to be valid and skip the per-character check.
     */
    private static void validateName(CharSequence name) {
        if (name == ProxyHeaders.X_FORWARDED_FOR || name == ProxyHeaders.X_FORWARDED_PROTO
                || name == ProxyHeaders.X_FORWARDED_HOST || name == HttpHeaderNames.HOST
                || name == HttpHeaderNames.TRANSFER_ENCODING) {
            return;
        }
        if (name.length() == 0 || HttpHeaderValidationUtil.validateToken(name) != -1) {
            throw new IllegalArgumentException("header name '" + name + "' is not a token");
        }
    }

    @Override
    public BackendPool openPool(BackendDefinition backend, List<InetSocketAddress> servers) {
        return new NettyBackendPool(this, backend, servers.toArray(InetSocketAddress[]::new));
    }

    /** Health checks of every backend run on the first event loop: a few connections per interval. */
    @Override
    public HealthProbe healthProbe() {
        return healthProbe;
    }

    /** Sets up a connection accepted by a plain HTTP listener: {@code initClientChannel(channel, null)}. */
    public void initClientChannel(Channel channel) {
        initClientChannel(channel, null);
    }

    /**
     * Sets up a newly accepted client connection: the HTTP codec and the forwarding handler, after
     * TLS when {@code tls} is given. Any handler a listener framework put there to consume the
     * connection itself (reactor-netty's reactive bridge) is removed, so the whole request path is
     * these handlers.
     *
     * @param tls null for a plain HTTP listener; for an HTTPS listener the certificate for a TLS
     *     server name (null when the client sent none), looked up once per handshake on the event
     *     loop: it must not block
     */
    public void initClientChannel(Channel channel, Mapping<? super String, ? extends SslContext> tls) {
        LoopContext loop = loopsByExecutor.get(channel.eventLoop());
        if (loop == null) {
            throw new IllegalStateException("channel " + channel + " is not on one of the engine's event loops");
        }
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(REACTOR_BRIDGE) != null) {
            pipeline.remove(REACTOR_BRIDGE);
        }
        ListenerLimits current = limits;
        InetSocketAddress peer = channel.remoteAddress() instanceof InetSocketAddress remote ? remote : null;
        boolean balancer = peer != null && !current.proxyProtocolSources().isEmpty() && current.proxyProtocolSources().contains(peer);
        if (!admit(channel, current, balancer ? null : peer)) {
            channel.close();
            return;
        }
        // reactor-netty accepts with reads off and turns them on per subscriber; these handlers read at once.
        channel.config().setAutoRead(true);
        if (balancer) {
            pipeline.addLast("gatehouse-proxy-protocol", new ProxyProtocolReader());
        }
        if (tls == null) {
            pipeline.addLast("gatehouse-detect", new ProtocolDetector(this, loop));
        } else {
            pipeline.addLast("gatehouse-sni", new SniHandler(tls, TLS_HELLO_TIMEOUT_MILLIS));
            pipeline.addLast("gatehouse-alpn", new TlsProtocolNegotiator(this, loop));
        }
        clients.add(channel);
    }

    /**
     * Sets the listener policy: the load balancers in front whose connections may start with a PROXY
     * protocol header, the slow-client timeouts and the connection limits. Applies to connections
     * accepted from now on.
     */
    public void listenerLimits(ListenerLimits newLimits) {
        this.limits = newLimits == null ? ListenerLimits.DEFAULT : newLimits;
    }

    ListenerLimits listenerLimits() {
        return limits;
    }

    /**
     * Counts the connection in against the listener's and its client's limits (a balancer sending
     * PROXY headers is not one client: {@code client} is null for it); the counts drop when it closes.
     * False when over a limit: the caller closes it.
     */
    private boolean admit(Channel channel, ListenerLimits current, InetSocketAddress client) {
        if (current.maxConnections() > 0 && openConnections.get() >= current.maxConnections()) {
            log.debug("refused a connection from {}: {} connections are open", client, current.maxConnections());
            return false;
        }
        InetAddress address = client == null ? null : client.getAddress();
        if (address != null && current.maxConnectionsPerClient() > 0) {
            Integer open = connectionsByClient.merge(address, 1, Integer::sum);
            if (open > current.maxConnectionsPerClient()) {
                connectionsByClient.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
                log.debug("refused a connection from {}: it has {} open", address, current.maxConnectionsPerClient());
                return false;
            }
            channel.closeFuture().addListener(closed ->
                    connectionsByClient.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1));
        }
        openConnections.incrementAndGet();
        channel.closeFuture().addListener(closed -> openConnections.decrementAndGet());
        return true;
    }

    /** The first bytes are not the HTTP/2 preface: the connection speaks HTTP/1.x. */
    void switchToHttp1(ChannelHandlerContext detector, LoopContext loop) {
        installHttp1(detector, loop, false);
        detector.pipeline().remove(detector.name());
    }

    /** The first bytes are the HTTP/2 preface (cleartext, prior knowledge). */
    void switchToHttp2(ChannelHandlerContext detector, LoopContext loop) {
        installHttp2(detector, loop, false);
        detector.pipeline().remove(detector.name());
    }

    /**
     * Adds the HTTP/1.x handlers after {@code anchor} (which then removes itself): the request decoder,
     * the response encoder and the connection's {@link ClientConnection}.
     */
    void installHttp1(ChannelHandlerContext anchor, LoopContext loop, boolean secure) {
        ChannelPipeline pipeline = anchor.pipeline();
        pipeline.addAfter(anchor.name(), "http-request-decoder", new ClientRequestDecoder(requestDecoderConfig));
        pipeline.addAfter("http-request-decoder", "http-response-encoder", Http1MessageEncoder.forResponses());
        pipeline.addAfter("http-response-encoder", "gatehouse-proxy", new ClientConnection(this, loop, false, secure));
    }

    /**
     * Adds the HTTP/2 handlers after {@code anchor} (which then removes itself): a frame codec and a
     * multiplexer giving each stream a child channel (on this same event loop) whose pipeline turns
     * frames into HTTP objects for a {@link ClientConnection} of its own.
     */
    void installHttp2(ChannelHandlerContext anchor, LoopContext loop, boolean secure) {
        ChannelPipeline pipeline = anchor.pipeline();
        String name = anchor.name();
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .maxHeaderListSize(MAX_REQUEST_HEADER_BYTES))
                .gracefulShutdownTimeoutMillis(H2_GRACEFUL_CLOSE_MILLIS)
                .build();
        // Responses finish on backend reads, one stream at a time: their flushes are gathered into one
        // write per event-loop turn instead of a write per stream.
        pipeline.addAfter(name, "h2-flush", new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        pipeline.addAfter("h2-flush", "h2-codec", codec);
        // The watch sits before the multiplexer, which drops the WINDOW_UPDATE frames it uses.
        pipeline.addAfter("h2-codec", "h2-watch", new Http2ConnectionWatch(codec, limits));
        pipeline.addAfter("h2-watch", "h2-multiplex", new Http2MultiplexHandler(secure ? secureStreams : plainStreams));
    }

    private final class StreamInitializer extends ChannelInitializer<Channel> {
        private final boolean secure;

        StreamInitializer(boolean secure) {
            this.secure = secure;
        }

        @Override
        protected void initChannel(Channel stream) {
            LoopContext loop = loopsByExecutor.get(stream.eventLoop());
            stream.pipeline().addLast("h2-stream-codec", streamCodec);
            stream.pipeline().addLast("gatehouse-proxy", new ClientConnection(NettyForwarder.this, loop, true, secure));
        }
    }

    /**
     * Stops taking requests: closes idle client connections now, lets busy ones finish their current
     * exchange (then closes them), waits up to {@code grace} for that, and closes what is left.
     * Blocks the caller; never call it from an event loop.
     *
     * @return true when every connection finished within the grace
     */
    public boolean closeGracefully(Duration grace) {
        draining = true;
        for (Channel channel : clients) {
            Http2FrameCodec h2 = channel.pipeline().get(Http2FrameCodec.class);
            if (h2 != null) {
                // GOAWAY now; the connection closes once its open streams have finished (or after the grace).
                channel.eventLoop().execute(() -> {
                    h2.gracefulShutdownTimeoutMillis(grace.toMillis());
                    channel.close();
                });
                continue;
            }
            ClientConnection connection = channel.pipeline().get(ClientConnection.class);
            if (connection == null) {
                channel.close();
            } else {
                channel.eventLoop().execute(connection::closeWhenIdle);
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!clients.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean drained = clients.isEmpty();
        clients.close().awaitUninterruptibly(grace.toMillis() + 1000);
        return drained;
    }

    /** Frees the resolver; call after the event loops stopped serving. */
    public void dispose() {
        resolver.close();
    }

    boolean isDraining() {
        return draining;
    }

    RequestRouter router() {
        return router;
    }

    List<LoopContext> loops() {
        return loops;
    }

    int loopCount() {
        return loops.size();
    }

    Class<? extends SocketChannel> socketChannelClass() {
        return socketChannelClass;
    }

    AddressResolverGroup<InetSocketAddress> resolver() {
        return resolver;
    }

    /**
     * The response decoder settings of one new backend connection. Its responses come one at a time
     * and each is written out before the next is read, so their headers objects are reused.
     * A backend is configured by the operator, and the response decoder cuts names at whitespace and
     * colons itself: its names are passed on without a second per-character check.
     */
    static HttpDecoderConfig newResponseDecoderConfig() {
        return new HttpDecoderConfig()
                .setMaxHeaderSize(MAX_UPSTREAM_HEADER_BYTES)
                .setMaxChunkSize(MAX_CHUNK_BYTES)
                .setHeadersFactory(CompactHttpHeaders.reusedPerMessage(
                        DefaultHttpHeadersFactory.headersFactory().withNameValidation(false)))
                .setTrailersFactory(CompactHttpHeaders.reusedPerMessage(DefaultHttpHeadersFactory.trailersFactory()));
    }
}
