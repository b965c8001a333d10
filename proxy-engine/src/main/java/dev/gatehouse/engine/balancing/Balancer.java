package dev.gatehouse.engine.balancing;

import dev.gatehouse.engine.config.LoadBalancing;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the server for a request from the eligible {@link ServerSet}, by the backend's
 * {@link LoadBalancing} policy. Allocation-free and lock-free: all the state it keeps lives in the
 * calling loop's {@link LoopServerState}. Servers already tried by the request (a bit per server
 * index in {@code tried}) are skipped, so a retry goes elsewhere.
 */
public final class Balancer {

    /** No server can take the request. */
    public static final int NONE = -1;
    /** Backends have at most this many servers: {@code tried} is a 64-bit mask. */
    public static final int MAX_SERVERS = 64;

    private Balancer() {
    }

    /**
     * @param clientHash hash of the client's IP address (client-IP hashing)
     * @param sticky the server the request's sticky cookie names, or -1
     * @return a server index, or {@link #NONE}
     */
    public static int select(LoadBalancing policy, ServerSet set, LoopServerState loop, long tried, int clientHash,
                             int sticky) {
        if (set.servers.length == 0) {
            return NONE;
        }
        if (set.servers.length == 1) {
            int only = set.servers[0];
            return isTried(tried, only) ? NONE : only;
        }
        return switch (policy) {
            case ROUND_ROBIN -> roundRobin(set, loop, tried);
            case WEIGHTED_ROUND_ROBIN -> weightedRoundRobin(set, loop, tried);
            case LEAST_CONNECTIONS -> leastConnections(set, loop, tried);
            case POWER_OF_TWO_CHOICES -> powerOfTwoChoices(set, loop, tried);
            case CLIENT_IP_HASH -> clientIpHash(set, tried, clientHash);
            case STICKY_COOKIE -> sticky >= 0 && !isTried(tried, sticky) && set.contains(sticky)
                    ? sticky : weightedRoundRobin(set, loop, tried);
        };
    }

    static boolean isTried(long tried, int server) {
        return (tried & (1L << server)) != 0;
    }

    private static int roundRobin(ServerSet set, LoopServerState loop, long tried) {
        int[] servers = set.servers;
        int n = servers.length;
        int start = Integer.remainderUnsigned(loop.next++, n);
        for (int k = 0; k < n; k++) {
            int server = servers[(start + k) % n];
            if (!isTried(tried, server)) {
                return server;
            }
        }
        return NONE;
    }

    /**
     * nginx's smooth weighted round robin: every candidate gains its weight, the richest is chosen
     * and pays the total. Weights 5,1,1 give a a b a c a a, not a a a a a b c.
     */
    private static int weightedRoundRobin(ServerSet set, LoopServerState loop, long tried) {
        int[] servers = set.servers;
        int[] current = loop.currentWeights;
        int best = NONE;
        int total = 0;
        for (int k = 0; k < servers.length; k++) {
            int server = servers[k];
            if (isTried(tried, server)) {
                continue;
            }
            current[server] += set.weights[k];
            total += set.weights[k];
            if (best == NONE || current[server] > current[best]) {
                best = server;
            }
        }
        if (best != NONE) {
            current[best] -= total;
        }
        return best;
    }

    /** Fewest requests in flight per unit of weight; ties go round, starting one further each time. */
    private static int leastConnections(ServerSet set, LoopServerState loop, long tried) {
        int[] servers = set.servers;
        int n = servers.length;
        int start = Integer.remainderUnsigned(loop.next++, n);
        int best = NONE;
        int bestWeight = 0;
        for (int k = 0; k < n; k++) {
            int index = (start + k) % n;
            int server = servers[index];
            if (isTried(tried, server)) {
                continue;
            }
            int weight = set.weights[index];
            if (best == NONE || fewer(loop, server, weight, best, bestWeight)) {
                best = server;
                bestWeight = weight;
            }
        }
        return best;
    }

    /** active(a)/weight(a) < active(b)/weight(b), without division. */
    private static boolean fewer(LoopServerState loop, int a, int weightA, int b, int weightB) {
        return (long) loop.activeOn(a) * weightB < (long) loop.activeOn(b) * weightA;
    }

    /** Two distinct candidates drawn by weight; the less loaded one (per unit of weight) wins. */
    private static int powerOfTwoChoices(ServerSet set, LoopServerState loop, long tried) {
        int total = 0;
        int candidates = 0;
        for (int k = 0; k < set.servers.length; k++) {
            if (!isTried(tried, set.servers[k])) {
                total += set.weights[k];
                candidates++;
            }
        }
        if (candidates == 0) {
            return NONE;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int first = drawByWeight(set, tried, random.nextInt(total), -1);
        if (candidates == 1) {
            return set.servers[first];
        }
        int firstWeight = set.weights[first];
        int second = drawByWeight(set, tried | (1L << set.servers[first]), random.nextInt(total - firstWeight), -1);
        int a = set.servers[first];
        int b = set.servers[second];
        return fewer(loop, b, set.weights[second], a, firstWeight) ? b : a;
    }

    /** The entry (index into the set) where a point in [0, total weight of untried) falls. */
    private static int drawByWeight(ServerSet set, long tried, int point, int fallback) {
        int last = fallback;
        for (int k = 0; k < set.servers.length; k++) {
            if (isTried(tried, set.servers[k])) {
                continue;
            }
            point -= set.weights[k];
            last = k;
            if (point < 0) {
                return k;
            }
        }
        return last;
    }

    /**
     * Weighted rendezvous hashing: each server scores {@code weight / -ln(u)}, u a uniform number
     * from the client and the server's address; the highest wins. A client keeps its server while it
     * stays eligible, and when one server goes only its clients move.
     */
    private static int clientIpHash(ServerSet set, long tried, int clientHash) {
        int best = NONE;
        double bestScore = -1;
        for (int k = 0; k < set.servers.length; k++) {
            int server = set.servers[k];
            if (isTried(tried, server)) {
                continue;
            }
            long mixed = mix(set.addressHashes[k] ^ (clientHash * 0x9E3779B97F4A7C15L));
            double unit = ((mixed >>> 11) + 1) * 0x1.0p-53; // (0, 1]
            double score = set.weights[k] / -Math.log(unit == 1.0 ? Math.nextDown(1.0) : unit);
            if (score > bestScore) {
                bestScore = score;
                best = server;
            }
        }
        return best;
    }

    /** SplitMix64's finaliser: spreads every input bit over the whole output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
