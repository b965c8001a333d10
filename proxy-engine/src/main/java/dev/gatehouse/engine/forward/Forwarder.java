package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.balancing.HealthProbe;
import dev.gatehouse.engine.config.BackendDefinition;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The part of forwarding the apply transaction sees: per-backend state (connection pools) opened
 * when a config is applied. Routing ({@link RequestRouter}), error pages and header policy
 * ({@link ProxyHeaders}) do not depend on how requests are moved; {@link NettyForwarder} does it in
 * plain Netty channel handlers.
 *
 * <p>Contract for implementations of the forwarding itself:
 * <ul>
 *   <li>stream both bodies, never aggregate; drop hop-by-hop headers both ways and set the
 *       X-Forwarded-* headers ({@link ProxyHeaders}); pass Host unchanged;</li>
 *   <li>pick the server with {@link Upstream#balancing()}, report each outcome to it (passive
 *       health checks) and retry elsewhere by its rules; hold a reference on the
 *       {@link Upstream} for as long as a request uses it (its own, or one per event loop kept by the
 *       pool and given back after {@link BackendPool#retire}), so a removed backend's pool closes
 *       only after its last request;</li>
 *   <li>answer {@code ErrorPage.BAD_GATEWAY} when the server cannot be reached or fails before
 *       answering, {@code ErrorPage.GATEWAY_TIMEOUT} when it does not answer in time; once response
 *       headers went out, a failure can only close the client connection;</li>
 *   <li>never block an event loop, never log per request above DEBUG.</li>
 * </ul>
 */
public interface Forwarder {

    /**
     * Prepares what forwarding to a backend needs (e.g. keep-alive pools) without connecting; called
     * while a config is applied, off the request path.
     *
     * @param servers the backend's server addresses, in definition order (IP literals resolved,
     *     host names unresolved)
     */
    BackendPool openPool(BackendDefinition backend, List<InetSocketAddress> servers);

    /** Sends backends' active health checks; null (the default) when this forwarder cannot. */
    default HealthProbe healthProbe() {
        return null;
    }
}
