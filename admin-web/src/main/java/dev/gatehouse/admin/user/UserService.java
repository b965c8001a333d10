package dev.gatehouse.admin.user;

import dev.gatehouse.admin.audit.AuditContext;
import dev.gatehouse.admin.audit.AuditLog;
import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.UserSessions;
import dev.gatehouse.admin.setup.PasswordPolicy;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.storage.user.TwoFactorRepository;
import dev.gatehouse.storage.user.User;
import dev.gatehouse.storage.user.UserRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * Users and their roles: list, add (email, initial password, role), change a role, reset a password, delete.
 * Every change is written to the audit log in its own transaction, and takes effect at once for sessions and
 * tokens already signed in ({@link CurrentRoles}). A password reset, a role change and a deletion also end the
 * user's dashboard sessions ({@link UserSessions}): each must sign in again, with the new password; when users
 * change their own password or role, the session they do it from stays signed in.
 *
 * <p>There is always an administrator: the last one can be neither demoted nor deleted, by anyone,
 * themselves included. Role changes and deletions are serialized by one lock, so two administrators demoting
 * each other at the same moment cannot both succeed. JDBC and bcrypt run on bounded-elastic threads.
 */
@Service
public class UserService {

    private static final Logger log = LoggerFactory.getLogger(UserService.class);

    private final UserRepository users;
    private final TwoFactorRepository twoFactor;
    private final PasswordEncoder passwordEncoder;
    private final AuditLog audit;
    private final CurrentRoles roles;
    private final UserSessions sessions;
    /** Held while a write checks "is this the last administrator?" and acts on the answer. */
    private final ReentrantLock writeLock = new ReentrantLock(true);

    public UserService(UserRepository users, TwoFactorRepository twoFactor, PasswordEncoder passwordEncoder, AuditLog audit,
                       CurrentRoles roles, UserSessions sessions) {
        this.users = Objects.requireNonNull(users, "users");
        this.twoFactor = Objects.requireNonNull(twoFactor, "twoFactor");
        this.passwordEncoder = Objects.requireNonNull(passwordEncoder, "passwordEncoder");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.roles = Objects.requireNonNull(roles, "roles");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    /** Every user, by email. */
    public Mono<List<UserView>> list() {
        return Blocking.mono(() -> {
            Map<Long, java.time.Instant> lastSignIns = users.lastSignIns();
            return users.findAll().stream()
                    .map(user -> UserView.of(user, lastSignIns.get(user.id()), twoFactor.status(user.id()).isPresent()))
                    .toList();
        });
    }

    /** @throws NotFoundException (as the Mono's error) for an unknown id */
    public Mono<UserView> get(long id) {
        return Blocking.mono(() -> view(require(id)));
    }

    /**
     * Adds a user who signs in with {@code command}'s email and password.
     *
     * @throws ValidationException (as the Mono's error) naming {@code email}, {@code password} and/or {@code role}
     * @throws ConflictException (as the Mono's error) on {@code email} when a user has it already
     */
    public Mono<UserView> create(UserCommand command, String actor) {
        return withClientIp(clientIp -> {
            String email = command.email() == null ? "" : command.email().strip();
            List<FieldProblem> problems = new ArrayList<>();
            SetupService.emailProblem(email).ifPresent(message -> problems.add(new FieldProblem("email", message)));
            PasswordPolicy.problem(command.password(), email).ifPresent(message -> problems.add(new FieldProblem("password", message)));
            Optional<Role> role = Role.parse(command.role());
            if (role.isEmpty()) {
                problems.add(new FieldProblem("role", roleProblem(command.role())));
            }
            if (!problems.isEmpty()) {
                throw new ValidationException(problems);
            }
            String hash = passwordEncoder.encode(command.password());
            User created = locked(() -> {
                try {
                    return audit.change(() -> users.insert(email, hash, role.get().name()),
                            user -> new AuditLog.Entry(actor, clientIp, AuditLog.CREATE, AuditLog.USER, Long.toString(user.id()),
                                    "created user " + user.email() + " with role " + role.get().label()));
                } catch (DuplicateKeyException exists) {
                    throw new ConflictException("email", "a user with the email " + email.toLowerCase(java.util.Locale.ROOT)
                            + " exists already");
                }
            });
            // a user deleted earlier under this email may still have sessions: they get the new role, not none
            roles.roleChanged(created.email(), role.get());
            log.info("User {} ({}) created by {}", created.email(), role.get().label(), actor);
            return UserView.of(created, null, false);
        });
    }

    /**
     * Gives the user another role and ends their sessions; the same role again changes nothing.
     *
     * @param current the session of the request making the change (null when there is none): kept signed in
     *     when it is the user's own
     *
     * @throws ValidationException (as the Mono's error) on {@code role} for an unknown role
     * @throws ConflictException (as the Mono's error) on {@code role} when it would leave no administrator
     * @throws NotFoundException (as the Mono's error) for an unknown id
     */
    public Mono<UserView> changeRole(long id, String roleText, String actor, WebSession current) {
        return withClientIp(clientIp -> {
            Role role = Role.parse(roleText).orElseThrow(() -> new ValidationException("role", roleProblem(roleText)));
            return locked(() -> {
                User user = require(id);
                Role before = role(user);
                if (before == role) {
                    return view(user);
                }
                if (before == Role.ADMIN) {
                    requireAnotherAdministrator(user, actor, "role", "demote");
                }
                User changed = audit.change(() -> users.updateRole(id, role.name()).orElseThrow(() -> notFound(id)),
                        updated -> new AuditLog.Entry(actor, clientIp, AuditLog.UPDATE, AuditLog.USER, Long.toString(id),
                                "user " + updated.email() + ": role " + before.label() + " → " + role.label()));
                roles.roleChanged(changed.email(), role);
                sessions.endSessions(changed.email(), current);
                log.info("User {} changed from {} to {} by {}", changed.email(), before.label(), role.label(), actor);
                return view(changed);
            });
        });
    }

    /**
     * Sets a new password for the user (an administrator's reset; the user should change it after signing in)
     * and ends their sessions.
     *
     * @param current the session of the request making the change (null when there is none): kept signed in
     *     when it is the user's own
     *
     * @throws ValidationException (as the Mono's error) on {@code password}
     * @throws NotFoundException (as the Mono's error) for an unknown id
     */
    public Mono<UserView> resetPassword(long id, String password, String actor, WebSession current) {
        return withClientIp(clientIp -> {
            User user = require(id);
            PasswordPolicy.problem(password, user.email()).ifPresent(message -> {
                throw new ValidationException("password", message);
            });
            String hash = passwordEncoder.encode(password);
            audit.change(() -> {
                        if (!users.updatePasswordHash(id, hash)) {
                            throw notFound(id);
                        }
                        return user;
                    },
                    changed -> new AuditLog.Entry(actor, clientIp, AuditLog.RESET_PASSWORD, AuditLog.USER, Long.toString(id),
                            "user " + changed.email() + ": password reset"));
            // after the commit: a sign-in that read the old hash before it is ended too
            sessions.endSessions(user.email(), current);
            log.info("Password of {} reset by {}", user.email(), actor);
            return view(require(id));
        });
    }

    /**
     * Deletes the user and their API tokens; their sessions end, also the one making the change if it is theirs.
     *
     * @throws ConflictException (as the Mono's error) on {@code id} for the last administrator
     * @throws NotFoundException (as the Mono's error) for an unknown id
     */
    public Mono<Void> delete(long id, String actor) {
        return withClientIp(clientIp -> locked(() -> {
            User user = require(id);
            if (role(user) == Role.ADMIN) {
                requireAnotherAdministrator(user, actor, "id", "delete");
            }
            audit.change(() -> {
                        if (!users.delete(id)) {
                            throw notFound(id);
                        }
                        return user;
                    },
                    deleted -> new AuditLog.Entry(actor, clientIp, AuditLog.DELETE, AuditLog.USER, Long.toString(id),
                            "deleted user " + deleted.email() + " (role " + role(deleted).label() + ")"));
            roles.userDeleted(user.email());
            sessions.endSessions(user.email(), null);
            log.info("User {} deleted by {}", user.email(), actor);
            return null;
        })).then();
    }

    private void requireAnotherAdministrator(User user, String actor, String field, String verb) {
        if (users.countByRole(Role.ADMIN.name()) <= 1) {
            boolean self = user.email().equalsIgnoreCase(actor == null ? "" : actor.strip());
            throw new ConflictException(field, (self ? "you are" : user.email() + " is")
                    + " the last administrator: make another user an administrator before you " + verb + " "
                    + (self ? "yourself" : "them") + ", so that someone can still manage users and settings");
        }
    }

    private static String roleProblem(String given) {
        return given == null || given.isBlank()
                ? "role is required: one of " + String.join(", ", Role.labels())
                : "role must be one of " + String.join(", ", Role.labels()) + ", was '" + given.strip() + "'";
    }

    private <T> T locked(Supplier<T> work) {
        writeLock.lock();
        try {
            return work.get();
        } finally {
            writeLock.unlock();
        }
    }

    /** Runs blocking {@code work} off the event loop with the request's client address (null outside a request). */
    private static <T> Mono<T> withClientIp(java.util.function.Function<String, T> work) {
        return Mono.deferContextual(context -> {
            String clientIp = AuditContext.clientIp(context);
            return Blocking.mono(() -> work.apply(clientIp));
        });
    }

    private User require(long id) {
        return users.findById(id).orElseThrow(() -> notFound(id));
    }

    private UserView view(User user) {
        return UserView.of(user, users.lastSignIns().get(user.id()), twoFactor.status(user.id()).isPresent());
    }

    private static Role role(User user) {
        return Role.fromStored(user.role()).orElseThrow(() -> new IllegalStateException(
                "user " + user.id() + " has the unknown role '" + user.role() + "'"));
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("there is no user " + id);
    }
}
