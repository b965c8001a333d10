package dev.gatehouse.admin.security;

import dev.gatehouse.admin.common.ForbiddenException;
import dev.gatehouse.admin.user.CurrentRoles;
import dev.gatehouse.admin.user.Role;
import java.security.Principal;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Per-object permission checks: may this user do this to this object? Every endpoint that touches a
 * protected object asks here with the object's id (and, for objects that belong to a user, its owner),
 * besides the path rules in {@link RoleRules}, which have already let the request through by role.
 *
 * <ul>
 *   <li>administrators may do everything;</li>
 *   <li>certificates: operators everything, viewers read;</li>
 *   <li>API tokens: operators create tokens and read and revoke their own; viewers read their own (they
 *       have none: they cannot create one);</li>
 *   <li>users: administrators only;</li>
 *   <li>anything else, and a caller without a role: nothing.</li>
 * </ul>
 */
@Component
public class ObjectPermissions {

    /** Object type of certificates (their private keys make them the most sensitive object). */
    public static final String CERTIFICATE = "certificate";

    /** Object type of API tokens (each acts as its user: managing them is managing credentials). */
    public static final String API_TOKEN = "api-token";

    /** Object type of user accounts. */
    public static final String USER = "user";

    public enum Action {
        READ, CREATE, CHANGE, DELETE
    }

    private final CurrentRoles roles;

    @Autowired
    public ObjectPermissions(CurrentRoles roles) {
        this.roles = roles;
    }

    /** With the roles the authentications grant, for tests and callers that change no role. */
    public ObjectPermissions() {
        this(new CurrentRoles());
    }

    /** Whether the principal may act on the object; {@code id} is null for CREATE. */
    public Mono<Boolean> allows(Principal principal, Action action, String objectType, Long id) {
        return allows(principal, action, objectType, id, null);
    }

    /**
     * Whether the principal may act on an object that belongs to a user.
     *
     * @param owner the email of the user the object belongs to (an API token's creator); null when unknown
     */
    public Mono<Boolean> allows(Principal principal, Action action, String objectType, Long id, String owner) {
        boolean own = owner != null && principal != null && owner.equalsIgnoreCase(principal.getName());
        return Mono.just(decide(roles.of(principal).orElse(null), action, objectType, id, own));
    }

    /** Completes when allowed; fails with {@link ForbiddenException} naming the action and object otherwise. */
    public Mono<Void> require(Principal principal, Action action, String objectType, Long id) {
        return require(principal, action, objectType, id, null);
    }

    /** As {@link #require(Principal, Action, String, Long)}, for an object that belongs to {@code owner}. */
    public Mono<Void> require(Principal principal, Action action, String objectType, Long id, String owner) {
        return allows(principal, action, objectType, id, owner).flatMap(allowed -> allowed
                ? Mono.<Void>empty()
                : Mono.error(new ForbiddenException("you may not " + action.name().toLowerCase() + " "
                        + objectType + (id == null ? "s" : " " + id))));
    }

    /**
     * The rule table.
     *
     * @param role the caller's role now; null = none
     * @param ownedByCaller whether the object belongs to the caller
     */
    static boolean decide(Role role, Action action, String objectType, Long id, boolean ownedByCaller) {
        if (role == null || action == null || objectType == null || (action != Action.CREATE && id == null)) {
            return false;
        }
        if (role == Role.ADMIN) {
            return true;
        }
        return switch (objectType) {
            case CERTIFICATE -> role == Role.OPERATOR || action == Action.READ;
            case API_TOKEN -> action == Action.CREATE
                    ? role == Role.OPERATOR
                    : ownedByCaller && (role == Role.OPERATOR || action == Action.READ);
            default -> false;
        };
    }
}
