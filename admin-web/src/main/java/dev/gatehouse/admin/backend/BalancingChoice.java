package dev.gatehouse.admin.backend;

import dev.gatehouse.engine.config.LoadBalancing;
import java.util.Arrays;
import java.util.List;

/**
 * A load-balancing policy as people see it: the engine's name, a label and one line saying what it
 * does. The switch has no default, so a policy the engine adds does not compile until it has words here.
 *
 * @param value the engine's name, posted by the form and used in the API, e.g. {@code least-connections}
 * @param label e.g. "Least connections"
 * @param description one sentence for the form's hint
 */
public record BalancingChoice(String value, String label, String description) {

    private static final List<BalancingChoice> ALL = Arrays.stream(LoadBalancing.values()).map(BalancingChoice::of).toList();

    static BalancingChoice of(LoadBalancing policy) {
        String value = policy.configName();
        return switch (policy) {
            case ROUND_ROBIN -> new BalancingChoice(value, "Round robin",
                    "Each server in turn; weights are ignored.");
            case WEIGHTED_ROUND_ROBIN -> new BalancingChoice(value, "Weighted round robin",
                    "Each server in turn, as often as its weight says.");
            case LEAST_CONNECTIONS -> new BalancingChoice(value, "Least connections",
                    "The server with the fewest requests in flight for its weight.");
            case POWER_OF_TWO_CHOICES -> new BalancingChoice(value, "Power of two choices",
                    "Two servers drawn at random by weight; the less busy one gets the request.");
            case CLIENT_IP_HASH -> new BalancingChoice(value, "Sticky by client IP",
                    "A client's IP address keeps it on the same server.");
            case STICKY_COOKIE -> new BalancingChoice(value, "Sticky cookie",
                    "A cookie keeps a browser on the server it first reached.");
        };
    }

    /** Every policy, in the engine's order (round robin, the default, first). */
    public static List<BalancingChoice> all() {
        return ALL;
    }

    /** The label of a stored policy name; the name itself when the engine does not know it. */
    public static String label(String value) {
        try {
            return of(LoadBalancing.fromName(value)).label();
        } catch (IllegalArgumentException unknown) {
            return value;
        }
    }
}
