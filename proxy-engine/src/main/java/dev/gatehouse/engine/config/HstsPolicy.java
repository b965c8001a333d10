package dev.gatehouse.engine.config;

/**
 * HTTP Strict Transport Security for a site (RFC 6797): responses the site sends over HTTPS carry
 * {@code Strict-Transport-Security: }{@link #headerValue()}, telling browsers to use HTTPS only for
 * the next {@link #maxAgeSeconds()}.
 *
 * @param maxAgeSeconds how long browsers remember, 0 to 2<sup>31</sup>-1 seconds; 0 tells them to
 *     forget the policy. {@link #DEFAULT_MAX_AGE_SECONDS} (one year) is what the dashboard suggests
 * @param includeSubDomains the policy also covers every subdomain of the host name
 * @param preload asks to be put in the browsers' built-in HSTS list; hstspreload.org only accepts it
 *     with includeSubDomains and a max-age of at least one year, so those are required here too
 */
public record HstsPolicy(long maxAgeSeconds, boolean includeSubDomains, boolean preload) {

    /** One year, the minimum hstspreload.org accepts and the usual recommendation. */
    public static final long DEFAULT_MAX_AGE_SECONDS = 31_536_000;
    /** Largest max-age: browsers store it as a 32-bit signed number of seconds (about 68 years). */
    public static final long MAX_MAX_AGE_SECONDS = Integer.MAX_VALUE;

    public HstsPolicy {
        if (maxAgeSeconds < 0 || maxAgeSeconds > MAX_MAX_AGE_SECONDS) {
            throw new IllegalArgumentException("HSTS max-age " + maxAgeSeconds + " is out of range; expected 0-"
                    + MAX_MAX_AGE_SECONDS + " seconds (0 tells browsers to forget the policy)");
        }
        if (preload && !includeSubDomains) {
            throw new IllegalArgumentException("HSTS preload needs includeSubDomains (hstspreload.org requires it)");
        }
        if (preload && maxAgeSeconds < DEFAULT_MAX_AGE_SECONDS) {
            throw new IllegalArgumentException("HSTS preload needs a max-age of at least " + DEFAULT_MAX_AGE_SECONDS
                    + " seconds (one year), was " + maxAgeSeconds + " (hstspreload.org requires it)");
        }
    }

    /** The header value, e.g. {@code max-age=31536000; includeSubDomains; preload}. */
    public String headerValue() {
        return "max-age=" + maxAgeSeconds + (includeSubDomains ? "; includeSubDomains" : "") + (preload ? "; preload" : "");
    }
}
