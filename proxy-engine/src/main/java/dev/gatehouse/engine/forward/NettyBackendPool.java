package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.balancing.LoopServerState;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.ServerDefinition;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A backend's keep-alive connections, kept per event loop: each loop has its own {@link LoopPool}
 * (a LIFO deque of idle connections per server, created on that loop with a {@link Bootstrap} bound
 * to it), so a request takes a connection living on its own client connection's thread, with no lock
 * and no hand-off between threads.
 */
final class NettyBackendPool implements BackendPool {

    /**
     * Idle connections kept per server per event loop; more are closed when they come back. HTTP/2
     * clients multiplex up to 128 streams per connection, each needing its own HTTP/1.1 backend
     * connection, so this is sized like nginx's {@code keepalive 1024} rather than by client connections.
     */
    static final int MAX_IDLE_PER_SERVER_PER_LOOP = 1024;

    final NettyForwarder forwarder;
    final String name;
    final InetSocketAddress[] servers;
    final int connectTimeoutMillis;
    final long responseTimeoutNanos;
    /** An idle connection is closed after this long (the backend's pool idle timeout). */
    final long idleTimeoutNanos;
    /** Per server, the client TLS context of an https server, else null. */
    final SslContext[] tls;
    final ServerDefinition[] definitions;
    /** The servers speak HTTP/2: requests are streams of one {@link Http2BackendSession} per server and loop. */
    final boolean http2;
    /** Requests in flight per server over all loops; only counted when the backend has a limit. */
    final AtomicIntegerArray limited;
    final int maxPerServer;
    final int queueSize;
    final long queueTimeoutNanos;
    /** Requests waiting for a slot, over all loops. */
    final AtomicInteger queued = new AtomicInteger();
    /** Indexed by {@link LoopContext#index()}; slot i is created and used only on loop i. */
    private final LoopPool[] byLoop;

    NettyBackendPool(NettyForwarder forwarder, BackendDefinition backend, InetSocketAddress[] servers) {
        this.forwarder = forwarder;
        this.name = backend.name();
        this.servers = servers;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, backend.connectTimeout().toMillis()));
        this.responseTimeoutNanos = Math.max(1, backend.responseTimeout().toNanos());
        this.idleTimeoutNanos = Math.max(1, backend.pool().idleTimeout().toNanos());
        this.definitions = backend.servers().toArray(ServerDefinition[]::new);
        this.http2 = backend.protocol() == BackendProtocol.HTTP2;
        this.tls = new SslContext[definitions.length];
        for (int i = 0; i < definitions.length; i++) {
            if (definitions[i].tls()) {
                tls[i] = BackendTls.context(definitions[i].verifyTls(), http2);
            }
        }
        this.maxPerServer = backend.pool().maxConnectionsPerServer();
        this.limited = maxPerServer > 0 ? new AtomicIntegerArray(definitions.length) : null;
        this.queueSize = backend.pool().queueSize();
        this.queueTimeoutNanos = Math.max(1, backend.pool().queueTimeout().toNanos());
        this.byLoop = new LoopPool[forwarder.loopCount()];
    }

    /** This backend's pool on the calling loop; call only from {@code loop.loop()}. */
    LoopPool onLoop(LoopContext loop) {
        LoopPool pool = byLoop[loop.index()];
        if (pool == null) {
            pool = new LoopPool(this, loop);
            byLoop[loop.index()] = pool;
        }
        return pool;
    }

    /** Closes the idle connections of every loop, each on its own loop; later returns are closed too. */
    @Override
    public void dispose() {
        onEveryLoop(LoopPool::close);
    }

    /** Each loop gives back its reference on the upstream now, or when its last request finishes. */
    @Override
    public void retire(Upstream upstream) {
        onEveryLoop(pool -> pool.dropShare(upstream));
    }

    @Override
    public int heldReferences() {
        int held = 0;
        for (LoopPool pool : byLoop) {
            if (pool != null && pool.shareHeld()) {
                held++;
            }
        }
        return held;
    }

    /**
     * Takes one of the server's slots under the backend's connection limit (always succeeds without
     * one). Any loop; the slot goes back with {@link #releaseSlot}.
     */
    boolean tryTakeSlot(int server) {
        if (limited == null) {
            return true;
        }
        while (true) {
            int current = limited.get(server);
            if (current >= maxPerServer) {
                return false;
            }
            if (limited.compareAndSet(server, current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives a slot back and wakes a queued request on some loop. Called on {@code from}'s loop. */
    void releaseSlot(int server, LoopPool from) {
        if (limited == null) {
            return;
        }
        limited.decrementAndGet(server);
        if (queued.get() > 0) {
            if (from.waitingCount() > 0) {
                from.wakeOne();
            } else {
                for (LoopPool pool : byLoop) {
                    if (pool != null && pool != from && pool.waitingCount() > 0) {
                        try {
                            pool.loop.loop().execute(pool::wakeOne);
                        } catch (RejectedExecutionException stopping) {
                            // shutting down
                        }
                        break;
                    }
                }
            }
        }
    }

    /** A bit per server that is at its connection limit now; 0 without a limit. */
    long fullServers() {
        if (limited == null) {
            return 0;
        }
        long full = 0;
        for (int i = 0; i < definitions.length; i++) {
            if (limited.get(i) >= maxPerServer) {
                full |= 1L << i;
            }
        }
        return full;
    }

    @Override
    public int activeRequests(int server) {
        int requests = 0;
        for (LoopPool pool : byLoop) {
            if (pool != null) {
                requests += pool.servers.activeRequests(server);
            }
        }
        return requests;
    }

    @Override
    public long startedRequests(int server) {
        long requests = 0;
        for (LoopPool pool : byLoop) {
            if (pool != null) {
                requests += pool.servers.startedRequests(server);
            }
        }
        return requests;
    }

    @Override
    public long openedConnections(int server) {
        long opened = 0;
        for (LoopPool pool : byLoop) {
            if (pool != null) {
                opened += pool.servers.openedConnections(server);
            }
        }
        return opened;
    }

    @Override
    public int requestsInFlight() {
        int requests = 0;
        for (LoopPool pool : byLoop) {
            if (pool != null) {
                requests += pool.inFlight();
            }
        }
        return requests;
    }

    private void onEveryLoop(java.util.function.Consumer<LoopPool> action) {
        for (LoopContext loop : forwarder.loops()) {
            int index = loop.index();
            try {
                loop.loop().execute(() -> {
                    LoopPool pool = byLoop[index];
                    if (pool != null) {
                        action.accept(pool);
                    }
                });
            } catch (RejectedExecutionException stopping) {
                // The loops are shutting down and close every channel themselves.
            }
        }
    }

    /**
     * One backend's connections on one event loop, and this loop's share of the upstream: one
     * reference on it, taken by the first request and kept while the backend is live, plus a count of
     * the loop's requests in flight. Requests thus touch no counter shared between threads. Every
     * method except the monitoring reads runs on that loop.
     */
    static final class LoopPool {
        private static final VarHandle IN_FLIGHT;
        private static final VarHandle SHARE_HELD;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                IN_FLIGHT = lookup.findVarHandle(LoopPool.class, "inFlight", int.class);
                SHARE_HELD = lookup.findVarHandle(LoopPool.class, "shareHeld", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final NettyBackendPool backend;
        final LoopContext loop;
        /** This loop's requests per server, balancing position and retry budget. */
        final LoopServerState servers;
        private final ArrayDeque<BackendConnection>[] idle;
        private final Bootstrap[] bootstraps;
        /** HTTP/2 backends: the session new requests to each server go to, or null. */
        private final Http2BackendSession[] sessions;
        private boolean closed;
        /** Requests of this loop waiting for a slot under the backend's connection limit, oldest first. */
        private final ArrayDeque<ClientConnection> waiting = new ArrayDeque<>();
        /** waiting.size(), readable from other loops (they wake this one when a slot frees up). */
        private volatile int waitingCount;
        /** Written only by this loop, with release stores (no fence) so monitors can read it. */
        private int inFlight;
        private boolean shareHeld;

        @SuppressWarnings("unchecked")
        LoopPool(NettyBackendPool backend, LoopContext loop) {
            this.backend = backend;
            this.loop = loop;
            int servers = backend.servers.length;
            this.servers = new LoopServerState(servers);
            this.idle = new ArrayDeque[servers];
            this.bootstraps = new Bootstrap[servers];
            this.sessions = backend.http2 ? new Http2BackendSession[servers] : null;
            for (int i = 0; i < servers; i++) {
                idle[i] = new ArrayDeque<>();
            }
        }

        /**
         * Counts a request in; takes the loop's reference on the upstream first if it has none.
         *
         * @return false when the upstream has drained and closed (the caller must route again)
         */
        boolean enter(Upstream upstream) {
            if (!shareHeld) {
                if (!upstream.retain()) {
                    return false;
                }
                SHARE_HELD.setRelease(this, true);
            }
            IN_FLIGHT.setRelease(this, inFlight + 1);
            return true;
        }

        /** Counts a request out; the loop's reference goes when its last request ends after a retire. */
        void exit(Upstream upstream) {
            int remaining = inFlight - 1;
            IN_FLIGHT.setRelease(this, remaining);
            if (remaining == 0 && upstream.isRetired()) {
                dropShare(upstream);
            }
        }

        /** Gives back the loop's reference on the upstream unless requests still use it. */
        void dropShare(Upstream upstream) {
            if (shareHeld && inFlight == 0) {
                SHARE_HELD.setRelease(this, false);
                upstream.release();
            }
        }

        int inFlight() {
            return (int) IN_FLIGHT.getAcquire(this);
        }

        boolean shareHeld() {
            return (boolean) SHARE_HELD.getAcquire(this);
        }

        /** Puts a request in the wait queue; false when the backend's queue is full. */
        boolean enqueue(ClientConnection request) {
            if (backend.queued.incrementAndGet() > backend.queueSize) {
                backend.queued.decrementAndGet();
                return false;
            }
            waiting.addLast(request);
            waitingCount = waiting.size();
            return true;
        }

        /** Takes a request out of the wait queue (it timed out, or its client went away). */
        void dequeue(ClientConnection request) {
            if (waiting.remove(request)) {
                backend.queued.decrementAndGet();
                waitingCount = waiting.size();
            }
        }

        int waitingCount() {
            return waitingCount;
        }

        /** A slot may have freed up: the oldest waiting request tries again (and waits on if it lost the race). */
        void wakeOne() {
            ClientConnection next = waiting.pollFirst();
            if (next == null) {
                return;
            }
            backend.queued.decrementAndGet();
            waitingCount = waiting.size();
            if (!next.dispatchFromQueue()) {
                waiting.addFirst(next);
                backend.queued.incrementAndGet();
                waitingCount = waiting.size();
            }
        }

        /**
         * The most recently used live idle connection to the server, or null (connect a new one).
         * Always null for HTTP/2 backends: each request opens a stream through {@link #connect}.
         */
        BackendConnection acquire(int server) {
            ArrayDeque<BackendConnection> connections = idle[server];
            BackendConnection connection;
            while ((connection = connections.pollLast()) != null) {
                connection.pooled = false;
                if (connection.channel.isActive()) {
                    return connection;
                }
                connection.channel.close();
            }
            return null;
        }

        /**
         * Starts a new connection to the server for {@code owner}; the owner hears of the outcome
         * through {@link ClientConnection#onBackendConnected} or {@link ClientConnection#onBackendConnectFailed},
         * possibly before this returns. The caller must have made {@code connection} its current
         * backend first.
         */
        void connect(BackendConnection connection) {
            if (sessions != null) {
                Http2BackendSession session = sessions[connection.server];
                if (session == null || !session.takesStreams()) {
                    session = new Http2BackendSession(this, connection.server);
                    sessions[connection.server] = session;
                    servers.opened(connection.server);
                    session.connecting(bootstrap(connection.server).handler(session).connect());
                }
                connection.session = session;
                session.open(connection);
                return;
            }
            servers.opened(connection.server);
            // Safe to reuse: the handler is read synchronously by connect(), and only this loop uses it.
            bootstrap(connection.server).handler(connection).connect().addListener(connection);
        }

        private Bootstrap bootstrap(int server) {
            Bootstrap bootstrap = bootstraps[server];
            if (bootstrap == null) {
                bootstrap = new Bootstrap()
                        .group(loop.loop())
                        .channel(backend.forwarder.socketChannelClass())
                        .resolver(backend.forwarder.resolver())
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, backend.connectTimeoutMillis)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.SO_KEEPALIVE, true)
                        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, NettyForwarder.WRITE_BUFFER)
                        .remoteAddress(backend.servers[server]);
                bootstraps[server] = bootstrap;
            }
            return bootstrap;
        }

        /** An HTTP/2 session stopped taking streams: new requests get a new one. */
        void sessionEnded(Http2BackendSession session) {
            if (sessions[session.server] == session) {
                sessions[session.server] = null;
            }
        }

        /** True while {@code session} is where new requests to its server go. */
        boolean isCurrent(Http2BackendSession session) {
            return sessions[session.server] == session;
        }

        boolean isClosed() {
            return closed;
        }

        /** Takes back a connection whose exchange ended cleanly; closes it when it cannot be kept. */
        void release(BackendConnection connection) {
            if (connection.session != null) {
                // A stream serves one request; it has ended both ways, so this only tidies up.
                connection.channel.close();
                return;
            }
            ArrayDeque<BackendConnection> connections = idle[connection.server];
            if (closed || !connection.channel.isActive() || connections.size() >= MAX_IDLE_PER_SERVER_PER_LOOP) {
                connection.channel.close();
                return;
            }
            connection.pooled = true;
            connections.addLast(connection);
            connection.idleFrom(connection.lastActivity);
        }

        /** Drops an idle connection that closed or timed out. */
        void removeIdle(BackendConnection connection) {
            if (connection.pooled) {
                connection.pooled = false;
                idle[connection.server].removeLastOccurrence(connection);
            }
        }

        void close() {
            closed = true;
            if (sessions != null) {
                for (int i = 0; i < sessions.length; i++) {
                    if (sessions[i] != null) {
                        sessions[i].close();
                        sessions[i] = null;
                    }
                }
            }
            for (ArrayDeque<BackendConnection> connections : idle) {
                BackendConnection connection;
                while ((connection = connections.pollLast()) != null) {
                    connection.pooled = false;
                    connection.channel.close();
                }
            }
        }
    }
}
