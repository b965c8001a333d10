package dev.gatehouse.engine.config;

import java.time.Duration;
import java.util.List;

/**
 * A virtual host: requests whose Host matches one of {@link #hostnames()} are routed by the longest
 * matching {@link RouteDefinition#pathPrefix()}.
 *
 * @param id stable identifier of the site (the storage id), used in error messages and metrics
 * @param hostnames exact names ({@code app.example.com}) or one leading wildcard label
 *     ({@code *.example.com}, matching exactly one more label); lower-case, no port. A hostname may
 *     belong to one enabled site only.
 * @param enabled a disabled site is kept in the snapshot but routes nothing
 * @param routes at least one route; a site created in the dashboard has one route {@code "/"}
 * @param certificate the {@link CertificateDefinition#name()} served on the HTTPS port for this site's
 *     host names (SNI); default null: no certificate of its own, HTTPS clients get the engine's
 *     default certificate and the site keeps working on HTTP
 * @param forceHttps default false; when true, plain-HTTP requests are redirected to HTTPS (301 for
 *     GET/HEAD, 308 otherwise) except ACME challenges. Needs a {@code certificate}
 * @param hsts default null (no header); otherwise responses over HTTPS (the engine's own error
 *     pages included) carry its Strict-Transport-Security header, replacing any the backend sends:
 *     the operator's policy wins. Never sent over plain HTTP (RFC 6797 8.1). Needs a {@code certificate}
 * @param websockets default false; when true, HTTP/1.1 WebSocket upgrades ({@code Upgrade: websocket})
 *     are passed to the backend and, once it answers 101, the connection carries the WebSocket both
 *     ways untouched. Off, the Upgrade header is dropped like any hop-by-hop header
 * @param websocketIdleTimeout a WebSocket with no traffic either way for this long is closed; default
 *     null = {@link #DEFAULT_WEBSOCKET_IDLE_TIMEOUT}
 * @param redirect default null; when set the site is a "redirection host": every request is answered
 *     with this redirect and nothing is forwarded, so it needs no routes
 * @param headers Host passing and header changes both ways; default (null) {@link HeaderPolicy#DEFAULT}
 * @param http2 default true: HTTPS clients of this site's host names are offered HTTP/2 and HTTP/1.1 by
 *     ALPN; false: only HTTP/1.1, for apps that misbehave behind HTTP/2. Chosen by the TLS server name,
 *     so a client without SNI gets the default (both). Cleartext HTTP/2 (h2c prior knowledge) on the
 *     HTTP port stays accepted, as the host is not known yet when its preface arrives
 * @param policies access list, rate limit, exploit blocking and size limits; default (null)
 *     {@link SitePolicies#DEFAULT}: exploits blocked, nothing else
 */
public record SiteDefinition(String id, List<String> hostnames, boolean enabled, List<RouteDefinition> routes,
                             String certificate, boolean forceHttps, HstsPolicy hsts, boolean websockets,
                             Duration websocketIdleTimeout, RedirectDefinition redirect, HeaderPolicy headers,
                             boolean http2, SitePolicies policies) {

    /** Default of {@link #websocketIdleTimeout()}: 10 minutes, longer than the pings of common apps. */
    public static final Duration DEFAULT_WEBSOCKET_IDLE_TIMEOUT = Duration.ofMinutes(10);

    public SiteDefinition {
        hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
        routes = routes == null ? List.of() : List.copyOf(routes);
        websocketIdleTimeout = websocketIdleTimeout == null ? DEFAULT_WEBSOCKET_IDLE_TIMEOUT : websocketIdleTimeout;
        headers = headers == null ? HeaderPolicy.DEFAULT : headers;
        policies = policies == null ? SitePolicies.DEFAULT : policies;
    }

    /** A site with the default policies. */
    public SiteDefinition(String id, List<String> hostnames, boolean enabled, List<RouteDefinition> routes,
                          String certificate, boolean forceHttps, HstsPolicy hsts, boolean websockets,
                          Duration websocketIdleTimeout, RedirectDefinition redirect, HeaderPolicy headers,
                          boolean http2) {
        this(id, hostnames, enabled, routes, certificate, forceHttps, hsts, websockets, websocketIdleTimeout, redirect,
                headers, http2, null);
    }

    /** This site with other policies. */
    public SiteDefinition withPolicies(SitePolicies policies) {
        return new SiteDefinition(id, hostnames, enabled, routes, certificate, forceHttps, hsts, websockets,
                websocketIdleTimeout, redirect, headers, http2, policies);
    }

    /** A site with HTTP/2 on. */
    public SiteDefinition(String id, List<String> hostnames, boolean enabled, List<RouteDefinition> routes,
                          String certificate, boolean forceHttps, HstsPolicy hsts, boolean websockets,
                          Duration websocketIdleTimeout, RedirectDefinition redirect, HeaderPolicy headers) {
        this(id, hostnames, enabled, routes, certificate, forceHttps, hsts, websockets, websocketIdleTimeout, redirect,
                headers, true);
    }

    /** A site with the default header policy. */
    public SiteDefinition(String id, List<String> hostnames, boolean enabled, List<RouteDefinition> routes,
                          String certificate, boolean forceHttps, HstsPolicy hsts, boolean websockets,
                          Duration websocketIdleTimeout, RedirectDefinition redirect) {
        this(id, hostnames, enabled, routes, certificate, forceHttps, hsts, websockets, websocketIdleTimeout, redirect, null);
    }

    /** This site with another header policy. */
    public SiteDefinition withHeaders(HeaderPolicy headers) {
        return new SiteDefinition(id, hostnames, enabled, routes, certificate, forceHttps, hsts, websockets,
                websocketIdleTimeout, redirect, headers, http2, policies);
    }

    /** This site with HTTP/2 over TLS offered or not. */
    public SiteDefinition withHttp2(boolean on) {
        return new SiteDefinition(id, hostnames, enabled, routes, certificate, forceHttps, hsts, websockets,
                websocketIdleTimeout, redirect, headers, on, policies);
    }

    /** A site that forwards (no redirect). */
    public SiteDefinition(String id, List<String> hostnames, boolean enabled, List<RouteDefinition> routes,
                          String certificate, boolean forceHttps, HstsPolicy hsts, boolean websockets,
                          Duration websocketIdleTimeout) {
        this(id, hostnames, enabled, routes, certificate, forceHttps, hsts, websockets, websocketIdleTimeout, null);
    }

    /** A redirection host: every request for these host names is redirected, nothing is forwarded. */
    public static SiteDefinition redirecting(String id, List<String> hostnames, RedirectDefinition redirect) {
        return new SiteDefinition(id, hostnames, true, List.of(), null, false, null, false, null, redirect, null);
    }

    /** A site without WebSockets. */
    public SiteDefinition(String id, List<String> hostnames, boolean enabled, List<RouteDefinition> routes,
                          String certificate, boolean forceHttps, HstsPolicy hsts) {
        this(id, hostnames, enabled, routes, certificate, forceHttps, hsts, false, null);
    }

    /** This site with WebSockets on or off, closed after {@code idleTimeout} (null: the default) without traffic. */
    public SiteDefinition withWebsockets(boolean on, Duration idleTimeout) {
        return new SiteDefinition(id, hostnames, enabled, routes, certificate, forceHttps, hsts, on, idleTimeout, redirect,
                headers, http2, policies);
    }

    /** A site without certificate, force-HTTPS or HSTS. */
    public SiteDefinition(String id, List<String> hostnames, boolean enabled, List<RouteDefinition> routes) {
        this(id, hostnames, enabled, routes, null, false, null);
    }
}
