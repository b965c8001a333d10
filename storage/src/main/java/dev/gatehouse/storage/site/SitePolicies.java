package dev.gatehouse.storage.site;

/**
 * The stored request filters of a site. Storage only refuses what the schema cannot hold; the admin
 * application and the engine check the ranges with messages naming the field.
 *
 * @param accessListId  the access list guarding the site; null (the default) = everyone may reach it
 * @param rateLimit     requests per client IP; null (the default) = no limit
 * @param blockExploits refuse requests matching the engine's common-exploit rules; default true, also for
 *                      every site stored before sites had this setting
 * @param maxBodyBytes  the largest request body, 0 or more; 0 (the default) = no limit of the site's own
 * @param maxHeaderBytes the most header bytes a request may carry, 0 or more; 0 (the default) = the engine's
 * @param maxUrlLength  the longest request target, 0 or more; 0 (the default) = the engine's
 */
public record SitePolicies(Long accessListId, SiteRateLimit rateLimit, boolean blockExploits, long maxBodyBytes,
                           int maxHeaderBytes, int maxUrlLength) {

    /** No access list, no rate limit, exploits blocked, no size limits: a site as it was before it had these. */
    public static final SitePolicies DEFAULT = new SitePolicies(null, null, true, 0, 0, 0);

    /** @throws IllegalArgumentException if a size limit is negative */
    public SitePolicies {
        if (maxBodyBytes < 0 || maxHeaderBytes < 0 || maxUrlLength < 0) {
            throw new IllegalArgumentException("site size limits must be 0 (none) or more, got body " + maxBodyBytes
                    + ", headers " + maxHeaderBytes + ", URL " + maxUrlLength);
        }
    }

    /**
     * A per-client-IP rate limit: {@code requests} per {@code periodSeconds} on average, {@code burst} more at once.
     *
     * @param requests      1 or more
     * @param periodSeconds 1 or more
     * @param burst         0 or more
     */
    public record SiteRateLimit(int requests, int periodSeconds, int burst) {

        /** @throws IllegalArgumentException if a value is out of what the schema holds */
        public SiteRateLimit {
            if (requests < 1 || periodSeconds < 1 || burst < 0) {
                throw new IllegalArgumentException("a site rate limit needs requests >= 1, periodSeconds >= 1 and burst >= 0,"
                        + " got " + requests + ", " + periodSeconds + ", " + burst);
            }
        }
    }
}
