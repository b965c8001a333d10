package dev.gatehouse.engine.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a site changes in the headers on the way through, applied after the proxy's own handling
 * (hop-by-hop headers dropped, {@code X-Forwarded-*} set).
 *
 * @param passHost true (the default): the backend gets the {@code Host} the client sent; false: it
 *     gets the server's own {@code host:port}, for apps that only answer to their own name
 * @param request changes to requests going to the backend, in order; default none
 * @param response changes to the backend's responses going to the client, in order; default none
 */
public record HeaderPolicy(boolean passHost, List<HeaderRule> request, List<HeaderRule> response) {

    /** Pass Host, change nothing. */
    public static final HeaderPolicy DEFAULT = new HeaderPolicy(true, List.of(), List.of());

    /**
     * Headers a rule may not touch: the proxy manages them (framing, connection handling, the host,
     * the forwarding headers) and changing them would break requests or lie to the backend.
     */
    public static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host");

    public HeaderPolicy {
        request = request == null ? List.of() : List.copyOf(request);
        response = response == null ? List.of() : List.copyOf(response);
    }

    public boolean changesNothing() {
        return passHost && request.isEmpty() && response.isEmpty();
    }

    /**
     * One change.
     *
     * @param action {@code SET} replaces every value of the header with {@code value}, {@code ADD}
     *     adds one more, {@code REMOVE} drops it ({@code value} unused)
     * @param name a header name (an HTTP token), case-insensitive
     * @param value for SET and ADD: the value, no control characters
     */
    public record HeaderRule(Action action, String name, String value) {

        public enum Action { SET, ADD, REMOVE }

        public static HeaderRule set(String name, String value) {
            return new HeaderRule(Action.SET, name, value);
        }

        public static HeaderRule add(String name, String value) {
            return new HeaderRule(Action.ADD, name, value);
        }

        public static HeaderRule remove(String name) {
            return new HeaderRule(Action.REMOVE, name, null);
        }

        /** What is wrong with the rule, or null. */
        public String problem() {
            if (action == null) {
                return "the header rule has no action (set, add or remove)";
            }
            if (name == null || name.isEmpty() || !name.chars().allMatch(HeaderRule::isTokenChar)) {
                return "header name '" + name + "' is not a valid header name";
            }
            if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                return "header '" + name + "' is managed by the proxy and cannot be changed";
            }
            if (action != Action.REMOVE) {
                if (value == null) {
                    return "header '" + name + "' needs a value";
                }
                if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
                    return "the value of header '" + name + "' contains control characters (line breaks are not allowed)";
                }
            }
            return null;
        }

        private static boolean isTokenChar(int c) {
            return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
    }
}
