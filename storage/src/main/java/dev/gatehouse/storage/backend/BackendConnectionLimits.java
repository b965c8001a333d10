package dev.gatehouse.storage.backend;

import dev.gatehouse.storage.internal.Require;

/**
 * How a stored backend keeps and limits its connections to its servers. The defaults are the proxy
 * engine's and the schema's column defaults, so a backend stored before it had limits reads back as
 * {@link #DEFAULT}. Storage only refuses what the schema cannot hold; the admin application checks
 * the ranges with messages.
 *
 * @param idleTimeoutMs           an idle keep-alive connection is closed after this long, above 0;
 *                                null (the default) = the engine's default (30 s)
 * @param maxConnectionsPerServer requests in flight per server at most, at least 0; default 0 = no limit
 * @param queueSize               requests that may wait for a free slot over the whole backend, at least 0;
 *                                default {@value #DEFAULT_QUEUE_SIZE}
 * @param queueTimeoutMs          how long a request may wait in the queue, above 0; default
 *                                {@value #DEFAULT_QUEUE_TIMEOUT_MS}
 */
public record BackendConnectionLimits(Long idleTimeoutMs, int maxConnectionsPerServer, int queueSize,
                                      long queueTimeoutMs) {

    public static final int DEFAULT_QUEUE_SIZE = 100;
    public static final long DEFAULT_QUEUE_TIMEOUT_MS = 10_000;

    /** The engine's idle timeout, no limit (so no queue in use), a queue of 100 waiting up to 10 s. */
    public static final BackendConnectionLimits DEFAULT =
            new BackendConnectionLimits(null, 0, DEFAULT_QUEUE_SIZE, DEFAULT_QUEUE_TIMEOUT_MS);

    /** @throws IllegalArgumentException naming the first value the schema would refuse */
    public BackendConnectionLimits {
        if (idleTimeoutMs != null) {
            Require.atLeast("backend idle timeout (ms)", idleTimeoutMs, 1);
        }
        Require.atLeast("backend max connections per server", maxConnectionsPerServer, 0);
        Require.atLeast("backend queue size", queueSize, 0);
        Require.atLeast("backend queue timeout (ms)", queueTimeoutMs, 1);
    }
}
