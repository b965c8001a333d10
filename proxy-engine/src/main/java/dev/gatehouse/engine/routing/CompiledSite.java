package dev.gatehouse.engine.routing;

import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.engine.config.RedirectDefinition;
import dev.gatehouse.engine.policy.SitePolicy;
import io.netty.util.AsciiString;

import java.util.Comparator;
import java.util.List;

/**
 * An enabled site in a {@link RoutingTable}: its routes ordered longest prefix first, so the first
 * match is the longest match, and the per-site options a request needs, found with the same host
 * lookup as the routes.
 */
public final class CompiledSite<B> {

    private final String id;
    private final Route<B>[] routesLongestFirst;
    private final String certificate;
    private final boolean forceHttps;
    private final AsciiString strictTransportSecurity;
    private final long websocketIdleNanos;
    private final RedirectDefinition redirect;
    private final CompiledHeaders headers;
    private final SitePolicy policy;

    CompiledSite(String id, List<Route<B>> routes) {
        this(id, routes, null, false, null, 0, null, null, null);
    }

    @SuppressWarnings("unchecked")
    /** @param websocketIdleNanos 0 when the site does not pass WebSockets, else their idle timeout */
    CompiledSite(String id, List<Route<B>> routes, String certificate, boolean forceHttps, String strictTransportSecurity,
                 long websocketIdleNanos, RedirectDefinition redirect, HeaderPolicy headers, SitePolicy policy) {
        this.headers = CompiledHeaders.of(headers);
        this.policy = policy;
        this.websocketIdleNanos = websocketIdleNanos;
        this.redirect = redirect;
        this.id = id;
        this.routesLongestFirst = routes.stream()
                .sorted(Comparator.comparingInt((Route<B> r) -> r.pathPrefix().length()).reversed())
                .toArray(Route[]::new);
        this.certificate = certificate;
        this.forceHttps = forceHttps;
        // Built once here so a response over TLS sets a constant, with no string work per request.
        this.strictTransportSecurity = strictTransportSecurity == null ? null : AsciiString.cached(strictTransportSecurity);
    }

    /** The site's id. */
    public String id() {
        return id;
    }

    /** The longest route matching the path, or null. */
    public Route<B> route(String path) {
        for (Route<B> route : routesLongestFirst) {
            if (PathPrefix.matches(route.pathPrefix(), path)) {
                return route;
            }
        }
        return null;
    }

    /** The name of the certificate the site is served with, or null for the engine's default one. */
    public String certificate() {
        return certificate;
    }

    /** Plain-HTTP requests are redirected to HTTPS. */
    public boolean forceHttps() {
        return forceHttps;
    }

    /** Host passing and header changes, or null for the default (pass Host, change nothing). */
    public CompiledHeaders headers() {
        return headers;
    }

    /** Limits, exploit blocking, access list and rate limit to check, or null when there is nothing to check. */
    public SitePolicy policy() {
        return policy;
    }

    /** The redirect every request gets (a redirection host), or null for a forwarding site. */
    public RedirectDefinition redirect() {
        return redirect;
    }

    /** 0 when WebSocket upgrades are not passed; else how long an idle WebSocket stays open. */
    public long websocketIdleNanos() {
        return websocketIdleNanos;
    }

    /** The Strict-Transport-Security value for responses over TLS, or null for none. */
    public AsciiString strictTransportSecurity() {
        return strictTransportSecurity;
    }
}
