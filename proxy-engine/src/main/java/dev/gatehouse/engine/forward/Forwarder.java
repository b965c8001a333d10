package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.config.BackendDefinition;
import org.reactivestreams.Publisher;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Moves one routed request to a backend server and its response back: the only part of the engine
 * that touches upstream connections. Routing, error pages, header policy ({@link ProxyHeaders}) and
 * the apply transaction do not depend on how this is done, so an implementation working in Netty
 * channel handlers can replace the reactor-netty one without changing them.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>stream both bodies, never aggregate; drop hop-by-hop headers both ways and set the
 *       X-Forwarded-* headers ({@link ProxyHeaders}); pass Host unchanged;</li>
 *   <li>pick the server with {@link Upstream#nextServerIndex()};</li>
 *   <li>answer {@code ErrorPage.BAD_GATEWAY} when the server cannot be reached or fails before
 *       answering, {@code ErrorPage.GATEWAY_TIMEOUT} when it does not answer in time; once response
 *       headers went out, a failure can only close the client connection;</li>
 *   <li>never block the calling event loop, never log per request above DEBUG.</li>
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

    /**
     * Forwards one request. The caller has retained {@code upstream} and releases it when the
     * returned publisher terminates or is cancelled.
     *
     * @param requestTarget the origin-form target to send ({@code /path?query})
     * @param hostHeader the Host to send to the backend (the client's, unchanged)
     */
    Publisher<Void> forward(Upstream upstream, HttpServerRequest request, HttpServerResponse response,
                            String requestTarget, String hostHeader);
}
