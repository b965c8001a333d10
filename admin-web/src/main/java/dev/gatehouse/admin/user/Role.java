package dev.gatehouse.admin.user;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.security.core.GrantedAuthority;

/**
 * What a user may do. Stored in {@code app_user.role} by {@link #name()}, granted to a signed-in user (and to
 * their API tokens) as the authority {@code ROLE_<name>}, shown and accepted by the API as {@link #label()}.
 * Which pages and calls each role reaches is decided in one place, {@code security/RoleRules}.
 */
public enum Role {

    /** Everything, including users, settings, everyone's API tokens and the audit log. */
    ADMIN("administrator"),
    /**
     * Sites, backends, streams, certificates and access lists (create, change, delete) and their own API
     * tokens; reads everything else but users, and reads the audit log.
     */
    OPERATOR("operator"),
    /** Reads sites, backends, streams, certificates, access lists, settings and status; changes nothing. */
    VIEWER("viewer");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    /** How the dashboard and the API name the role: {@code administrator}, {@code operator}, {@code viewer}. */
    public String label() {
        return label;
    }

    /** The Spring Security authority a user of this role holds. */
    public String authority() {
        return "ROLE_" + name();
    }

    /** Every label, in order of power, for messages and choices. */
    public static List<String> labels() {
        return Arrays.stream(values()).map(Role::label).toList();
    }

    /** The role of a stored value ({@code ADMIN}); empty for anything else. */
    public static Optional<Role> fromStored(String stored) {
        return Arrays.stream(values()).filter(role -> role.name().equals(stored)).findFirst();
    }

    /**
     * The role a person typed or a script sent: its label or stored name in any letter case, or
     * {@code admin}; empty for anything else.
     */
    public static Optional<Role> parse(String input) {
        if (input == null) {
            return Optional.empty();
        }
        String text = input.strip().toLowerCase(Locale.ROOT);
        if (text.equals("admin")) {
            return Optional.of(ADMIN);
        }
        return Arrays.stream(values())
                .filter(role -> role.label.equals(text) || role.name().toLowerCase(Locale.ROOT).equals(text))
                .findFirst();
    }

    /**
     * The role among granted authorities; the most powerful if there were several (there never are).
     * Empty when none is a role: anonymous, or an authentication that is not (yet) a full sign-in.
     */
    public static Optional<Role> fromAuthorities(Collection<? extends GrantedAuthority> authorities) {
        if (authorities == null) {
            return Optional.empty();
        }
        return Arrays.stream(values())
                .filter(role -> authorities.stream().anyMatch(granted -> role.authority().equals(granted.getAuthority())))
                .findFirst();
    }
}
