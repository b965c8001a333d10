package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.forward.NettyForwarder;
import dev.gatehouse.engine.forward.Upstream;
import dev.gatehouse.engine.routing.RoutingTable;
import dev.gatehouse.engine.routing.RoutingTableCompiler;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The data plane: an HTTP/1.1 reverse proxy serving the live {@link RoutingTable}; the HTTP port
 * also accepts cleartext HTTP/2 with prior knowledge (h2c), told apart by the connection preface,
 * whose streams are forwarded to the backends over HTTP/1.1 like any other request.
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
    private final AtomicReference<LiveConfig> live;
    private final ReentrantLock applyLock = new ReentrantLock();
    private final DisposableServer server;
    private final int boundPort;
    private volatile boolean running;

    private ProxyEngine(EngineSettings settings, LoopResources loops, NettyForwarder forwarder,
                        AtomicReference<LiveConfig> live, DisposableServer server) {
        this.settings = settings;
        this.loops = loops;
        this.forwarder = forwarder;
        this.live = live;
        this.server = server;
        this.boundPort = ((InetSocketAddress) server.address()).getPort();
        this.running = true;
    }

    /**
     * Binds the HTTP listener and serves the empty configuration: every host gets the branded 404
     * "default site" page until the first {@link #apply}.
     *
     * @throws EngineStartException when the port cannot be bound (in use, not permitted, bad address)
     */
    public static ProxyEngine start(EngineSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null; use EngineSettings.defaults()");
        }
        LoopResources loops = LoopResources.create("gatehouse-http", settings.eventLoopThreads(), true);
        NettyForwarder forwarder = null;
        try {
            EventLoopGroup group = loops.onServer(true);
            AtomicReference<LiveConfig> live = new AtomicReference<>(LiveConfig.initial());
            NettyForwarder handlers = new NettyForwarder(group, loops.onChannelClass(SocketChannel.class, group),
                    loops.onChannelClass(DatagramChannel.class, group), new ProxyRequestHandler(live));
            forwarder = handlers;
            DisposableServer server = TcpServer.create()
                    .runOn(loops, true)
                    .host(settings.host())
                    .port(settings.httpPort())
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, NettyForwarder.WRITE_BUFFER)
                    .doOnChannelInit((observer, channel, remoteAddress) -> handlers.initClientChannel(channel))
                    .bindNow(BIND_TIMEOUT);
            ProxyEngine engine = new ProxyEngine(settings, loops, handlers, live, server);
            log.info("Gatehouse engine listening for HTTP on {}:{} with {} event loop(s) ({})", settings.host(),
                    engine.boundPort, settings.eventLoopThreads(), LoopResources.hasNativeSupport() ? "epoll" : "nio");
            return engine;
        } catch (RuntimeException e) {
            if (forwarder != null) {
                forwarder.dispose();
            }
            loops.disposeLater(Duration.ZERO, LOOP_SHUTDOWN_TIMEOUT).block(LOOP_SHUTDOWN_TIMEOUT.multipliedBy(2));
            throw new EngineStartException(describeStartFailure(settings, e), e);
        }
    }

    private static String describeStartFailure(EngineSettings settings, RuntimeException e) {
        String where = "HTTP port " + settings.httpPort() + " on " + settings.host();
        String reason = rootMessage(e);
        if (e instanceof ChannelBindException || hasCause(e, BindException.class)) {
            String lower = reason == null ? "" : reason.toLowerCase();
            if (lower.contains("in use")) {
                return where + " is already in use; stop the program using it or choose another HTTP port";
            }
            if (lower.contains("permission") || lower.contains("access")) {
                return "permission denied binding " + where
                        + "; ports below 1024 need root or CAP_NET_BIND_SERVICE, or choose a port above 1024";
            }
            if (lower.contains("assign")) {
                return "cannot bind " + where + ": " + settings.host() + " is not an address of this machine";
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

    /** Compiles the snapshot without touching live traffic: VALID, or REJECTED with every error. */
    public ApplyResult validate(ConfigSnapshot snapshot) {
        List<ConfigError> errors = RoutingTableCompiler.validate(snapshot);
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
            List<ConfigError> errors = RoutingTableCompiler.validate(snapshot);
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

    private ApplyResult swapIn(ConfigSnapshot snapshot, LiveConfig current) {
        Map<String, Upstream> previous = current.table().backends();
        Set<Upstream> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Upstream> opened = new ArrayList<>();
        RoutingTable<Upstream> table;
        try {
            table = RoutingTableCompiler.compile(snapshot, (BackendDefinition definition) -> {
                Upstream old = previous.get(definition.name());
                if (old != null && old.definition().equals(definition)) {
                    kept.add(old);
                    return old;
                }
                Upstream fresh = Upstream.open(definition, forwarder);
                opened.add(fresh);
                return fresh;
            }).table();
        } catch (RuntimeException e) {
            opened.forEach(Upstream::retire);
            log.warn("could not prepare revision {}; revision {} keeps serving", snapshot.revision(), current.revision(), e);
            return new ApplyResult(Outcome.REJECTED, current.revision(),
                    List.of(new ConfigError("engine", "backends", "could not prepare backend connections: " + rootMessage(e))));
        }
        live.set(new LiveConfig(snapshot, table, snapshot.revision()));
        int retired = 0;
        for (Upstream old : previous.values()) {
            if (!kept.contains(old)) {
                old.retire();
                retired++;
            }
        }
        log.info("applied revision {}: {} enabled site(s), {} backend(s) ({} kept, {} new, {} retired)", snapshot.revision(),
                table.siteCount(), table.backends().size(), kept.size(), opened.size(), retired);
        return new ApplyResult(Outcome.APPLIED, snapshot.revision(), List.of());
    }

    public EngineStatus status() {
        LiveConfig current = live.get();
        boolean up = running;
        return new EngineStatus(up, current.revision(), up ? boundPort : -1, current.table().siteCount(),
                current.table().backends().size());
    }

    /** The bound HTTP port: the real one when the settings asked for 0. */
    public int httpPort() {
        return boundPort;
    }

    /** The table serving traffic now; for tests in this package. */
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
        try {
            // Stop accepting first; connections already accepted are the forwarder's to drain.
            server.disposeNow(LOOP_SHUTDOWN_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("the HTTP listener did not close cleanly", e);
        }
        if (!forwarder.closeGracefully(grace)) {
            log.warn("in-flight requests did not finish within {}; closed their connections", grace);
        }
        for (Upstream upstream : live.get().table().backends().values()) {
            upstream.retire();
        }
        try {
            loops.disposeLater(Duration.ZERO, LOOP_SHUTDOWN_TIMEOUT).block(LOOP_SHUTDOWN_TIMEOUT.multipliedBy(2));
        } catch (RuntimeException e) {
            log.warn("event loops did not stop cleanly", e);
        }
        forwarder.dispose();
        log.info("Gatehouse engine on port {} stopped", boundPort);
    }
}
