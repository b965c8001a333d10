package dev.gatehouse.engine.policy;

import dev.gatehouse.engine.config.RateLimitDefinition;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One site's rate limit per client address, as the generic cell rate algorithm (a token bucket kept
 * as one number per client, its "theoretical arrival time"): lock-free, one CAS per request, shared
 * by every event loop. Clients idle long enough to have a full bucket again are forgotten when the
 * table grows, so it holds about the clients of the last burst window.
 */
public final class RateLimiter {

    /** Above this many tracked clients, finished ones are swept out before adding another. */
    private static final int SWEEP_ABOVE = 50_000;

    private final RateLimitDefinition definition;
    private final long intervalNanos;
    private final long toleranceNanos;
    private final ConcurrentHashMap<InetAddress, AtomicLong> arrival = new ConcurrentHashMap<>();

    public RateLimiter(RateLimitDefinition definition) {
        this.definition = definition;
        this.intervalNanos = Math.max(1, definition.period().toNanos() / definition.requests());
        this.toleranceNanos = intervalNanos * definition.burst();
    }

    public RateLimitDefinition definition() {
        return definition;
    }

    /**
     * Takes one request's token.
     *
     * @return 0 when the request may go on, else how many nanoseconds until it would be allowed
     */
    public long acquire(InetAddress client, long now) {
        AtomicLong cell = arrival.get(client);
        if (cell == null) {
            if (arrival.size() > SWEEP_ABOVE) {
                sweep(now);
            }
            cell = arrival.computeIfAbsent(client, key -> new AtomicLong(now));
        }
        while (true) {
            long theoretical = cell.get();
            long start = Math.max(theoretical, now);
            long wait = start - now - toleranceNanos;
            if (wait > 0) {
                return wait;
            }
            if (cell.compareAndSet(theoretical, start + intervalNanos)) {
                return 0;
            }
        }
    }

    /** Clients whose bucket has refilled need no entry: they start afresh. */
    private void sweep(long now) {
        arrival.values().removeIf(cell -> cell.get() < now);
    }

    /** Clients tracked now (for tests). */
    int trackedClients() {
        return arrival.size();
    }
}
