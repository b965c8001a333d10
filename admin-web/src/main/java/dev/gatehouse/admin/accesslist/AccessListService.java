package dev.gatehouse.admin.accesslist;

import dev.gatehouse.admin.accesslist.AccessListValidator.Valid;
import dev.gatehouse.admin.accesslist.AccessListValidator.ValidUser;
import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.config.ConfigPublisher;
import dev.gatehouse.admin.config.ConfigPublisher.Change;
import dev.gatehouse.storage.accesslist.AccessList;
import dev.gatehouse.storage.accesslist.AccessListRepository;
import dev.gatehouse.storage.accesslist.AccessListSettings;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.site.SiteRepository;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Access lists: list, read, and writes that are validated, stored and made live in one step
 * ({@link ConfigPublisher}). New passwords are hashed with bcrypt on a bounded-elastic thread before the
 * write takes the publisher's lock, so hashing never holds up other changes or an event loop; the
 * passwords themselves are dropped once hashed and never stored, logged or returned. Every method is
 * non-blocking; JDBC runs on bounded-elastic threads.
 */
@Service
public class AccessListService {

    private final AccessListRepository lists;
    private final SiteRepository sites;
    private final ConfigPublisher publisher;
    private final BasicAuthPasswords passwords;

    public AccessListService(AccessListRepository lists, SiteRepository sites, ConfigPublisher publisher,
                             BasicAuthPasswords passwords) {
        this.lists = lists;
        this.sites = sites;
        this.publisher = publisher;
        this.passwords = passwords;
    }

    /** Every access list, ordered by name, with the sites using it. */
    public Flux<AccessListView> list() {
        return Blocking.flux(() -> {
            Map<Long, List<String>> usage = sites.findAll().stream()
                    .filter(site -> site.policies().accessListId() != null)
                    .collect(Collectors.groupingBy(site -> site.policies().accessListId(),
                            Collectors.mapping(AccessListService::label, Collectors.toList())));
            return lists.findAll().stream().map(list -> view(list, usage.getOrDefault(list.id(), List.of()))).toList();
        });
    }

    /** The names of every access list, ordered: the choices of the site form. */
    public Flux<String> names() {
        return Blocking.flux(() -> lists.findAll().stream().map(AccessList::name).toList());
    }

    /** @throws NotFoundException (as the Mono's error) when there is no such list */
    public Mono<AccessListView> get(long id) {
        return Blocking.mono(() -> view(require(id)));
    }

    public Mono<AccessListView> create(AccessListCommand command, String actor) {
        return Blocking.mono(() -> AccessListValidator.normalize(command, Set.of()))
                .flatMap(this::hashNewPasswords)
                .flatMap(valid -> publisher.publish(actor, () -> {
                    requireFreeName(valid.valid().name(), null);
                    AccessList created = lists.insert(settings(valid, Map.of()));
                    return new Change<>(view(created, List.of()), "created access list " + created.name());
                }));
    }

    /**
     * Replaces name, rules, users and options; sites follow a renamed list because they refer to its id.
     * A user given without a password keeps the one it has.
     */
    public Mono<AccessListView> update(long id, AccessListCommand command, String actor) {
        return Blocking.mono(() -> AccessListValidator.normalize(command, usernames(require(id))))
                .flatMap(this::hashNewPasswords)
                .flatMap(valid -> publisher.publish(actor, () -> {
                    AccessList before = require(id);
                    requireFreeName(valid.valid().name(), id);
                    AccessList updated = lists.update(id, settings(valid, hashes(before))).orElseThrow(() -> notFound(id));
                    String summary = before.name().equals(updated.name()) ? "updated access list " + updated.name()
                            : "updated access list " + updated.name() + " (renamed from " + before.name() + ")";
                    return new Change<>(view(updated), summary);
                }));
    }

    /** @throws ConflictException on field {@code name} while a site uses the list */
    public Mono<Void> delete(long id, String actor) {
        return publisher.<Void>publish(actor, () -> {
            AccessList list = require(id);
            List<String> users = sites.findByAccessListId(id).stream().map(AccessListService::label).toList();
            if (!users.isEmpty()) {
                throw new ConflictException("name", "access list '" + list.name() + "' is used by site(s) "
                        + String.join(", ", users) + "; choose another list (or none) for them, or delete them first");
            }
            lists.delete(id);
            return new Change<>(null, "deleted access list " + list.name());
        });
    }

    /** A valid command whose new passwords are hashed: by user name, the hashes to store. */
    private record Hashed(Valid valid, Map<String, String> newHashes) {
    }

    private Mono<Hashed> hashNewPasswords(Valid valid) {
        return Blocking.mono(() -> {
            Map<String, String> hashes = new HashMap<>();
            for (ValidUser user : valid.users()) {
                if (user.password() != null) {
                    hashes.put(user.username(), passwords.hash(user.password()));
                }
            }
            return new Hashed(valid, hashes);
        });
    }

    /**
     * The stored form: each user with its new hash, or the one it had.
     *
     * @throws ValidationException naming the user's password when the user was removed meanwhile
     */
    private static AccessListSettings settings(Hashed hashed, Map<String, String> storedHashes) {
        Valid valid = hashed.valid();
        List<AccessListSettings.User> users = new ArrayList<>();
        for (int i = 0; i < valid.users().size(); i++) {
            String username = valid.users().get(i).username();
            String hash = Optional.ofNullable(hashed.newHashes().get(username)).orElse(storedHashes.get(username));
            if (hash == null) {
                throw new ValidationException("users[" + i + "].password", "users[" + i + "].password is required for "
                        + "new user '" + username + "': at least " + AccessListValidator.MIN_PASSWORD_LENGTH
                        + " characters");
            }
            users.add(new AccessListSettings.User(username, hash));
        }
        return new AccessListSettings(valid.name(), valid.rules(), users, valid.satisfyAll(), valid.realm());
    }

    private static Set<String> usernames(AccessList list) {
        return list.settings().users().stream().map(AccessListSettings.User::username).collect(Collectors.toSet());
    }

    private static Map<String, String> hashes(AccessList list) {
        Map<String, String> hashes = new HashMap<>();
        list.settings().users().forEach(user -> hashes.put(user.username(), user.passwordHash()));
        return hashes;
    }

    private AccessList require(long id) {
        return lists.findById(id).orElseThrow(() -> notFound(id));
    }

    private void requireFreeName(String name, Long ownId) {
        Optional<AccessList> existing = lists.findByName(name);
        if (existing.isPresent() && (ownId == null || existing.get().id() != ownId)) {
            throw new ConflictException("name", "an access list named '" + name + "' already exists (access list "
                    + existing.get().id() + ")");
        }
    }

    private AccessListView view(AccessList list) {
        return view(list, sites.findByAccessListId(list.id()).stream().map(AccessListService::label).toList());
    }

    private static AccessListView view(AccessList list, List<String> usedBySites) {
        AccessListSettings settings = list.settings();
        return new AccessListView(list.id(), settings.name(), settings.rules(),
                settings.users().stream().map(AccessListSettings.User::username).toList(), settings.satisfyAll(),
                settings.realm(), usedBySites, list.createdAt(), list.updatedAt());
    }

    /** How a site is named to people: its first hostname. */
    private static String label(Site site) {
        return site.hostnames().isEmpty() ? "site " + site.id() : site.hostnames().get(0);
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("there is no access list with id " + id);
    }
}
