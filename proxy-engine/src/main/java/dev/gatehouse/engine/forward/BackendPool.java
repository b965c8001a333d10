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
}
