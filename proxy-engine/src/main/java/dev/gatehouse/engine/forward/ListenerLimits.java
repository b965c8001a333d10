package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.config.ListenerPolicy;
import dev.gatehouse.engine.routing.AddressRanges;

/**
 * A {@link ListenerPolicy} ready for the connection path: nanoseconds instead of durations, the
 * PROXY-protocol sources as address ranges. Immutable; a connection reads the one current when it
 * was accepted.
 */
public record ListenerLimits(AddressRanges proxyProtocolSources, long headerTimeoutNanos, long bodyWindowNanos,
                             long minBodyBytesPerWindow, long sendTimeoutNanos, int maxConnections,
                             int maxConnectionsPerClient) {

    /** The defaults of {@link ListenerPolicy#DEFAULT}. */
    public static final ListenerLimits DEFAULT = of(ListenerPolicy.DEFAULT);

    public static ListenerLimits of(ListenerPolicy policy) {
        long window = Math.max(1, policy.bodyTimeout().toNanos());
        return new ListenerLimits(AddressRanges.of(policy.proxyProtocolFrom()), Math.max(1, policy.headerTimeout().toNanos()),
                window, (long) policy.minBodyRate() * window / 1_000_000_000L, Math.max(1, policy.sendTimeout().toNanos()),
                policy.maxConnections(), policy.maxConnectionsPerClient());
    }

    /** How often a connection checks its timeouts: a quarter of the shortest, at most every 15 s. */
    long checkEveryNanos() {
        long shortest = Math.min(Math.min(headerTimeoutNanos, bodyWindowNanos), sendTimeoutNanos);
        return Math.max(10_000_000L, Math.min(shortest / 4, 15_000_000_000L));
    }
}
