package dev.gatehouse.storage.site;

/**
 * The TLS settings of a stored site.
 *
 * @param certificateId         id of the certificate served for the site's hostnames; null (the
 *                              default) = none of its own, the site keeps working on HTTP
 * @param forceHttps            redirect plain HTTP requests to HTTPS; default false
 * @param hstsMaxAgeSeconds     max-age of the Strict-Transport-Security header, at least 0; null
 *                              (the default) = HSTS off, no header
 * @param hstsIncludeSubDomains add {@code includeSubDomains} to the header; default false. Ignored
 *                              while {@code hstsMaxAgeSeconds} is null, but kept, so that switching
 *                              HSTS back on restores it
 * @param hstsPreload           add {@code preload} to the header; default false; ignored and kept
 *                              like {@code hstsIncludeSubDomains}
 */
public record SiteTls(Long certificateId, boolean forceHttps, Long hstsMaxAgeSeconds, boolean hstsIncludeSubDomains,
                      boolean hstsPreload) {

    /** No certificate, no redirect, no HSTS: a site as it was before it had TLS settings. */
    public static final SiteTls NONE = new SiteTls(null, false, null, false, false);

    /**
     * @throws IllegalArgumentException if {@code hstsMaxAgeSeconds} is negative
     */
    public SiteTls {
        if (hstsMaxAgeSeconds != null && hstsMaxAgeSeconds < 0) {
            throw new IllegalArgumentException("site HSTS max-age must be at least 0 seconds, got " + hstsMaxAgeSeconds);
        }
    }

    /** True when the Strict-Transport-Security header is sent. */
    public boolean hstsEnabled() {
        return hstsMaxAgeSeconds != null;
    }
}
