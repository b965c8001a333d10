package dev.gatehouse.engine.config;

import java.time.Duration;

/**
 * How the engine keeps and limits its connections to a backend's servers.
 *
 * @param idleTimeout an idle keep-alive connection is closed after this long; default 30 s — keep it
 *     below the backend's own keep-alive timeout (nginx 75 s, Node.js 5 s, Apache 5 s), although a
 *     connection the backend closes just as a request is written to it is retried on a fresh one
 * @param maxConnectionsPerServer requests in flight per server at most, over all event loops;
 *     default 0 = no limit. Requests over the limit wait in the queue
 * @param queueSize requests that may wait for a free slot, over the whole backend; default 100.
 *     More get 503 with {@code Retry-After} at once
 * @param queueTimeout how long a request may wait in the queue before it gets 503 with
 *     {@code Retry-After}; default 10 s
 */
public record ConnectionPoolDefinition(Duration idleTimeout, int maxConnectionsPerServer, int queueSize,
                                       Duration queueTimeout) {

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_QUEUE_SIZE = 100;
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(10);
    /** The defaults: 30 s idle timeout, no connection limit (so no queue). */
    public static final ConnectionPoolDefinition DEFAULT =
            new ConnectionPoolDefinition(DEFAULT_IDLE_TIMEOUT, 0, DEFAULT_QUEUE_SIZE, DEFAULT_QUEUE_TIMEOUT);

    /** Nulls take the defaults. */
    public ConnectionPoolDefinition {
        idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
        queueTimeout = queueTimeout == null ? DEFAULT_QUEUE_TIMEOUT : queueTimeout;
    }

    /** At most {@code max} requests in flight per server, {@code queueSize} waiting up to {@code queueTimeout}. */
    public static ConnectionPoolDefinition limited(int max, int queueSize, Duration queueTimeout) {
        return new ConnectionPoolDefinition(DEFAULT_IDLE_TIMEOUT, max, queueSize, queueTimeout);
    }

    public boolean limited() {
        return maxConnectionsPerServer > 0;
    }
}
