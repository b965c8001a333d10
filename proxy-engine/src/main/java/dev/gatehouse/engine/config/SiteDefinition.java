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
 */
public record SiteDefinition(String id, List<String> hostnames, boolean enabled, List<RouteDefinition> routes) {

    public SiteDefinition {
        hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
        routes = routes == null ? List.of() : List.copyOf(routes);
    }
}
