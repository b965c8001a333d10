package dev.gatehouse.storage.backend;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored backend: a named pool of servers.
 *
 * @param id        database identity
 * @param name      unique, case-sensitive name, e.g. {@code app}
 * @param servers   server addresses {@code host:port} in the order they were entered
 * @param createdAt when the backend was first stored (UTC)
 * @param updatedAt when the backend was last changed (UTC); equals {@code createdAt} until then
 */
public record Backend(long id, String name, List<String> servers, Instant createdAt, Instant updatedAt) {

    public Backend {
        Objects.requireNonNull(name, "name");
        servers = List.copyOf(servers);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
