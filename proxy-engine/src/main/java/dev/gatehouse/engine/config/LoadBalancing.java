package dev.gatehouse.engine.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a backend spreads requests over its servers. Only servers that are up, not ejected and not
 * drained take part; backup servers only when no primary one does.
 */
public enum LoadBalancing {

    /** Each server in turn, weights ignored. The default, like nginx's and Traefik's. */
    ROUND_ROBIN("round-robin"),
    /** Each server in turn, as often as its weight says (nginx's smooth weighted round robin). */
    WEIGHTED_ROUND_ROBIN("weighted-round-robin"),
    /** The server with the fewest requests in flight relative to its weight; ties in turn. */
    LEAST_CONNECTIONS("least-connections"),
    /** Two servers drawn at random (by weight), the one with fewer requests in flight wins. */
    POWER_OF_TWO_CHOICES("power-of-two-choices"),
    /** Sticky by client IP address: a client stays on one server while that server is eligible. */
    CLIENT_IP_HASH("client-ip-hash"),
    /**
     * Sticky by cookie: the first response sets {@code gatehouse_server}, naming the server by an
     * opaque token; later requests carrying it go back to that server while it is eligible. New
     * clients are spread by weight.
     */
    STICKY_COOKIE("sticky-cookie");

    private final String configName;

    LoadBalancing(String configName) {
        this.configName = configName;
    }

    /** The name used in the API and stored config, e.g. {@code least-connections}. */
    public String configName() {
        return configName;
    }

    /**
     * The policy with this name (case-insensitive, {@code _} and {@code -} alike).
     *
     * @throws IllegalArgumentException naming the unknown value and every known one
     */
    public static LoadBalancing fromName(String name) {
        if (name != null) {
            String normalized = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (LoadBalancing policy : values()) {
                if (policy.configName.equals(normalized)) {
                    return policy;
                }
            }
        }
        throw new IllegalArgumentException("unknown load balancing '" + name + "'; use one of "
                + Arrays.stream(values()).map(LoadBalancing::configName).collect(Collectors.joining(", ")));
    }
}
