package dev.gatehouse.engine.balancing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One event loop's view of a backend's servers: its requests in flight per server (what
 * least-connections and power-of-two-choices compare), its requests started per server (for the
 * dashboard's rates), and the balancing position. Only that loop writes it, so requests touch no
 * counter shared between threads; monitors read it with acquire loads.
 *
 * <p>Least-connections therefore balances each loop's own requests, as nginx does per worker
 * without a shared zone: with requests spread evenly over the loops the totals follow.
 */
public final class LoopServerState {

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    /** Round-robin position, and the tie-breaker of the comparing policies. */
    int next;
    /** Smooth weighted round robin's running weights, by server index. */
    final int[] currentWeights;
    private final int[] active;
    private final long[] started;
    private final long[] opened;
    private int retryTokens = RETRY_TOKENS_CAP / 5;

    /**
     * The retry budget: every request adds a token (up to the cap), every retry costs
     * {@link #RETRY_COST}, so retries stay within about a fifth of the requests during an outage
     * instead of multiplying the load on the servers left; the reserve lets a quiet backend retry.
     */
    static final int RETRY_COST = 5;
    static final int RETRY_TOKENS_CAP = 500;

    public LoopServerState(int servers) {
        this.currentWeights = new int[servers];
        this.active = new int[servers];
        this.started = new long[servers];
        this.opened = new long[servers];
    }

    /** A request starts on the server (call on the owning loop). */
    public void begin(int server) {
        INTS.setRelease(active, server, active[server] + 1);
        LONGS.setRelease(started, server, started[server] + 1);
    }

    /** A request arrived for the backend: it adds to the retry budget (call on the owning loop). */
    public void deposit() {
        if (retryTokens < RETRY_TOKENS_CAP) {
            retryTokens++;
        }
    }

    /** Takes a retry from the budget; false when it is spent (call on the owning loop). */
    public boolean withdrawRetry() {
        if (retryTokens < RETRY_COST) {
            return false;
        }
        retryTokens -= RETRY_COST;
        return true;
    }

    /** A new connection to the server is being opened (call on the owning loop). */
    public void opened(int server) {
        LONGS.setRelease(opened, server, opened[server] + 1);
    }

    /** Connections this loop has opened to the server; safe from any thread. */
    public long openedConnections(int server) {
        return (long) LONGS.getAcquire(opened, server);
    }

    /** A request that {@link #begin began} on the server ended (call on the owning loop). */
    public void end(int server) {
        INTS.setRelease(active, server, active[server] - 1);
    }

    int activeOn(int server) {
        return active[server];
    }

    /** Requests in flight on the server from this loop; safe from any thread. */
    public int activeRequests(int server) {
        return (int) INTS.getAcquire(active, server);
    }

    /** Requests this loop has started on the server; safe from any thread. */
    public long startedRequests(int server) {
        return (long) LONGS.getAcquire(started, server);
    }
}
