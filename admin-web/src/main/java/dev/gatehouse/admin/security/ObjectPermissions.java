package dev.gatehouse.admin.security;

import dev.gatehouse.admin.common.ForbiddenException;
import java.security.Principal;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Per-object permission checks: may this user do this to this object? Every endpoint that touches a
 * protected object asks here with the object's id, besides the URL rules in
 * {@link SecurityConfiguration}, so that roles with narrower rights (viewers, per-site operators) can
 * arrive later by changing one decision instead of every controller.
 *
 * <p>Today's rule: administrators may do everything; any other role nothing.
 */
@Component
public class ObjectPermissions {

    /** Object type of certificates (their private keys make them the most sensitive object). */
    public static final String CERTIFICATE = "certificate";

    static final String ADMIN_AUTHORITY = "ROLE_ADMIN";

    public enum Action {
        READ, CREATE, CHANGE, DELETE
    }

    /** Whether the principal may act on the object; {@code id} is null for CREATE. */
    public Mono<Boolean> allows(Principal principal, Action action, String objectType, Long id) {
        return Mono.just(decide(authorities(principal), action, objectType, id));
    }

    /** Completes when allowed; fails with {@link ForbiddenException} naming the action and object otherwise. */
    public Mono<Void> require(Principal principal, Action action, String objectType, Long id) {
        return allows(principal, action, objectType, id).flatMap(allowed -> allowed
                ? Mono.<Void>empty()
                : Mono.error(new ForbiddenException("you may not " + action.name().toLowerCase() + " "
                        + objectType + (id == null ? "s" : " " + id))));
    }

    static boolean decide(Set<String> authorities, Action action, String objectType, Long id) {
        if (action == null || objectType == null || (action != Action.CREATE && id == null)) {
            return false;
        }
        return authorities.contains(ADMIN_AUTHORITY);
    }

    private static Set<String> authorities(Principal principal) {
        if (!(principal instanceof Authentication authentication) || !authentication.isAuthenticated()) {
            return Set.of();
        }
        Collection<? extends GrantedAuthority> granted = authentication.getAuthorities();
        return granted.stream().map(GrantedAuthority::getAuthority).collect(Collectors.toUnmodifiableSet());
    }
}
