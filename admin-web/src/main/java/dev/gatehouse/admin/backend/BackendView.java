package dev.gatehouse.admin.backend;

import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.backend.BackendSettings;
import java.time.Instant;
import java.util.List;

/**
 * A stored backend as the dashboard and the API show it.
 *
 * @param servers normalized {@code host:port} entries with their weight, backup and drained flags and, for
 *     https servers, the certificate check and TLS name, in order
 * @param settings balancing, timeouts (null = the engine's default), retries, health checks, connection limits
 *     and protocol
 * @param usedBySites the first hostname of each site routing to this backend, by site id; a backend
 *     with any cannot be deleted
 */
public record BackendView(long id, String name, List<BackendServer> servers, BackendSettings settings,
                          List<String> usedBySites, Instant createdAt, Instant updatedAt) {

    public BackendView {
        servers = List.copyOf(servers);
        settings = settings == null ? BackendSettings.DEFAULT : settings;
        usedBySites = List.copyOf(usedBySites);
    }

    /** A backend of these addresses with every setting at its default. */
    public BackendView(long id, String name, List<String> addresses, List<String> usedBySites, Instant createdAt,
                       Instant updatedAt) {
        this(id, name, addresses.stream().map(BackendServer::of).toList(), BackendSettings.DEFAULT, usedBySites,
                createdAt, updatedAt);
    }

    public boolean inUse() {
        return !usedBySites.isEmpty();
    }

    /** The servers' {@code host:port} addresses, in order. */
    public List<String> addresses() {
        return servers.stream().map(BackendServer::address).toList();
    }

    /** The policy as people read it, e.g. "Least connections". */
    public String balancingLabel() {
        return BalancingChoice.label(settings.balancing());
    }

    /** The protocol as people read it: "HTTP/1.1" or "HTTP/2". */
    public String protocolLabel() {
        return ProtocolChoice.label(settings.protocol());
    }

    /** Whether the servers are spoken to in HTTP/2 (the list shows a badge: WebSockets do not reach them). */
    public boolean http2() {
        return BackendProtocol.HTTP2.configName().equals(settings.protocol());
    }
}
