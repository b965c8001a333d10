package dev.gatehouse.engine.routing;

import java.util.Comparator;
import java.util.List;

/**
 * An enabled site in a {@link RoutingTable}: its routes ordered longest prefix first, so the first
 * match is the longest match.
 */
final class CompiledSite<B> {

    private final String id;
    private final Route<B>[] routesLongestFirst;

    @SuppressWarnings("unchecked")
    CompiledSite(String id, List<Route<B>> routes) {
        this.id = id;
        this.routesLongestFirst = routes.stream()
                .sorted(Comparator.comparingInt((Route<B> r) -> r.pathPrefix().length()).reversed())
                .toArray(Route[]::new);
    }

    String id() {
        return id;
    }

    Route<B> route(String path) {
        for (Route<B> route : routesLongestFirst) {
            if (PathPrefix.matches(route.pathPrefix(), path)) {
                return route;
            }
        }
        return null;
    }
}
