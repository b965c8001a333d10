package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.routing.CompiledHeaders;
import dev.gatehouse.engine.errorpage.ErrorPage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * Decides where one request goes; the forwarding side calls it once per request, on the client
 * connection's event loop, and does not care how routing works (host names, paths, policies).
 */
@FunctionalInterface
public interface RequestRouter {

    /**
     * Routes one request: reads the live configuration once and, before returning, either calls
     * {@link Decision#forward} until it accepts or calls {@link Decision#reject}. Must not block.
     *
     * <p>The router may rewrite the request's target and {@code Host} (an absolute-form request is
     * forwarded in origin form with its authority as Host); otherwise the request is forwarded as
     * it came, minus hop-by-hop headers.
     */
    void route(HttpRequest request, Decision decision);

    /** Where the router sends its answer; implemented by the forwarding side, one per connection. */
    interface Decision {

        /**
         * Forward the request to this backend. The forwarding side takes its reference on the
         * upstream (so its pool outlives the request even if an apply removes the backend meanwhile).
         *
         * @return false when the upstream was retired and has drained since the table was read: its
         *     pool is closed, and the router must look the route up again in the live table
         */
        boolean forward(Upstream upstream);

        /** Answer the request with the engine's own page instead. */
        void reject(ErrorPage page);

        /** True when the request came over TLS (the HTTPS listener). */
        boolean secure();

        /**
         * Answer with a redirect and an empty body instead of forwarding; nothing reaches a backend.
         *
         * @param status 301, 302, 307 or 308
         * @param location the absolute URL for the {@code Location} header
         */
        void redirect(HttpResponseStatus status, String location);

        /**
         * Sets the {@code Strict-Transport-Security} header of this request's response, replacing any
         * the backend sends; call before {@link #forward} or {@link #reject}. Ignored unless
         * {@link #secure()}: browsers must not get HSTS over plain HTTP (RFC 6797 8.1).
         */
        void strictTransportSecurity(AsciiString value);

        /**
         * The site passes WebSocket upgrades; call before {@link #forward}. Without this call the
         * {@code Upgrade} header is dropped like any hop-by-hop header.
         *
         * @param idleTimeoutNanos how long an established WebSocket may go without traffic
         */
        void allowWebsockets(long idleTimeoutNanos);

        /**
         * The site's header policy for this request (Host passing, header changes both ways); call
         * before {@link #forward}. Not called for the default policy.
         */
        void headers(CompiledHeaders headers);

        /** Close the connection without any answer (nginx's 444); for HTTP/2, reset the stream. */
        void closeConnection();

        /**
         * Answer with the engine's own page and one extra header ({@code WWW-Authenticate} for 401,
         * {@code Retry-After} for 429).
         */
        void reject(ErrorPage page, AsciiString header, CharSequence value);

        /**
         * The client's address: the connection's peer, or the client a trusted load balancer's
         * PROXY protocol header named. (A site's trusted proxies in front are the router's business.)
         */
        InetSocketAddress clientAddress();

        /**
         * Refuse the request body beyond this many bytes: a larger Content-Length was already
         * rejected by the router; a chunked body growing past it ends the exchange with 413 (or a
         * closed connection once the response has started), and its backend connection is dropped.
         */
        void limitRequestBody(long maxBytes);

        /**
         * The router cannot decide yet (a password is being checked off the event loop): hold the
         * request, reading no more of the connection, and {@link RequestRouter#route route} it again
         * on this connection's event loop once {@code check} completes. A check completing
         * exceptionally answers 503 with {@code Retry-After}.
         */
        void routeAgainAfter(CompletionStage<?> check);
    }
}
