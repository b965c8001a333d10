package dev.gatehouse.engine.forward;

/**
 * What a {@link Forwarder} keeps per backend to reach its servers, typically keep-alive connection
 * pools. Created by {@link Forwarder#openPool} when a config is applied, never on the request path.
 */
public interface BackendPool {

    /**
     * Closes the pooled connections and frees the pool without blocking. Called once, after the last
     * request using the backend has finished.
     */
    void dispose();

    /**
     * The live table let go of the backend ({@link Upstream#retire()}): a pool that holds references
     * on the upstream on behalf of requests (for example one per event loop, so requests do not touch
     * a shared counter) gives each back once its requests have finished. Default: holds none.
     */
    default void retire(Upstream upstream) {
    }

    /** References on the upstream this pool holds on behalf of requests. Default: none. */
    default int heldReferences() {
        return 0;
    }

    /** Requests in flight that this pool counts itself (for status and tests). Default: none. */
    default int requestsInFlight() {
        return 0;
    }

    /** Requests in flight on server {@code server} of the backend, over all event loops. Default: none counted. */
    default int activeRequests(int server) {
        return 0;
    }

    /** Connections opened to server {@code server} since the pool was opened. Default: none counted. */
    default long openedConnections(int server) {
        return 0;
    }

    /** Requests started on server {@code server} since the pool was opened. Default: none counted. */
    default long startedRequests(int server) {
        return 0;
    }
}
