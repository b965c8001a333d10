package dev.gatehouse.admin.accesslist;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a form or API call asks an access list to be. Values are raw user input; {@link AccessListValidator}
 * checks and normalizes them.
 *
 * @param name unique name sites choose the list by: 1-64 letters, digits, '.', '-' or '_'; required
 * @param rules address rules, checked in order, the first that contains the client deciding; default none
 * @param users basic-auth users; default none (no password asked)
 * @param satisfyAll with both rules and users: true needs an allowed address and a sign-in; false (the
 *     default, null) lets an allowed address in without a password and asks everyone else to sign in
 * @param realm what browsers show in the sign-in prompt; null or blank (the default) = "Restricted"
 */
public record AccessListCommand(String name, List<RuleCommand> rules, List<UserCommand> users, Boolean satisfyAll,
                                String realm) {

    public AccessListCommand {
        // null entries stay, for the validator to name
        rules = rules == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(rules));
        users = users == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(users));
    }

    /**
     * One address rule, as typed.
     *
     * @param action {@code allow} or {@code deny} (any case)
     * @param address an IPv4 or IPv6 address or CIDR block: {@code 192.0.2.7}, {@code 10.0.0.0/8}, {@code 2001:db8::/32}
     */
    public record RuleCommand(String action, String address) {
    }

    /**
     * One basic-auth user, as typed.
     *
     * @param username 1-64 characters, no ':' and no control characters
     * @param password 8-72 bytes (bcrypt reads no further); null or empty on an edit keeps the password
     *     the user has, and is required for a user the list did not have
     */
    public record UserCommand(String username, String password) {

        @Override
        public String toString() {
            // the password never reaches a log line or an assertion message
            return "UserCommand[username=" + username + ", password=" + (password == null || password.isEmpty()
                    ? "(none)" : "(given)") + "]";
        }
    }
}
