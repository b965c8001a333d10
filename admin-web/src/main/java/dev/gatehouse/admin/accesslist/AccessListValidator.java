package dev.gatehouse.admin.accesslist;

import dev.gatehouse.admin.accesslist.AccessListCommand.RuleCommand;
import dev.gatehouse.admin.accesslist.AccessListCommand.UserCommand;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.engine.policy.PolicyValidation;
import dev.gatehouse.storage.accesslist.AccessListSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks an {@link AccessListCommand} field by field with the engine's own rules, so nothing is stored
 * that the engine would refuse: the name by {@link PolicyValidation#NAME}, each address by
 * {@link HeaderPolicy#trustedProxyProblem}, user names and the realm as {@link PolicyValidation} checks
 * them. Problems name the field as the API does ({@code rules[1].address}, {@code users[0].password}) and
 * the bad value; a password is never quoted.
 *
 * <p>Passwords are 8 characters at least (these guard apps on the open internet, and basic auth has no
 * lockout) and 72 bytes at most in UTF-8: bcrypt ignores anything after that, so a longer one would let a
 * wrong password with the same start in. A user the list had before may come without a password to keep
 * the one it has. A list needs at least one rule or user: an empty one would let everyone in while the
 * site looks guarded.
 */
public final class AccessListValidator {

    public static final int MIN_PASSWORD_LENGTH = 8;
    /** What bcrypt reads of a password. */
    public static final int MAX_PASSWORD_BYTES = 72;
    /** Entries per list: enough for an office's ranges and its people, few enough to check each request quickly. */
    public static final int MAX_RULES = 100;
    public static final int MAX_USERS = 100;

    /**
     * A user that passed: a new password to hash, or null to keep the stored hash of {@code username}.
     */
    public record ValidUser(String username, String password) {

        @Override
        public String toString() {
            return "ValidUser[" + username + (password == null ? ", kept" : ", new password") + "]";
        }
    }

    /** A command that passed: names and addresses trimmed, actions lower-case, realm null for the default. */
    public record Valid(String name, List<AccessListSettings.Rule> rules, List<ValidUser> users, boolean satisfyAll,
                        String realm) {
    }

    private AccessListValidator() {
    }

    /**
     * @param storedUsernames the users the list has now (empty when creating): they may keep their password
     * @throws ValidationException listing every problem found, in field order
     */
    public static Valid normalize(AccessListCommand command, Set<String> storedUsernames) {
        List<FieldProblem> problems = new ArrayList<>();
        String name = command.name() == null ? "" : command.name().trim();
        if (name.isEmpty()) {
            problems.add(new FieldProblem("name", "name is required: 1-64 letters, digits, '.', '-' or '_', e.g. staff"));
        } else if (!PolicyValidation.NAME.matcher(name).matches()) {
            problems.add(new FieldProblem("name", "name '" + abbreviate(name) + "' must be 1-64 letters, digits, "
                    + "'.', '-' or '_' (no spaces), e.g. office-staff"));
        }
        List<AccessListSettings.Rule> rules = rules(command.rules(), problems);
        List<ValidUser> users = users(command.users(), storedUsernames, problems);
        if (command.rules().isEmpty() && command.users().isEmpty()) {
            problems.add(new FieldProblem("rules", "an access list needs at least one address rule or user; "
                    + "without either it would let everyone in"));
        }
        String realm = command.realm() == null || command.realm().isBlank() ? null : command.realm().trim();
        if (realm != null && (realm.length() > AccessListSettings.MAX_REALM_LENGTH
                || realm.chars().anyMatch(c -> c < 0x20 || c > 0x7e))) {
            // A header value: browsers show anything beyond printable ASCII differently, or not at all.
            problems.add(new FieldProblem("realm", "realm must be at most " + AccessListSettings.MAX_REALM_LENGTH
                    + " printable ASCII characters (letters, digits, spaces, punctuation); leave it empty for '"
                    + AccessListDefinition.DEFAULT_REALM + "'"));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new Valid(name, rules, users, Boolean.TRUE.equals(command.satisfyAll()), realm);
    }

    /** Every problem with {@code command}; empty when it is valid. */
    public static List<FieldProblem> problems(AccessListCommand command, Set<String> storedUsernames) {
        try {
            normalize(command, storedUsernames);
            return List.of();
        } catch (ValidationException e) {
            return e.problems();
        }
    }

    private static List<AccessListSettings.Rule> rules(List<RuleCommand> commands, List<FieldProblem> problems) {
        if (commands.size() > MAX_RULES) {
            problems.add(new FieldProblem("rules", "rules has " + commands.size() + " entries; at most " + MAX_RULES
                    + " are allowed (use CIDR blocks such as 10.0.0.0/8 to cover many addresses)"));
            return List.of();
        }
        List<AccessListSettings.Rule> rules = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            RuleCommand rule = commands.get(i);
            String field = "rules[" + i + "]";
            if (rule == null) {
                problems.add(new FieldProblem(field, field + " is missing: give an action and an address"));
                continue;
            }
            String action = rule.action() == null || rule.action().isBlank() ? ""
                    : rule.action().trim().toLowerCase(Locale.ROOT);
            boolean actionOk = AccessListSettings.ALLOW.equals(action) || AccessListSettings.DENY.equals(action);
            if (action.isEmpty()) {
                problems.add(new FieldProblem(field + ".action", field + ".action is required: allow or deny"));
            } else if (!actionOk) {
                problems.add(new FieldProblem(field + ".action", field + ".action '" + abbreviate(rule.action().trim())
                        + "' must be allow or deny"));
            }
            String address = rule.address() == null ? null : rule.address().trim();
            String problem = address != null && address.length() > AccessListSettings.MAX_ADDRESS_LENGTH
                    ? "address '" + abbreviate(address) + "' is " + address.length() + " characters long; at most "
                            + AccessListSettings.MAX_ADDRESS_LENGTH + " are allowed"
                    : addressProblem(address);
            if (problem != null) {
                problems.add(new FieldProblem(field + ".address", field + ".address: " + problem));
            } else if (actionOk) {
                rules.add(new AccessListSettings.Rule(action, address));
            }
        }
        return rules;
    }

    /** The engine's words for a bad address or CIDR block, or null when it is one. */
    static String addressProblem(String address) {
        String problem = HeaderPolicy.trustedProxyProblem(address);
        if (problem == null) {
            return null;
        }
        return problem.replace("a trusted proxy entry is empty", "an address is required, e.g. 10.0.0.0/8")
                .replace("trusted proxy", "address");
    }

    private static List<ValidUser> users(List<UserCommand> commands, Set<String> storedUsernames,
                                         List<FieldProblem> problems) {
        if (commands.size() > MAX_USERS) {
            problems.add(new FieldProblem("users", "users has " + commands.size() + " entries; at most " + MAX_USERS
                    + " are allowed"));
            return List.of();
        }
        List<ValidUser> users = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < commands.size(); i++) {
            UserCommand user = commands.get(i);
            String field = "users[" + i + "]";
            if (user == null) {
                problems.add(new FieldProblem(field, field + " is missing: give a username and a password"));
                continue;
            }
            String username = user.username() == null ? "" : user.username().trim();
            if (username.isEmpty()) {
                problems.add(new FieldProblem(field + ".username", field + ".username is required"));
                continue;
            }
            if (username.length() > AccessListSettings.MAX_USERNAME_LENGTH || username.indexOf(':') >= 0
                    || username.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                problems.add(new FieldProblem(field + ".username", field + ".username '" + abbreviate(username)
                        + "' must be 1-64 characters without ':' or control characters"));
                continue;
            }
            Integer first = seen.putIfAbsent(username, i);
            if (first != null) {
                problems.add(new FieldProblem(field + ".username", field + ".username '" + username
                        + "' is listed twice (also users[" + first + "])"));
                continue;
            }
            String password = user.password() == null || user.password().isEmpty() ? null : user.password();
            if (password == null) {
                if (!storedUsernames.contains(username)) {
                    problems.add(new FieldProblem(field + ".password", field + ".password is required for new user '"
                            + username + "': at least " + MIN_PASSWORD_LENGTH + " characters"));
                    continue;
                }
            } else if (password.codePointCount(0, password.length()) < MIN_PASSWORD_LENGTH) {
                problems.add(new FieldProblem(field + ".password", field + ".password of user '" + username
                        + "' is too short: use at least " + MIN_PASSWORD_LENGTH + " characters"));
                continue;
            } else if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
                problems.add(new FieldProblem(field + ".password", field + ".password of user '" + username
                        + "' is too long: bcrypt uses only the first " + MAX_PASSWORD_BYTES + " bytes"));
                continue;
            } else if (password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                problems.add(new FieldProblem(field + ".password", field + ".password of user '" + username
                        + "' contains a control character, which browsers cannot send"));
                continue;
            }
            users.add(new ValidUser(username, password));
        }
        return users;
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 60) + "…";
    }
}
