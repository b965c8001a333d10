package dev.gatehouse.storage.accesslist;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import dev.gatehouse.storage.internal.Require;

/**
 * What a stored access list is: everything but its id and times. Storage only refuses what the schema
 * cannot hold (and a password where its hash belongs); the admin application checks names, addresses
 * and passwords with messages naming the field.
 *
 * @param name       unique name sites refer to it by, at most {@value #MAX_NAME_LENGTH} characters
 * @param rules      address rules in the order they are checked; default (null) none
 * @param users      basic-auth users, in the order entered, each name once; default (null) none
 * @param satisfyAll with both rules and users: true = both an admitted address and a sign-in are needed;
 *                   false (the default, nginx's "satisfy any") = an allowed address needs no password
 * @param realm      the name browsers show when asking for the password, at most {@value #MAX_REALM_LENGTH}
 *                   characters; null or blank (the default) = the engine's default
 */
public record AccessListSettings(String name, List<Rule> rules, List<User> users, boolean satisfyAll, String realm) {

    public static final int MAX_NAME_LENGTH = 64;
    public static final int MAX_ADDRESS_LENGTH = 64;
    public static final int MAX_USERNAME_LENGTH = 64;
    public static final int MAX_REALM_LENGTH = 128;
    public static final String ALLOW = "allow";
    public static final String DENY = "deny";

    /** What a bcrypt hash looks like ({@code $2a$10$} + 53 characters): nothing else is stored as a password. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    /** @throws IllegalArgumentException naming the first value the schema would refuse */
    public AccessListSettings {
        name = Require.text("access list name", name, MAX_NAME_LENGTH).strip();
        rules = rules == null ? List.of() : List.copyOf(rules);
        users = users == null ? List.of() : List.copyOf(users);
        Set<String> usernames = new HashSet<>();
        for (User user : users) {
            if (!usernames.add(user.username())) {
                throw new IllegalArgumentException("access list user '" + user.username() + "' is listed twice");
            }
        }
        realm = realm == null || realm.isBlank() ? null : Require.maxLength("access list realm", realm.strip(),
                MAX_REALM_LENGTH);
    }

    /**
     * One address rule.
     *
     * @param action  {@value #ALLOW} or {@value #DENY}, stored lower-case
     * @param address an IP address or CIDR block, trimmed, at most {@value #MAX_ADDRESS_LENGTH} characters
     */
    public record Rule(String action, String address) {

        /** @throws IllegalArgumentException if the action is neither allow nor deny, or the address is blank or too long */
        public Rule {
            Objects.requireNonNull(action, "action");
            action = action.strip().toLowerCase(Locale.ROOT);
            if (!ALLOW.equals(action) && !DENY.equals(action)) {
                throw new IllegalArgumentException("access list rule action must be allow or deny, got '" + action + "'");
            }
            address = Require.text("access list rule address", address, MAX_ADDRESS_LENGTH).strip();
        }

        public static Rule allow(String address) {
            return new Rule(ALLOW, address);
        }

        public static Rule deny(String address) {
            return new Rule(DENY, address);
        }

        public boolean allows() {
            return ALLOW.equals(action);
        }
    }

    /**
     * A basic-auth user.
     *
     * @param username     1 to {@value #MAX_USERNAME_LENGTH} characters, as entered
     * @param passwordHash the bcrypt hash of the password ({@code $2a$}, {@code $2b$} or {@code $2y$}, 60
     *                     characters); never the password itself
     */
    public record User(String username, String passwordHash) {

        /** @throws IllegalArgumentException if the name is blank or too long, or the hash is no bcrypt hash */
        public User {
            Require.text("access list user name", username, MAX_USERNAME_LENGTH);
            Objects.requireNonNull(passwordHash, "passwordHash");
            if (!BCRYPT.matcher(passwordHash).matches()) {
                // never quoted: it might be a password typed into the wrong place
                throw new IllegalArgumentException("the password of access list user '" + username
                        + "' must be stored as a bcrypt hash");
            }
        }

        @Override
        public String toString() {
            return "User[" + username + "]"; // the hash stays out of logs
        }
    }
}
