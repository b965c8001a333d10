package dev.gatehouse.storage.backend;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored backend: a named pool of servers and how requests are spread over them.
 *
 * @param id        database identity
 * @param name      unique, case-sensitive name, e.g. {@code app}
 * @param servers   the servers in the order they were entered
 * @param settings  balancing, timeouts, retries, health checks and connection limits; null is read as
 *                  {@link BackendSettings#DEFAULT}
 * @param createdAt when the backend was first stored (UTC)
 * @param updatedAt when the backend was last changed (UTC); equals {@code createdAt} until then
 */
public record Backend(long id, String name, List<BackendServer> servers, BackendSettings settings, Instant createdAt,
                      Instant updatedAt) {

    public Backend {
        Objects.requireNonNull(name, "name");
        servers = List.copyOf(servers);
        settings = settings == null ? BackendSettings.DEFAULT : settings;
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** The servers' {@code host:port} addresses, in order. */
    public List<String> addresses() {
        return servers.stream().map(BackendServer::address).toList();
    }
}
