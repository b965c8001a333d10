package dev.gatehouse.admin.backend;

import dev.gatehouse.admin.backend.BackendCommand.HealthCheckCommand;
import dev.gatehouse.admin.backend.BackendCommand.LimitsCommand;
import dev.gatehouse.admin.backend.BackendCommand.PassiveHealthCommand;
import dev.gatehouse.admin.backend.BackendCommand.ServerCommand;
import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.config.ConfigPublisher;
import dev.gatehouse.admin.config.ConfigPublisher.Change;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendConnectionLimits;
import dev.gatehouse.storage.backend.BackendHealthCheck;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.backend.BackendSettings;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.site.SiteRepository;
import dev.gatehouse.storage.stream.StreamRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Backends: list, read, and writes that are validated, stored and made live in one step
 * ({@link ConfigPublisher}). Every method is non-blocking; JDBC runs on bounded-elastic threads.
 */
@Service
public class BackendService {

    private final BackendRepository backends;
    private final SiteRepository sites;
    private final StreamRepository streams;
    private final ConfigPublisher publisher;

    public BackendService(BackendRepository backends, SiteRepository sites, StreamRepository streams,
                          ConfigPublisher publisher) {
        this.backends = backends;
        this.sites = sites;
        this.streams = streams;
        this.publisher = publisher;
    }

    /** Every backend, ordered by name. */
    public Flux<BackendView> list() {
        return Blocking.flux(() -> {
            // redirect sites have no backend (and groupingBy refuses a null key)
            Map<Long, List<String>> usage = sites.findAll().stream().filter(site -> site.backendId() != null)
                    .collect(Collectors.groupingBy(
                    Site::backendId, Collectors.mapping(BackendService::label, Collectors.toList())));
            return backends.findAll().stream()
                    .map(backend -> view(backend, usage.getOrDefault(backend.id(), List.of())))
                    .toList();
        });
    }

    /** @throws NotFoundException (as the Mono's error) when there is no such backend */
    public Mono<BackendView> get(long id) {
        return Blocking.mono(() -> view(require(id)));
    }

    public Mono<BackendView> create(BackendCommand command, String actor) {
        return publisher.publish(actor, () -> {
            BackendCommand valid = BackendValidator.normalize(command);
            requireFreeName(valid.name(), null);
            Backend created = backends.insert(valid.name(), servers(valid), settings(valid));
            return new Change<>(view(created, List.of()), "created backend " + created.name());
        });
    }

    /**
     * Replaces name, servers and settings; sites follow a renamed backend because they refer to its id.
     * Fields the command leaves null take their defaults: this is a replacement, not a patch.
     */
    public Mono<BackendView> update(long id, BackendCommand command, String actor) {
        return publisher.publish(actor, () -> {
            Backend before = require(id);
            BackendView updated = replace(id, command);
            String summary = before.name().equals(updated.name())
                    ? "updated backend " + updated.name()
                    : "updated backend " + updated.name() + " (renamed from " + before.name() + ")";
            return new Change<>(updated, summary);
        });
    }

    /**
     * Drains one server (it takes no new requests; those in flight finish) or puts it back, by
     * editing the stored backend like {@link #update} does: validated, stored and live in one step.
     *
     * @param address the server's {@code host:port} (or {@code https://host:port}), compared in canonical
     *     form and ignoring case
     * @throws ValidationException (as the Mono's error) on field {@code address} when it is blank
     * @throws NotFoundException (as the Mono's error) naming the address when the backend has no such server
     */
    public Mono<BackendView> setDrained(long id, String address, boolean drained, String actor) {
        return publisher.publish(actor, () -> {
            if (address == null || address.isBlank()) {
                throw new ValidationException("address", "address is required: the host:port of one of the "
                        + "backend's servers, e.g. 10.0.0.1:8080");
            }
            Backend before = require(id);
            String wanted = canonical(address);
            List<BackendServer> servers = new ArrayList<>(before.servers());
            int index = -1;
            for (int i = 0; i < servers.size() && index < 0; i++) {
                if (servers.get(i).address().equalsIgnoreCase(wanted)) {
                    index = i;
                }
            }
            if (index < 0) {
                throw new NotFoundException("backend '" + before.name() + "' has no server '" + address.strip()
                        + "'; its servers are " + String.join(", ", before.addresses()));
            }
            BackendServer server = servers.get(index);
            servers.set(index, server.withDrained(drained));
            BackendView updated = replace(id, command(before.name(), servers, before.settings()));
            return new Change<>(updated, (drained ? "drained" : "undrained") + " server " + server.address()
                    + " of backend " + before.name());
        });
    }

    /** The one write path of an existing backend: validate, check the name, store. */
    private BackendView replace(long id, BackendCommand command) {
        BackendCommand valid = BackendValidator.normalize(command);
        requireFreeName(valid.name(), id);
        Backend updated = backends.update(id, valid.name(), servers(valid), settings(valid))
                .orElseThrow(() -> notFound(id));
        return view(updated);
    }

    /** @throws ConflictException on field {@code name} while a site routes to the backend or a stream forwards to it */
    public Mono<Void> delete(long id, String actor) {
        return publisher.<Void>publish(actor, () -> {
            Backend backend = require(id);
            List<String> users = sites.findByBackendId(id).stream().map(BackendService::label).toList();
            if (!users.isEmpty()) {
                throw new ConflictException("name", "backend '" + backend.name() + "' is used by site(s) "
                        + String.join(", ", users) + "; point them at another backend or delete them first");
            }
            List<String> ports = streams.findByBackendId(id).stream()
                    .map(stream -> Integer.toString(stream.settings().listenPort())).toList();
            if (!ports.isEmpty()) {
                throw new ConflictException("name", "backend '" + backend.name() + "' is used by the stream(s) on port(s) "
                        + String.join(", ", ports) + "; point them at another backend or delete them first");
            }
            backends.delete(id);
            return new Change<>(null, "deleted backend " + backend.name());
        });
    }

    private Backend require(long id) {
        return backends.findById(id).orElseThrow(() -> notFound(id));
    }

    private void requireFreeName(String name, Long ownId) {
        Optional<Backend> existing = backends.findByName(name);
        if (existing.isPresent() && (ownId == null || existing.get().id() != ownId)) {
            throw new ConflictException("name", "a backend named '" + name + "' already exists (backend "
                    + existing.get().id() + ")");
        }
    }

    private BackendView view(Backend backend) {
        return view(backend, sites.findByBackendId(backend.id()).stream().map(BackendService::label).toList());
    }

    private static BackendView view(Backend backend, List<String> usedBySites) {
        return new BackendView(backend.id(), backend.name(), backend.servers(), backend.settings(), usedBySites,
                backend.createdAt(), backend.updatedAt());
    }

    /** A valid (normalized) command as stored servers. */
    private static List<BackendServer> servers(BackendCommand valid) {
        return valid.servers().stream()
                .map(server -> new BackendServer(server.address(), server.weight(), server.backup(), server.drained(),
                        ServerAddress.HTTPS.equals(server.scheme()), server.verifyTls(), server.tlsServerName()))
                .toList();
    }

    /** A valid (normalized) command's settings as stored; every value but the timeouts is filled in. */
    private static BackendSettings settings(BackendCommand valid) {
        HealthCheckCommand check = valid.healthCheck();
        BackendHealthCheck healthCheck = check == null ? null : new BackendHealthCheck(check.path(), check.intervalMs(),
                check.timeoutMs(), check.expectedStatusMin(), check.expectedStatusMax(), check.healthyThreshold(),
                check.unhealthyThreshold());
        LimitsCommand limits = valid.limits();
        return new BackendSettings(valid.balancing(), valid.connectTimeoutMs(), valid.responseTimeoutMs(),
                valid.maxRetries(), valid.passiveHealth().maxFailures(), valid.passiveHealth().ejectForSeconds(),
                healthCheck, new BackendConnectionLimits(limits.idleTimeoutMs(), limits.maxConnectionsPerServer(),
                        limits.queueSize(), limits.queueTimeoutMs()), valid.protocol());
    }

    /** The command that stores exactly this backend again. */
    static BackendCommand command(String name, List<BackendServer> servers, BackendSettings settings) {
        BackendHealthCheck check = settings.healthCheck();
        BackendConnectionLimits limits = settings.limits();
        return new BackendCommand(name,
                servers.stream().map(BackendService::command).toList(),
                settings.balancing(), settings.connectTimeoutMs(), settings.responseTimeoutMs(), settings.maxRetries(),
                new PassiveHealthCommand(settings.passiveMaxFailures(), settings.passiveEjectSeconds()),
                check == null ? null : new HealthCheckCommand(check.path(), check.intervalMs(), check.timeoutMs(),
                        check.expectedStatusMin(), check.expectedStatusMax(), check.healthyThreshold(),
                        check.unhealthyThreshold()),
                new LimitsCommand(limits.idleTimeoutMs(), limits.maxConnectionsPerServer(), limits.queueSize(),
                        limits.queueTimeoutMs()), settings.protocol());
    }

    private static ServerCommand command(BackendServer server) {
        return new ServerCommand(server.address(), server.weight(), server.backup(), server.drained(),
                server.tls() ? ServerAddress.HTTPS : ServerAddress.HTTP, server.verifyTls(), server.tlsServerName());
    }

    /**
     * The stored form of an address as typed: "[::1]:80" for "[::1]:80", "app:443" for "https://app:443",
     * the text itself when it does not parse.
     */
    private static String canonical(String address) {
        try {
            return ServerAddress.parse(address).address();
        } catch (IllegalArgumentException notAnAddress) {
            return address.strip().toLowerCase(Locale.ROOT);
        }
    }

    /** How a site is named to people: its first hostname. */
    static String label(Site site) {
        return site.hostnames().isEmpty() ? "site " + site.id() : site.hostnames().get(0);
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("there is no backend with id " + id);
    }
}
