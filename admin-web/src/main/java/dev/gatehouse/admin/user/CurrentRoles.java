package dev.gatehouse.admin.user;

import java.security.Principal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * The role a caller has now. An authentication carries the role its user had when it was made: a session
 * keeps it until sign-out, a token lookup for seconds. A role changed or a user deleted since must count at
 * once, or a demoted administrator would keep everything until they sign out. So {@link UserService}
 * notes every such change here, and the note wins over what the authentication says.
 *
 * <p>Only changes made while this process runs are noted, which is enough: sessions live in memory and do
 * not outlive it, and every other authentication (HTTP Basic, API tokens) reads the role from the database
 * when it is made. No lookup per request: a map read.
 */
@Component
public class CurrentRoles {

    /** Email (lower case) to the role set since start; empty = the user was deleted. */
    private final Map<String, Optional<Role>> changed = new ConcurrentHashMap<>();

    /** The caller's role now; empty for anonymous callers, deleted users and authentications without a role. */
    public Optional<Role> of(Principal principal) {
        if (!(principal instanceof Authentication authentication) || !authentication.isAuthenticated()
                || authentication instanceof AnonymousAuthenticationToken) {
            return Optional.empty();
        }
        Optional<Role> granted = Role.fromAuthorities(authentication.getAuthorities());
        if (granted.isEmpty()) {
            // not a full sign-in (e.g. a second factor still to come): no role to replace
            return granted;
        }
        Optional<Role> noted = changed.get(key(authentication.getName()));
        return noted != null ? noted : granted;
    }

    /** From now on, {@code email}'s authentications act with {@code role}. */
    void roleChanged(String email, Role role) {
        changed.put(key(email), Optional.of(role));
    }

    /** From now on, {@code email}'s authentications act with no role at all. */
    void userDeleted(String email) {
        changed.put(key(email), Optional.empty());
    }

    private static String key(String email) {
        return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    }
}
