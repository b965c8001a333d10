package dev.gatehouse.storage.site;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The stored header policy of a site.
 *
 * @param passHost true (the default) = the backend gets the Host the client sent; false = the
 *                 server's own host:port
 * @param request  changes to requests going to the backend, in order; default none
 * @param response changes to responses going to the client, in order; default none
 * @param trustedProxies IP addresses or CIDR blocks of proxies in front whose forwarding headers are
 *                 believed, up to 64 characters each, in the order entered; default none
 * @param forwardedHeader also send the RFC 7239 {@code Forwarded} header; default false
 */
public record SiteHeaders(boolean passHost, List<Rule> request, List<Rule> response, List<String> trustedProxies,
                          boolean forwardedHeader) {

    /** Pass Host, change nothing, trust no proxy: a site as it was before it had a header policy. */
    public static final SiteHeaders DEFAULT = new SiteHeaders(true, List.of(), List.of(), List.of(), false);

    /** Longest trusted-proxy entry the schema holds. */
    public static final int MAX_TRUSTED_PROXY_LENGTH = 64;

    /**
     * @throws IllegalArgumentException if a trusted-proxy entry is blank or too long
     */
    public SiteHeaders {
        request = request == null ? List.of() : List.copyOf(request);
        response = response == null ? List.of() : List.copyOf(response);
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        for (String entry : trustedProxies) {
            if (entry.isBlank() || entry.length() > MAX_TRUSTED_PROXY_LENGTH) {
                throw new IllegalArgumentException("a trusted proxy entry must be 1 to " + MAX_TRUSTED_PROXY_LENGTH
                        + " characters, got '" + entry + "'");
            }
        }
    }

    /** Host passing and rules, trusting no proxy in front and sending no Forwarded header. */
    public SiteHeaders(boolean passHost, List<Rule> request, List<Rule> response) {
        this(passHost, request, response, List.of(), false);
    }

    /**
     * One header change. Which names and values are allowed is the admin app's business (it asks the
     * engine); the schema only holds them.
     *
     * @param action {@code set}, {@code add} or {@code remove}, stored lower-case
     * @param name   the header name, up to 256 characters
     * @param value  the value for set and add, up to 4096 characters; null for remove
     */
    public record Rule(String action, String name, String value) {

        public static final List<String> ACTIONS = List.of("set", "add", "remove");

        /**
         * @throws IllegalArgumentException if the action is not one of {@link #ACTIONS} or the name is blank
         */
        public Rule {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(name, "name");
            action = action.toLowerCase(Locale.ROOT);
            if (!ACTIONS.contains(action)) {
                throw new IllegalArgumentException("header rule action must be set, add or remove, got '" + action + "'");
            }
            if (name.isBlank()) {
                throw new IllegalArgumentException("header rule name must not be blank");
            }
            value = "remove".equals(action) ? null : value;
        }
    }
}
