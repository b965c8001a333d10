package dev.gatehouse.engine.policy;

import dev.gatehouse.engine.config.RequestLimits;
import dev.gatehouse.engine.config.SitePolicies;

/**
 * A site's {@link SitePolicies} ready for the request path. Null stands for "nothing to check"
 * (blocking off, no access list, no rate limit, no limits), so such a site costs nothing per request.
 *
 * @param maxBodyBytes 0 for no limit of the site's own
 * @param maxHeaderBytes 0 for no limit of the site's own
 * @param maxUrlLength 0 for no limit of the site's own
 * @param access the compiled access list, or null
 * @param rateLimiter the site's limiter (carried over applies while its definition is unchanged), or null
 */
public record SitePolicy(long maxBodyBytes, int maxHeaderBytes, int maxUrlLength, boolean blockExploits,
                         AccessControl access, RateLimiter rateLimiter) {

    /** Null when the policies check nothing. */
    public static SitePolicy of(SitePolicies policies, AccessControl access, RateLimiter rateLimiter) {
        RequestLimits limits = policies.limits();
        if (!policies.blockExploits() && access == null && rateLimiter == null && limits.none()) {
            return null;
        }
        return new SitePolicy(limits.maxBodyBytes(), limits.maxHeaderBytes(), limits.maxUrlLength(), policies.blockExploits(),
                access, rateLimiter);
    }
}
