package dev.gatehouse.engine.config;

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
 */
public record SiteDefinition(String id, List<String> hostnames, boolean enabled, List<RouteDefinition> routes,
                             String certificate, boolean forceHttps, HstsPolicy hsts) {

    public SiteDefinition {
        hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    /** A site without certificate, force-HTTPS or HSTS. */
    public SiteDefinition(String id, List<String> hostnames, boolean enabled, List<RouteDefinition> routes) {
        this(id, hostnames, enabled, routes, null, false, null);
    }
}
