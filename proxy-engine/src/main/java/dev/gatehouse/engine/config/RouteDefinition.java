package dev.gatehouse.engine.config;

/**
 * Inside a site: requests whose path starts with {@link #pathPrefix()} go to {@link #backend()}.
 *
 * @param pathPrefix starts with '/'; {@code "/"} matches every path. {@code "/api"} matches
 *     {@code /api}, {@code /api/} and {@code /api/x} but not {@code /apix}.
 * @param backend the name of a {@link BackendDefinition} in the same snapshot
 */
public record RouteDefinition(String pathPrefix, String backend) {
}
