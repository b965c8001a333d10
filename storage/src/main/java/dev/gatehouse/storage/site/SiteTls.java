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
 * @param http2                 offer HTTP/2 to HTTPS clients (ALPN); default true; false = HTTP/1.1
 *                              only. Applies with or without a certificate of its own, since HTTPS
 *                              clients of a site without one get the default certificate
 */
public record SiteTls(Long certificateId, boolean forceHttps, Long hstsMaxAgeSeconds, boolean hstsIncludeSubDomains,
                      boolean hstsPreload, boolean http2) {

    /** No certificate, no redirect, no HSTS, HTTP/2 on: a site as it was before it had TLS settings. */
    public static final SiteTls NONE = new SiteTls(null, false, null, false, false, true);

    /**
     * @throws IllegalArgumentException if {@code hstsMaxAgeSeconds} is negative
     */
    public SiteTls {
        if (hstsMaxAgeSeconds != null && hstsMaxAgeSeconds < 0) {
            throw new IllegalArgumentException("site HSTS max-age must be at least 0 seconds, got " + hstsMaxAgeSeconds);
        }
    }

    /** Settings with HTTP/2 on, as sites had before it could be switched off. */
    public SiteTls(Long certificateId, boolean forceHttps, Long hstsMaxAgeSeconds, boolean hstsIncludeSubDomains,
                   boolean hstsPreload) {
        this(certificateId, forceHttps, hstsMaxAgeSeconds, hstsIncludeSubDomains, hstsPreload, true);
    }

    /** True when the Strict-Transport-Security header is sent. */
    public boolean hstsEnabled() {
        return hstsMaxAgeSeconds != null;
    }
}
