package dev.gatehouse.engine.config;

/**
 * The request filters of a site, applied to every request after the site is found and before a
 * backend is chosen, in this order: request limits, exploit blocking, access list, rate limit.
 *
 * @param accessList the {@link AccessListDefinition#name()} of the access list guarding the site;
 *     default null: everyone may reach it
 * @param rateLimit requests per client IP; default null: no limit
 * @param blockExploits refuse requests matching the common-exploit rules (path traversal, {@code /.env},
 *     {@code /.git/}, scanner paths, SQL-injection and XSS probes in the query) with 403, after
 *     percent-decoding and normalising the path; default true
 * @param limits size limits; default (null) {@link RequestLimits#NONE}
 */
public record SitePolicies(String accessList, RateLimitDefinition rateLimit, boolean blockExploits, RequestLimits limits) {

    /** No access list, no rate limit, exploits blocked, no size limits of the site's own. */
    public static final SitePolicies DEFAULT = new SitePolicies(null, null, true, null);

    public SitePolicies {
        limits = limits == null ? RequestLimits.NONE : limits;
    }
}
