package dev.gatehouse.storage.site;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored site: the hostnames it answers for, the backend it forwards to and its TLS settings.
 *
 * @param id        database identity
 * @param hostnames lower-case hostnames, exact or {@code *.example.com}, in the order entered;
 *                  each belongs to this site only
 * @param backendId id of the backend requests are forwarded to
 * @param enabled   false keeps the site stored but out of the live configuration
 * @param createdAt when the site was first stored (UTC)
 * @param updatedAt when the site was last changed (UTC); equals {@code createdAt} until then
 * @param tls       certificate, force-HTTPS and HSTS settings; null is read as {@link SiteTls#NONE}
 */
public record Site(long id, List<String> hostnames, long backendId, boolean enabled, Instant createdAt, Instant updatedAt,
                   SiteTls tls) {

    public Site {
        hostnames = List.copyOf(hostnames);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        tls = tls == null ? SiteTls.NONE : tls;
    }

    /** A site without TLS settings ({@link SiteTls#NONE}); kept for callers written before sites had them. */
    public Site(long id, List<String> hostnames, long backendId, boolean enabled, Instant createdAt, Instant updatedAt) {
        this(id, hostnames, backendId, enabled, createdAt, updatedAt, SiteTls.NONE);
    }
}
