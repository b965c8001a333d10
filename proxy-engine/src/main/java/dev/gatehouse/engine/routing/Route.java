package dev.gatehouse.engine.routing;

/**
 * A compiled route: requests of a site whose path falls under {@link #pathPrefix()} go to
 * {@link #backend()}.
 *
 * @param <B> the runtime form of a backend (its pools), chosen by whoever compiles the table
 * @param siteId the site the route belongs to, for logs and metrics
 * @param pathPrefix see {@link PathPrefix#matches}
 * @param backend the runtime backend requests are forwarded to
 */
public record Route<B>(String siteId, String pathPrefix, B backend) {
}
