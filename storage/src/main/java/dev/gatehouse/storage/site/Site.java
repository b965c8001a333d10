package dev.gatehouse.storage.site;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored site: the hostnames it answers for and the backend it forwards to.
 *
 * @param id        database identity
 * @param hostnames lower-case hostnames, exact or {@code *.example.com}, in the order entered;
 *                  each belongs to this site only
 * @param backendId id of the backend requests are forwarded to
 * @param enabled   false keeps the site stored but out of the live configuration
 * @param createdAt when the site was first stored (UTC)
 * @param updatedAt when the site was last changed (UTC); equals {@code createdAt} until then
 */
public record Site(long id, List<String> hostnames, long backendId, boolean enabled, Instant createdAt, Instant updatedAt) {

    public Site {
        hostnames = List.copyOf(hostnames);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
