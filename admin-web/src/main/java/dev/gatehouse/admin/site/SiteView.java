package dev.gatehouse.admin.site;

import java.time.Instant;
import java.util.List;

/**
 * A stored site as the dashboard and the API show it.
 *
 * @param hostnames lower-case, in the order entered
 * @param backend the name of the backend it routes to
 * @param certificate the name of its certificate, or null when it is served over HTTP only
 * @param hstsMaxAgeSeconds the HSTS max-age, or null when the site sends no HSTS header
 */
public record SiteView(long id, List<String> hostnames, String backend, boolean enabled, String certificate,
                       boolean forceHttps, Long hstsMaxAgeSeconds, boolean hstsIncludeSubDomains, boolean hstsPreload,
                       Instant createdAt, Instant updatedAt) {

    public SiteView {
        hostnames = List.copyOf(hostnames);
    }

    /** A site served over HTTP only. */
    public SiteView(long id, List<String> hostnames, String backend, boolean enabled, Instant createdAt,
                    Instant updatedAt) {
        this(id, hostnames, backend, enabled, null, false, null, false, false, createdAt, updatedAt);
    }

    /** Whether the site sends {@code Strict-Transport-Security}. */
    public boolean hsts() {
        return hstsMaxAgeSeconds != null;
    }
}
