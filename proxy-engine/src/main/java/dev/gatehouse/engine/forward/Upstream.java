package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.balancing.BackendServers;
import dev.gatehouse.engine.balancing.ServerStatus;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime form of a backend: its definition, its server addresses, the round-robin position,
 * the forwarder's pool, and a reference count that decides when the pool may be closed.
 *
 * <p>Lifecycle: a new upstream holds one reference on behalf of the live routing table. Every request
 * forwarded to it is covered by a reference: its own ({@link #retain()} first, {@link #release()} when
 * done), or one its pool holds for many requests (one per event loop, see {@link BackendPool#retire}).
 * When an apply removes or changes the backend, the engine drops the table's reference with
 * {@link #retire()}; the pool is disposed when the count reaches zero, i.e. once the last in-flight
 * request through the old definition has finished. An unchanged backend is carried over to the next
 * table as the same object, pool and connections included.
 */
public final class Upstream {

    private final BackendDefinition definition;
    private final InetSocketAddress[] servers;
    private final BackendPool pool;
    private final BackendServers balancing;
    /** 1 for the live table + 1 per retained request or pool-held reference; 0 = disposed, never revived. */
    private final AtomicInteger references = new AtomicInteger(1);
    private volatile boolean retired;

    private Upstream(BackendDefinition definition, InetSocketAddress[] servers, BackendPool pool, BackendServers balancing) {
        this.definition = definition;
        this.servers = servers;
        this.pool = pool;
        this.balancing = balancing;
    }

    /** A new backend: {@code open(definition, forwarder, null)}. */
    public static Upstream open(BackendDefinition definition, Forwarder forwarder) {
        return open(definition, forwarder, null);
    }

    /**
     * Opens the run-time form of a backend and starts its active health check, if any. Resolves
     * nothing: IP literals become addresses, host names stay unresolved for the transport's resolver.
     *
     * @param previous the backend of the same name this one replaces, or null: servers it shares
     *     with it (same address) keep their health
     */
    public static Upstream open(BackendDefinition definition, Forwarder forwarder, Upstream previous) {
        List<ServerDefinition> serverDefinitions = definition.servers();
        InetSocketAddress[] addresses = new InetSocketAddress[serverDefinitions.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = socketAddress(serverDefinitions.get(i));
        }
        BackendServers balancing = new BackendServers(definition, addresses,
                previous == null ? null : previous.balancing, forwarder.healthProbe());
        Upstream upstream = new Upstream(definition, addresses, forwarder.openPool(definition, List.of(addresses)), balancing);
        balancing.start();
        return upstream;
    }

    static InetSocketAddress socketAddress(ServerDefinition server) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(server.host());
        if (literal != null) {
            try {
                return new InetSocketAddress(InetAddress.getByAddress(server.host(), literal), server.port());
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException("IP literal " + server.host() + " rejected", impossible);
            }
        }
        return InetSocketAddress.createUnresolved(server.host(), server.port());
    }

    public BackendDefinition definition() {
        return definition;
    }

    public String name() {
        return definition.name();
    }

    public BackendPool pool() {
        return pool;
    }

    public int serverCount() {
        return servers.length;
    }

    public InetSocketAddress server(int index) {
        return servers[index];
    }

    /** The servers' health, the eligible ones, and the choice among them. */
    public BackendServers balancing() {
        return balancing;
    }

    /** Each server's state now, with the requests the pool counts for it. */
    public List<ServerStatus> serverStatus() {
        return balancing.status(pool::activeRequests, pool::startedRequests, pool::openedConnections);
    }

    /**
     * Takes a reference for one request. False when the upstream was retired and has already drained
     * (its pool is closed): the caller must look the route up again in the live table.
     */
    public boolean retain() {
        while (true) {
            int current = references.get();
            if (current == 0) {
                return false;
            }
            if (references.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives back a request's reference; the last one out disposes the pool. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            pool.dispose();
        }
    }

    /** Drops the live table's reference: the pool closes once in-flight requests have finished. */
    public void retire() {
        if (!retired) {
            retired = true;
            balancing.stop();
            pool.retire(this);
            release();
        }
    }

    /** True once the live table has let go of this upstream. */
    public boolean isRetired() {
        return retired;
    }

    /** Requests currently using this upstream (for tests and status; a moment's snapshot). */
    public int inFlight() {
        int retainedDirectly = references.get() - (retired ? 0 : 1) - pool.heldReferences();
        return Math.max(0, retainedDirectly + pool.requestsInFlight());
    }

    /** True once the pool has been disposed. */
    public boolean isDisposed() {
        return references.get() == 0;
    }

    @Override
    public String toString() {
        return "Upstream[" + definition.name() + ", servers=" + servers.length + ", references=" + references.get() + "]";
    }
}
