package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.balancing.ServerStatus;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.forward.ListenerLimits;
import dev.gatehouse.engine.forward.NettyForwarder;
import dev.gatehouse.engine.forward.Upstream;
import dev.gatehouse.engine.policy.RateLimiter;
import dev.gatehouse.engine.routing.RoutingTable;
import dev.gatehouse.engine.routing.RoutingTableCompiler;
import dev.gatehouse.engine.stream.StreamCompiler;
import dev.gatehouse.engine.stream.StreamListeners;
import dev.gatehouse.engine.stream.StreamStatus;
import dev.gatehouse.engine.tls.CertificateTable;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.Mapping;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.ChannelBindException;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import io.netty.channel.ChannelOption;
import reactor.netty.tcp.TcpServer;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The data plane: an HTTP/1.1 reverse proxy serving the live {@link RoutingTable}; the HTTP port
 * also accepts cleartext HTTP/2 with prior knowledge (h2c), told apart by the connection preface,
 * whose streams are forwarded to the backends over HTTP/1.1 like any other request.
 *
 * <p>With a {@link EngineSettings#defaultCertificate()} an HTTPS listener runs too, on the same event
 * loops and forwarding handlers: each handshake picks the certificate of the site owning the TLS
 * server name (SNI) from the live config, else the default one; ALPN then selects HTTP/2 or
 * HTTP/1.1. Requests over TLS route exactly like plain ones. Certificates are part of the applied
 * snapshot, so replacing one is an apply: handshakes after it get the new certificate, connections
 * already open keep theirs and are never closed for it.
 *
 * <p>reactor-netty binds the listener and owns the event loops ({@link EngineSettings#eventLoopThreads()}
 * of them, native epoll when available); each accepted connection is then handed to plain Netty
 * channel handlers ({@link NettyForwarder}) that carry every request to its backend and back with no
 * Reactor operator on the way. Backend connections live on the same loops as the client connections
 * that use them. Requests never take a lock: each reads the live config (one {@link AtomicReference})
 * once at its start and keeps it to its end.
 *
 * <p>{@link #apply} is a transaction, after Caddy's {@code changeConfig}: an identical snapshot is a
 * no-op; otherwise the whole snapshot is validated and compiled off to the side (reusing the pools of
 * backends whose definition did not change, opening pools for new or changed ones), then one
 * reference is swapped. Pools of removed or changed backends close once their in-flight requests have
 * finished. Applies are serialised by a lock that only the admin side takes.
 *
 * <p>TCP streams ({@link StreamListeners}) listen on ports of their own, on loops of the same loop
 * resources, and take part in the same transaction: the ports of new streams are bound before the
 * swap (a port that cannot be bound rejects the apply), removed streams stop listening after it.
 */
public final class ProxyEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxyEngine.class);

    /** Keep-alive connections from clients idle longer than this are closed (nginx uses 75 s). */
    public static final Duration CLIENT_IDLE_TIMEOUT = NettyForwarder.CLIENT_IDLE_TIMEOUT;
    /** Longest request line (method, target, version) a client may send; longer gets 414. */
    public static final int MAX_REQUEST_LINE_BYTES = NettyForwarder.MAX_REQUEST_LINE_BYTES;
    /** Largest request header block a client may send, like nginx's 4 x 8 KiB buffers; more gets 431. */
    public static final int MAX_REQUEST_HEADER_BYTES = NettyForwarder.MAX_REQUEST_HEADER_BYTES;
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LOOP_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private final EngineSettings settings;
    private final LoopResources loops;
    private final NettyForwarder forwarder;
    private final StreamListeners streams;
    private final AtomicReference<LiveConfig> live;
    private final ReentrantLock applyLock = new ReentrantLock();
    /** Each site's rate limiter by site id, kept across applies that leave its limit unchanged; guarded by applyLock. */
    private Map<String, RateLimiter> rateLimiters = Map.of();
    private final DisposableServer server;
    private final int boundPort;
    /** Null when there is no HTTPS listener. */
    private final DisposableServer httpsServer;
    private final int boundHttpsPort;
    private volatile boolean running;

    private ProxyEngine(EngineSettings settings, LoopResources loops, NettyForwarder forwarder, StreamListeners streams,
                        AtomicReference<LiveConfig> live, DisposableServer server, DisposableServer httpsServer) {
        this.settings = settings;
        this.loops = loops;
        this.forwarder = forwarder;
        this.streams = streams;
        this.live = live;
        this.server = server;
        this.boundPort = ((InetSocketAddress) server.address()).getPort();
        this.httpsServer = httpsServer;
        this.boundHttpsPort = httpsServer == null ? -1 : ((InetSocketAddress) httpsServer.address()).getPort();
        this.running = true;
    }

    /**
     * Binds the HTTP listener, and the HTTPS one when the settings have a default certificate, and
     * serves the empty configuration: every host gets the branded 404 "default site" page until the
     * first {@link #apply}.
     *
     * @throws EngineStartException when a port cannot be bound (in use, not permitted, bad address),
     *     or the TLS provider asked for is not available, naming the port or the provider
     */
    public static ProxyEngine start(EngineSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null; use EngineSettings.defaults()");
        }
        CertificateTable certificates = startCertificates(settings);
        LoopResources loops = LoopResources.create("gatehouse-http", settings.eventLoopThreads(), true);
        NettyForwarder forwarder = null;
        StreamListeners streams = null;
        DisposableServer server = null;
        String binding = "HTTP";
        int bindingPort = settings.httpPort();
        try {
            EventLoopGroup group = loops.onServer(true);
            AtomicReference<LiveConfig> live = new AtomicReference<>(LiveConfig.initial(certificates));
            ProxyRequestHandler router = new ProxyRequestHandler(live);
            NettyForwarder handlers = new NettyForwarder(group, loops.onChannelClass(SocketChannel.class, group),
                    loops.onChannelClass(DatagramChannel.class, group), router);
            forwarder = handlers;
            streams = new StreamListeners(loops, settings.host());
            server = listener(loops, settings.host(), settings.httpPort())
                    .doOnChannelInit((observer, channel, remoteAddress) -> handlers.initClientChannel(channel))
                    .bindNow(BIND_TIMEOUT);
            DisposableServer httpsServer = null;
            if (certificates.enabled()) {
                binding = "HTTPS";
                bindingPort = settings.httpsPort();
                // One read of the live config per handshake: the certificates and the sites they
                // are chosen by come from the same applied snapshot.
                Mapping<String, SslContext> sni = serverName -> live.get().certificates().select(serverName);
                httpsServer = listener(loops, settings.host(), settings.httpsPort())
                        .doOnChannelInit((observer, channel, remoteAddress) -> handlers.initClientChannel(channel, sni))
                        .bindNow(BIND_TIMEOUT);
            }
            ProxyEngine engine = new ProxyEngine(settings, loops, handlers, streams, live, server, httpsServer);
            int publicHttps = settings.publicHttpsPort() != 0 ? settings.publicHttpsPort()
                    : httpsServer != null ? engine.boundHttpsPort : settings.httpsPort();
            router.redirectToPort(publicHttps);
            log.info("Gatehouse engine listening for HTTP on {}:{} with {} event loop(s) ({})", settings.host(),
                    engine.boundPort, settings.eventLoopThreads(), LoopResources.hasNativeSupport() ? "epoll" : "nio");
            if (httpsServer != null) {
                log.info("Gatehouse engine listening for HTTPS on {}:{} (TLS by {}, default certificate '{}')",
                        settings.host(), engine.boundHttpsPort, describeProvider(resolveProvider(settings.tlsProvider())),
                        settings.defaultCertificate().name());
            }
            return engine;
        } catch (RuntimeException e) {
            if (server != null) {
                server.disposeNow(LOOP_SHUTDOWN_TIMEOUT);
            }
            if (forwarder != null) {
                forwarder.dispose();
            }
            if (streams != null) {
                streams.close();
            }
            loops.disposeLater(Duration.ZERO, LOOP_SHUTDOWN_TIMEOUT).block(LOOP_SHUTDOWN_TIMEOUT.multipliedBy(2));
            throw new EngineStartException(describeStartFailure(binding, bindingPort, settings.host(), e), e);
        }
    }

    private static TcpServer listener(LoopResources loops, String host, int port) {
        return TcpServer.create()
                .runOn(loops, true)
                .host(host)
                .port(port)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, NettyForwarder.WRITE_BUFFER);
    }

    /** The default certificate's context, built before anything is bound so a bad one binds nothing. */
    private static CertificateTable startCertificates(EngineSettings settings) {
        SslProvider provider = resolveProvider(settings.tlsProvider());
        if (!settings.httpsEnabled()) {
            return CertificateTable.disabled();
        }
        try {
            return CertificateTable.initial(settings.defaultCertificate(), provider);
        } catch (IllegalArgumentException e) {
            throw new EngineStartException("cannot start HTTPS on port " + settings.httpsPort() + ": the default certificate '"
                    + settings.defaultCertificate().name() + "' was refused: " + e.getMessage(), e);
        }
    }

    /**
     * AUTO is OpenSSL when netty-tcnative loads (it is faster and makes less garbage), else the JDK;
     * an explicit OPENSSL that does not load fails loudly rather than silently running on the JDK.
     */
    static SslProvider resolveProvider(EngineSettings.TlsProvider provider) {
        return switch (provider) {
            case JDK -> SslProvider.JDK;
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    Throwable cause = OpenSsl.unavailabilityCause();
                    throw new EngineStartException("tlsProvider OPENSSL was asked for but OpenSSL (netty-tcnative-boringssl-static) "
                            + "is not available on this machine: " + (cause == null ? "unknown reason" : rootMessage(cause))
                            + "; use AUTO or JDK", cause);
                }
                yield SslProvider.OPENSSL;
            }
        };
    }

    private static String describeProvider(SslProvider provider) {
        return provider == SslProvider.OPENSSL ? OpenSsl.versionString() : "the JDK (" + System.getProperty("java.version") + ")";
    }

    private static String describeStartFailure(String protocol, int port, String host, RuntimeException e) {
        String where = protocol + " port " + port + " on " + host;
        String reason = rootMessage(e);
        if (e instanceof ChannelBindException || hasCause(e, BindException.class)) {
            String lower = reason == null ? "" : reason.toLowerCase();
            if (lower.contains("in use")) {
                return where + " is already in use; stop the program using it or choose another " + protocol + " port";
            }
            if (lower.contains("permission") || lower.contains("access")) {
                return "permission denied binding " + where
                        + "; ports below 1024 need root or CAP_NET_BIND_SERVICE, or choose a port above 1024";
            }
            if (lower.contains("assign")) {
                return "cannot bind " + where + ": " + host + " is not an address of this machine";
            }
        }
        return "cannot start the proxy on " + where + ": " + reason;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    /**
     * Compiles the snapshot without touching live traffic: VALID, or REJECTED with every error.
     * Certificates not already live are also built by the TLS library (and thrown away), so one it
     * would refuse is reported here rather than at apply.
     */
    public ApplyResult validate(ConfigSnapshot snapshot) {
        List<ConfigError> errors = validateAll(snapshot, live.get().certificates());
        if (errors.isEmpty()) {
            // Whether a new stream's port can be bound is only known by trying; apply binds it for real.
            errors.addAll(streams.checkBindable(snapshot.streams()));
        }
        long liveRevision = live.get().revision();
        return errors.isEmpty()
                ? new ApplyResult(Outcome.VALID, liveRevision, List.of())
                : new ApplyResult(Outcome.REJECTED, liveRevision, errors);
    }

    /**
     * Makes the snapshot live: UNCHANGED when its content equals the live one (only the revision
     * number moves), REJECTED with every error when invalid (the old table keeps serving), APPLIED
     * otherwise. Safe to call from several threads; never call it from an event loop.
     */
    public ApplyResult apply(ConfigSnapshot snapshot) {
        applyLock.lock();
        try {
            LiveConfig current = live.get();
            if (!running) {
                return new ApplyResult(Outcome.REJECTED, current.revision(),
                        List.of(new ConfigError("engine", "running", "the proxy engine is stopped; nothing was applied")));
            }
            if (snapshot != null && snapshot.sameContentAs(current.snapshot())) {
                live.set(current.withRevision(snapshot.revision()));
                log.debug("revision {} has the same content as the live one; nothing to rebuild", snapshot.revision());
                return new ApplyResult(Outcome.UNCHANGED, snapshot.revision(), List.of());
            }
            List<ConfigError> errors = validateAll(snapshot, current.certificates());
            if (!errors.isEmpty()) {
                log.info("rejected revision {}: {} error(s), revision {} keeps serving", snapshot == null ? "?" : snapshot.revision(),
                        errors.size(), current.revision());
                return new ApplyResult(Outcome.REJECTED, current.revision(), errors);
            }
            return swapIn(snapshot, current);
        } finally {
            applyLock.unlock();
        }
    }

    private List<ConfigError> validateAll(ConfigSnapshot snapshot, CertificateTable certificates) {
        List<ConfigError> errors = RoutingTableCompiler.validate(snapshot);
        errors.addAll(StreamCompiler.validate(snapshot, reservedPorts()));
        if (errors.isEmpty()) {
            certificates.check(snapshot.certificates()).forEach((name, problem) ->
                    errors.add(new ConfigError("certificate " + name, "certificateChainPem", problem)));
        }
        return errors;
    }

    private ApplyResult swapIn(ConfigSnapshot snapshot, LiveConfig current) {
        Map<String, Upstream> previous = current.table().backends();
        Set<Upstream> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Upstream> opened = new ArrayList<>();
        Map<String, RateLimiter> usedLimiters = new HashMap<>();
        RoutingTable<Upstream> table;
        CertificateTable certificates;
        try {
            table = RoutingTableCompiler.compile(snapshot, (BackendDefinition definition) -> {
                Upstream old = previous.get(definition.name());
                if (old != null && old.definition().equals(definition)) {
                    kept.add(old);
                    return old;
                }
                // A changed backend: servers it keeps carry their health over.
                Upstream fresh = Upstream.open(definition, forwarder, old);
                opened.add(fresh);
                return fresh;
            }, site -> {
                // Same limit, same limiter: an unrelated apply must not hand every client a fresh budget.
                RateLimiter old = rateLimiters.get(site.id());
                RateLimiter limiter = old != null && old.definition().equals(site.policies().rateLimit())
                        ? old : new RateLimiter(site.policies().rateLimit());
                usedLimiters.put(site.id(), limiter);
                return limiter;
            }).table();
        } catch (RuntimeException e) {
            opened.forEach(Upstream::retire);
            log.warn("could not prepare revision {}; revision {} keeps serving", snapshot.revision(), current.revision(), e);
            return new ApplyResult(Outcome.REJECTED, current.revision(),
                    List.of(new ConfigError("engine", "backends", "could not prepare backend connections: " + rootMessage(e))));
        }
        // New streams' ports are bound now, off to the side: one that cannot be bound rejects the apply.
        StreamListeners.Plan streamPlan = streams.prepare(snapshot.streams(), table.backends());
        if (!streamPlan.errors().isEmpty()) {
            opened.forEach(Upstream::retire);
            log.info("rejected revision {}: {} stream port(s) cannot be bound, revision {} keeps serving: {}",
                    snapshot.revision(), streamPlan.errors().size(), current.revision(), streamPlan.errors());
            return new ApplyResult(Outcome.REJECTED, current.revision(), streamPlan.errors());
        }
        try {
            // Unchanged certificates keep their context (and so their session cache and ticket keys).
            certificates = current.certificates().next(snapshot.certificates(), snapshot.sites(), table);
        } catch (RuntimeException e) {
            opened.forEach(Upstream::retire);
            streamPlan.abort();
            log.warn("could not prepare the certificates of revision {}; revision {} keeps serving: {}", snapshot.revision(),
                    current.revision(), e.getMessage());
            return new ApplyResult(Outcome.REJECTED, current.revision(),
                    List.of(new ConfigError("engine", "certificates", "could not prepare certificates: " + e.getMessage())));
        }
        live.set(new LiveConfig(snapshot, table, certificates, snapshot.revision()));
        rateLimiters = Map.copyOf(usedLimiters);
        forwarder.listenerLimits(ListenerLimits.of(snapshot.listeners()));
        // Kept streams now send new connections to the new backends; only ports freed by removed
        // streams can fail to bind here, which leaves that one stream off and everything else running.
        List<ConfigError> streamErrors = streamPlan.commit();
        int retired = 0;
        for (Upstream old : previous.values()) {
            if (!kept.contains(old)) {
                old.retire();
                retired++;
            }
        }
        log.info("applied revision {}: {} enabled site(s), {} backend(s) ({} kept, {} new, {} retired)", snapshot.revision(),
                table.siteCount(), table.backends().size(), kept.size(), opened.size(), retired);
        return new ApplyResult(Outcome.APPLIED, snapshot.revision(), streamErrors);
    }

    public EngineStatus status() {
        LiveConfig current = live.get();
        boolean up = running;
        return new EngineStatus(up, current.revision(), up ? boundPort : -1, current.table().siteCount(),
                current.table().backends().size(), up ? boundHttpsPort : -1);
    }

    /**
     * Each TCP stream of the live configuration, enabled or not: where it listens, whether it does
     * (and why not), and its connections. A moment's snapshot; safe from any thread.
     */
    public List<StreamStatus> streamStatus() {
        return streams.status();
    }

    /** The engine's own listening ports, which no stream may take, each with what it is. */
    private Map<Integer, String> reservedPorts() {
        Map<Integer, String> reserved = new TreeMap<>();
        reserved.put(boundPort, "the proxy's HTTP port");
        if (boundHttpsPort > 0) {
            reserved.put(boundHttpsPort, "the proxy's HTTPS port");
        }
        return reserved;
    }

    /** The bound HTTP port: the real one when the settings asked for 0. */
    public int httpPort() {
        return boundPort;
    }

    /**
     * The bound HTTPS port (the real one when the settings asked for 0), or -1 when there is no
     * HTTPS listener because the settings have no default certificate.
     */
    public int httpsPort() {
        return boundHttpsPort;
    }

    /** The certificates serving handshakes now; for tests in this package. */
    CertificateTable liveCertificates() {
        return live.get().certificates();
    }

    /** The table serving traffic now; for tests in this package. */
    /**
     * Each live backend's servers, by backend name: up / down / ejected / draining / drained, the
     * last health check, requests in flight and requests started. A moment's snapshot, cheap
     * enough to poll every second; safe from any thread.
     */
    public Map<String, List<ServerStatus>> backendStatus() {
        Map<String, List<ServerStatus>> status = new TreeMap<>();
        live.get().table().backends().forEach((name, upstream) -> status.put(name, upstream.serverStatus()));
        return status;
    }

    RoutingTable<Upstream> liveTable() {
        return live.get().table();
    }

    /** The settings the engine was started with. */
    public EngineSettings settings() {
        return settings;
    }

    /**
     * Graceful stop: stops accepting connections, lets in-flight requests finish for up to
     * {@link EngineSettings#shutdownGrace()}, then closes the remaining connections, the backend pools
     * and the event loops. Idempotent; blocks the caller (never call it from an event loop).
     */
    @Override
    public void close() {
        applyLock.lock();
        try {
            if (!running) {
                return;
            }
            running = false;
        } finally {
            applyLock.unlock();
        }
        Duration grace = settings.shutdownGrace();
        // Stop accepting first; connections already accepted (on either port) are the forwarder's to drain.
        try {
            server.disposeNow(LOOP_SHUTDOWN_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("the HTTP listener did not close cleanly", e);
        }
        if (httpsServer != null) {
            try {
                httpsServer.disposeNow(LOOP_SHUTDOWN_TIMEOUT);
            } catch (RuntimeException e) {
                log.warn("the HTTPS listener did not close cleanly", e);
            }
        }
        streams.stopAccepting();
        if (!forwarder.closeGracefully(grace)) {
            log.warn("in-flight requests did not finish within {}; closed their connections", grace);
        }
        // Stream connections had the HTTP drain's time to finish; a raw TCP stream cannot be asked to.
        streams.close();
        for (Upstream upstream : live.get().table().backends().values()) {
            upstream.retire();
        }
        try {
            loops.disposeLater(Duration.ZERO, LOOP_SHUTDOWN_TIMEOUT).block(LOOP_SHUTDOWN_TIMEOUT.multipliedBy(2));
        } catch (RuntimeException e) {
            log.warn("event loops did not stop cleanly", e);
        }
        forwarder.dispose();
        if (httpsServer != null) {
            log.info("Gatehouse engine on ports {} (HTTP) and {} (HTTPS) stopped", boundPort, boundHttpsPort);
        } else {
            log.info("Gatehouse engine on port {} stopped", boundPort);
        }
    }
}
