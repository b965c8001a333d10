package dev.gatehouse.admin.backend;

import java.time.Instant;
import java.util.List;

/**
 * A stored backend as the dashboard and the API show it.
 *
 * @param servers normalized {@code host:port} entries, in order
 * @param usedBySites the first hostname of each site routing to this backend, by site id; a backend
 *     with any cannot be deleted
 */
public record BackendView(long id, String name, List<String> servers, List<String> usedBySites, Instant createdAt,
                          Instant updatedAt) {

    public BackendView {
        servers = List.copyOf(servers);
        usedBySites = List.copyOf(usedBySites);
    }

    public boolean inUse() {
        return !usedBySites.isEmpty();
    }
}
