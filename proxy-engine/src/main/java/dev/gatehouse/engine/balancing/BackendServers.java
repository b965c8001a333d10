package dev.gatehouse.engine.balancing;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * A backend's servers at run time: their health, the eligible {@link ServerSet} built from it and
 * the configuration, the active health check, and the choice of a server per request.
 *
 * <p>Passive checks: a request's outcome is reported with {@link #recordFailure}/{@link #recordSuccess};
 * {@code maxFailures} failures in a row eject the server for {@code ejectFor}, unless it is the last
 * eligible one (like nginx with a single server: ejecting it would only turn slow errors into fast
 * ones while it may be recovering). An ejection ends lazily: the set remembers when, and the first
 * request after that rebuilds it.
 */
public final class BackendServers {

    private static final Logger log = LoggerFactory.getLogger(BackendServers.class);
    /** Name of the sticky-session cookie set by {@code sticky-cookie} backends. */
    public static final String STICKY_COOKIE = "gatehouse_server";

    private final BackendDefinition definition;
    private final ServerDefinition[] servers;
    private final ServerHealth[] health;
    private final long[] addressHashes;
    private final String[] cookieTokens;
    private final HealthChecker checker;
    private final long ejectForNanos;
    private final int maxFailures;
    private volatile ServerSet view;
    private final AtomicInteger roundRobin = new AtomicInteger();

    /**
     * @param previous the same backend's servers before this apply, or null: servers with the same
     *     address keep their health
     * @param probe sends active checks; null when the forwarder has none (checks then never run)
     */
    public BackendServers(BackendDefinition definition, InetSocketAddress[] addresses, BackendServers previous,
                          HealthProbe probe) {
        this.definition = definition;
        List<ServerDefinition> list = definition.servers();
        if (list.size() > Balancer.MAX_SERVERS) {
            throw new IllegalArgumentException("backend " + definition.name() + " has " + list.size()
                    + " servers; at most " + Balancer.MAX_SERVERS + " are supported");
        }
        this.servers = list.toArray(ServerDefinition[]::new);
        this.health = new ServerHealth[servers.length];
        this.addressHashes = new long[servers.length];
        this.cookieTokens = new String[servers.length];
        Map<String, ServerHealth> carried = previous == null ? Map.of() : previous.healthByAddress();
        for (int i = 0; i < servers.length; i++) {
            String address = servers[i].address();
            ServerHealth known = carried.get(address);
            health[i] = known != null ? known : new ServerHealth();
            addressHashes[i] = Balancer.mix(fnv64(address));
            cookieTokens[i] = Long.toHexString(Balancer.mix(addressHashes[i] ^ 0x5bd1e995L));
        }
        PassiveHealthDefinition passive = definition.passiveHealth();
        this.maxFailures = passive.maxFailures();
        this.ejectForNanos = Math.max(1, passive.ejectFor().toNanos());
        this.checker = definition.healthCheck() == null || probe == null ? null
                : new HealthChecker(definition.name(), definition.healthCheck(), definition.protocol(), probe, addresses,
                servers, health, this::republish);
        republish();
    }

    private Map<String, ServerHealth> healthByAddress() {
        Map<String, ServerHealth> byAddress = new HashMap<>();
        for (int i = 0; i < servers.length; i++) {
            byAddress.put(servers[i].address(), health[i]);
        }
        return byAddress;
    }

    ServerHealth health(int server) {
        return health[server];
    }

    /** Starts the active health check, if the backend has one. */
    public void start() {
        if (checker != null) {
            checker.start();
        }
    }

    /** Stops the active health check; the health objects live on in a successor. */
    public void stop() {
        if (checker != null) {
            checker.stop();
        }
    }

    public int size() {
        return servers.length;
    }

    /** The servers eligible now (rebuilt first when an ejection has ended). */
    public ServerSet view() {
        ServerSet current = view;
        if (current.hasReview && System.nanoTime() - current.reviewAtNanos >= 0) {
            current = republish();
        }
        return current;
    }

    /**
     * The server for a request, or {@link Balancer#NONE} when no eligible server is left untried.
     *
     * @param tried bit i set: server i was tried by this request already
     * @param clientHash hash of the client's address
     * @param sticky the server named by the request's sticky cookie, or -1
     */
    public int select(LoopServerState loop, long tried, int clientHash, int sticky) {
        ServerSet set = view();
        if (definition.balancing() == LoadBalancing.ROUND_ROBIN && set.size() > 1 && tried == 0) {
            // Plain round robin takes turns across all event loops, as users expect of it; the
            // weighted and comparing policies keep their state per loop.
            loop.next = roundRobin.getAndIncrement();
        }
        return Balancer.select(definition.balancing(), set, loop, tried, clientHash, sticky);
    }

    /** True when some eligible server is not in the {@code tried} mask (they may all be busy). */
    public boolean hasEligibleOutside(long tried) {
        for (int server : view().servers) {
            if ((tried & (1L << server)) == 0) {
                return true;
            }
        }
        return false;
    }

    /** A request to the server failed (could not connect, closed, timed out, 5xx). Any thread. */
    public void recordFailure(int server) {
        if (maxFailures <= 0) {
            return;
        }
        ServerHealth h = health[server];
        if (h.failures.incrementAndGet() >= maxFailures && !h.ejected) {
            eject(server);
        }
    }

    /** A request to the server got a response below 500. Any thread; cheap when nothing failed. */
    public void recordSuccess(int server) {
        ServerHealth h = health[server];
        if (h.failures.get() != 0) {
            h.failures.set(0);
        }
    }

    private synchronized void eject(int server) {
        ServerHealth h = health[server];
        if (h.ejected) {
            return;
        }
        ServerSet current = view;
        if (current.contains(server) && current.size() == 1) {
            return; // the last one: keep trying it
        }
        h.ejectedUntilNanos = System.nanoTime() + ejectForNanos;
        h.ejected = true;
        log.info("backend {} server {} ejected for {} s after {} failures in a row", definition.name(),
                servers[server].address(), ejectForNanos / 1_000_000_000L, h.failures.get());
        republish();
    }

    /** Rebuilds the eligible set from the configuration and the current health; any thread. */
    synchronized ServerSet republish() {
        long now = System.nanoTime();
        long review = Long.MAX_VALUE;
        for (ServerHealth h : health) {
            if (h.ejected) {
                if (now - h.ejectedUntilNanos >= 0) {
                    h.ejected = false;
                    h.failures.set(0);
                } else if (review == Long.MAX_VALUE || h.ejectedUntilNanos - review < 0) {
                    review = h.ejectedUntilNanos;
                }
            }
        }
        ServerSet next = build(false, review);
        if (next.isEmpty()) {
            next = build(true, review);
        }
        view = next;
        return next;
    }

    private ServerSet build(boolean backups, long review) {
        int count = 0;
        for (int i = 0; i < servers.length; i++) {
            if (eligible(i, backups)) {
                count++;
            }
        }
        if (count == 0) {
            return review == Long.MAX_VALUE ? ServerSet.EMPTY
                    : new ServerSet(new int[0], new int[0], new long[0], false, review);
        }
        int[] indexes = new int[count];
        int[] weights = new int[count];
        long[] hashes = new long[count];
        int k = 0;
        for (int i = 0; i < servers.length; i++) {
            if (eligible(i, backups)) {
                indexes[k] = i;
                weights[k] = Math.max(1, servers[i].weight());
                hashes[k] = addressHashes[i];
                k++;
            }
        }
        return new ServerSet(indexes, weights, hashes, backups, review);
    }

    private boolean eligible(int i, boolean backups) {
        ServerDefinition server = servers[i];
        ServerHealth h = health[i];
        return server.backup() == backups && !server.drained() && h.checkUp() && !h.ejected;
    }

    /** The opaque value of the sticky cookie naming the server. */
    public String cookieToken(int server) {
        return cookieTokens[server];
    }

    /** The server a sticky cookie value names, or -1. */
    public int serverForCookie(CharSequence token) {
        for (int i = 0; i < cookieTokens.length; i++) {
            if (cookieTokens[i].contentEquals(token)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Each server's state now.
     *
     * @param active requests in flight on server i, summed over the event loops
     * @param started requests started on server i, summed over the event loops
     * @param opened connections opened to server i, summed over the event loops
     */
    public List<ServerStatus> status(ToIntFunction<Integer> active, ToLongFunction<Integer> started,
                                     ToLongFunction<Integer> opened) {
        ServerSet current = view();
        List<ServerStatus> result = new ArrayList<>(servers.length);
        for (int i = 0; i < servers.length; i++) {
            ServerDefinition server = servers[i];
            ServerHealth h = health[i];
            int inFlight = active.applyAsInt(i);
            String state;
            if (server.drained()) {
                state = inFlight > 0 ? "draining" : "drained";
            } else if (!h.checkUp()) {
                state = "down";
            } else if (h.ejected) {
                state = "ejected";
            } else {
                state = "up";
            }
            result.add(new ServerStatus(server.address(), server.weight(), server.backup(), state, current.contains(i),
                    h.lastCheck(), inFlight, started.applyAsLong(i), h.failuresInARow(), opened.applyAsLong(i)));
        }
        return result;
    }

    private static long fnv64(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
