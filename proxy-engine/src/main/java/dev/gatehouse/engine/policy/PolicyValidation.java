package dev.gatehouse.engine.policy;

import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.engine.config.AccessListDefinition.AddressRule;
import dev.gatehouse.engine.config.AccessListDefinition.BasicAuthUser;
import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.engine.config.RateLimitDefinition;
import dev.gatehouse.engine.config.RequestLimits;
import dev.gatehouse.engine.config.SitePolicies;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation of access lists and site policies, each problem named by object and field. */
public final class PolicyValidation {

    /** Access list names: like backend names. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** What OpenBSD-style bcrypt hashes look like ({@code $2a$10$} + 53 characters). */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");
    /** Longest period a rate limit may count over. */
    private static final Duration MAX_PERIOD = Duration.ofHours(1);

    private PolicyValidation() {
    }

    /** Checks every access list; returns the names of the valid ones' lists (all names, for references). */
    public static Set<String> validateAccessLists(List<AccessListDefinition> lists, List<ConfigError> errors) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < lists.size(); i++) {
            AccessListDefinition list = lists.get(i);
            String object = list.name() == null ? "accessLists[" + i + "]" : "access list " + list.name();
            if (list.name() == null || !NAME.matcher(list.name()).matches()) {
                errors.add(new ConfigError(object, "name",
                        "an access list name is 1-64 letters, digits, '.', '-' or '_'"));
            } else if (!names.add(list.name())) {
                errors.add(new ConfigError(object, "name", "access list name '" + list.name() + "' is used twice"));
            }
            for (int r = 0; r < list.rules().size(); r++) {
                AddressRule rule = list.rules().get(r);
                String problem = rule == null ? "the rule is missing" : HeaderPolicy.trustedProxyProblem(rule.address());
                if (problem != null) {
                    errors.add(new ConfigError(object, "rules[" + r + "].address",
                            problem.replace("trusted proxy", "address")));
                }
            }
            Set<String> users = new HashSet<>();
            for (int u = 0; u < list.users().size(); u++) {
                BasicAuthUser user = list.users().get(u);
                String field = "users[" + u + "]";
                if (user == null || user.username() == null || user.username().isEmpty() || user.username().length() > 64
                        || user.username().indexOf(':') >= 0 || user.username().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    errors.add(new ConfigError(object, field + ".username",
                            "a user name is 1-64 characters without ':' or control characters"));
                    continue;
                }
                if (!users.add(user.username())) {
                    errors.add(new ConfigError(object, field + ".username", "user '" + user.username() + "' is listed twice"));
                }
                if (user.passwordHash() == null || !BCRYPT.matcher(user.passwordHash()).matches()) {
                    errors.add(new ConfigError(object, field + ".passwordHash",
                            "the password of user '" + user.username() + "' must be a bcrypt hash ($2a$, $2b$ or $2y$)"));
                }
            }
            if (list.realm().length() > 128 || list.realm().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                errors.add(new ConfigError(object, "realm", "the realm is at most 128 characters, without control characters"));
            }
        }
        return names;
    }

    /** Checks one site's policies against the snapshot's access lists. */
    public static void validateSitePolicies(String object, SitePolicies policies, Set<String> accessListNames,
                                            List<ConfigError> errors) {
        if (policies.accessList() != null && !accessListNames.contains(policies.accessList())) {
            errors.add(new ConfigError(object, "policies.accessList",
                    "access list '" + policies.accessList() + "' does not exist"));
        }
        RateLimitDefinition rate = policies.rateLimit();
        if (rate != null) {
            if (rate.requests() < 1) {
                errors.add(new ConfigError(object, "policies.rateLimit.requests", "allow at least 1 request per period"));
            }
            if (rate.period().isNegative() || rate.period().isZero() || rate.period().compareTo(MAX_PERIOD) > 0) {
                errors.add(new ConfigError(object, "policies.rateLimit.period", "the period is between 1 ms and 1 hour"));
            }
            if (rate.burst() < 0 || rate.burst() > 100_000) {
                errors.add(new ConfigError(object, "policies.rateLimit.burst", "the burst is 0-100000 requests"));
            }
        }
        RequestLimits limits = policies.limits();
        if (limits.maxBodyBytes() < 0) {
            errors.add(new ConfigError(object, "policies.limits.maxBodyBytes", "use 0 (no limit) or a positive size"));
        }
        if (limits.maxHeaderBytes() < 0 || limits.maxHeaderBytes() > 16 * 1024) {
            errors.add(new ConfigError(object, "policies.limits.maxHeaderBytes",
                    "use 0 (the engine's 16 KiB) or 1-16384 bytes"));
        }
        if (limits.maxUrlLength() < 0 || limits.maxUrlLength() > 8 * 1024) {
            errors.add(new ConfigError(object, "policies.limits.maxUrlLength",
                    "use 0 (the engine's 8 KiB) or 1-8192 characters"));
        }
    }
}
