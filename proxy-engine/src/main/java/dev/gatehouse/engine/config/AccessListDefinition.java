package dev.gatehouse.engine.config;

import java.util.List;

/**
 * A reusable access list, attached to sites by name (like Nginx Proxy Manager's): who may reach a
 * site, by client address and by HTTP basic-auth user.
 *
 * @param name unique name sites refer to (letters, digits, '-', '_', '.'; 1-64 characters)
 * @param rules address rules, checked in order: the first whose address or CIDR block contains the
 *     client decides. A matching deny refuses (403) whatever else is set; a matching allow admits the
 *     address. When none matches, an address is refused if any rule allows (the list is an allow list)
 *     and otherwise left to the users (or, without users, let in). Default none. The client address is
 *     the socket's peer, the one a trusted balancer's PROXY header names, or, from a proxy the site
 *     trusts, the nearest untrusted address in {@code X-Forwarded-For}
 * @param users basic-auth users; default none: no password is asked
 * @param satisfyAll with both rules and users: true requires both an admitted address and a valid
 *     sign-in; false (the default, nginx's {@code satisfy any}) lets an address that an allow rule
 *     matched in without a password and asks everyone else to sign in
 * @param realm the name browsers show in their sign-in prompt; default (null) {@link #DEFAULT_REALM}
 */
public record AccessListDefinition(String name, List<AddressRule> rules, List<BasicAuthUser> users, boolean satisfyAll,
                                   String realm) {

    /** Default of {@link #realm()}. */
    public static final String DEFAULT_REALM = "Restricted";

    public AccessListDefinition {
        rules = rules == null ? List.of() : List.copyOf(rules);
        users = users == null ? List.of() : List.copyOf(users);
        realm = realm == null || realm.isBlank() ? DEFAULT_REALM : realm;
    }

    /**
     * One address rule.
     *
     * @param allow true lets matching clients in, false refuses them (403)
     * @param address an IP address or CIDR block ({@code 192.0.2.7}, {@code 10.0.0.0/8}, {@code 2001:db8::/32})
     */
    public record AddressRule(boolean allow, String address) {

        public static AddressRule allow(String address) {
            return new AddressRule(true, address);
        }

        public static AddressRule deny(String address) {
            return new AddressRule(false, address);
        }
    }

    /**
     * A basic-auth user.
     *
     * @param username 1-64 characters, no colon (the basic-auth separator) and no control characters
     * @param passwordHash the password's bcrypt hash ({@code $2a$}, {@code $2b$} or {@code $2y$}); the
     *     password itself is never in a snapshot
     */
    public record BasicAuthUser(String username, String passwordHash) {

        @Override
        public String toString() {
            return "BasicAuthUser[" + username + "]"; // the hash stays out of logs
        }
    }
}
