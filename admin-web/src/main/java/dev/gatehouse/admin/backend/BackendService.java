package dev.gatehouse.admin.backend;

import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.config.ConfigPublisher;
import dev.gatehouse.admin.config.ConfigPublisher.Change;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.site.SiteRepository;
import java.util.List;
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
    private final ConfigPublisher publisher;

    public BackendService(BackendRepository backends, SiteRepository sites, ConfigPublisher publisher) {
        this.backends = backends;
        this.sites = sites;
        this.publisher = publisher;
    }

    /** Every backend, ordered by name. */
    public Flux<BackendView> list() {
        return Blocking.flux(() -> {
            Map<Long, List<String>> usage = sites.findAll().stream().collect(Collectors.groupingBy(
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
            Backend created = backends.insert(valid.name(), valid.servers());
            return new Change<>(view(created, List.of()), "created backend " + created.name());
        });
    }

    /** Replaces name and servers; sites follow a renamed backend because they refer to its id. */
    public Mono<BackendView> update(long id, BackendCommand command, String actor) {
        return publisher.publish(actor, () -> {
            Backend before = require(id);
            BackendCommand valid = BackendValidator.normalize(command);
            requireFreeName(valid.name(), id);
            Backend updated = backends.update(id, valid.name(), valid.servers())
                    .orElseThrow(() -> notFound(id));
            String summary = before.name().equals(updated.name())
                    ? "updated backend " + updated.name()
                    : "updated backend " + updated.name() + " (renamed from " + before.name() + ")";
            return new Change<>(view(updated), summary);
        });
    }

    /** @throws ConflictException on field {@code name} while any site routes to the backend */
    public Mono<Void> delete(long id, String actor) {
        return publisher.<Void>publish(actor, () -> {
            Backend backend = require(id);
            List<String> users = sites.findByBackendId(id).stream().map(BackendService::label).toList();
            if (!users.isEmpty()) {
                throw new ConflictException("name", "backend '" + backend.name() + "' is used by site(s) "
                        + String.join(", ", users) + "; point them at another backend or delete them first");
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
        return new BackendView(backend.id(), backend.name(), backend.servers(), usedBySites, backend.createdAt(),
                backend.updatedAt());
    }

    /** How a site is named to people: its first hostname. */
    static String label(Site site) {
        return site.hostnames().isEmpty() ? "site " + site.id() : site.hostnames().get(0);
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("there is no backend with id " + id);
    }
}
