package dev.gatehouse.admin.site;

import java.time.Instant;
import java.util.List;

/**
 * A stored site as the dashboard and the API show it.
 *
 * @param hostnames lower-case, in the order entered
 * @param backend the name of the backend it routes to
 */
public record SiteView(long id, List<String> hostnames, String backend, boolean enabled, Instant createdAt,
                       Instant updatedAt) {

    public SiteView {
        hostnames = List.copyOf(hostnames);
    }
}
