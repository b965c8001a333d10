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
 * @param trustedProxies addresses or CIDR blocks ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) of
 *     proxies or load balancers in front whose {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}
 *     and {@code Forwarded} are believed and extended; default none: those headers from any client
 *     are replaced, so a backend never sees a client-made-up address
 * @param forwardedHeader also send RFC 7239 {@code Forwarded: for=...;proto=...;host=...}; default false
 */
public record HeaderPolicy(boolean passHost, List<HeaderRule> request, List<HeaderRule> response,
                           List<String> trustedProxies, boolean forwardedHeader) {

    /** Pass Host, change nothing, trust no proxy in front. */
    public static final HeaderPolicy DEFAULT = new HeaderPolicy(true, List.of(), List.of(), List.of(), false);

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
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }

    /** Host passing and header rules, no trusted proxies, no Forwarded header. */
    public HeaderPolicy(boolean passHost, List<HeaderRule> request, List<HeaderRule> response) {
        this(passHost, request, response, List.of(), false);
    }

    /** This policy trusting these proxies in front, with or without the Forwarded header. */
    public HeaderPolicy withForwarding(List<String> trustedProxies, boolean forwardedHeader) {
        return new HeaderPolicy(passHost, request, response, trustedProxies, forwardedHeader);
    }

    public boolean changesNothing() {
        return passHost && request.isEmpty() && response.isEmpty() && trustedProxies.isEmpty() && !forwardedHeader;
    }

    /** What is wrong with a trusted-proxy entry, or null: an IP address, optionally /prefix. */
    public static String trustedProxyProblem(String entry) {
        if (entry == null || entry.isBlank()) {
            return "a trusted proxy entry is empty";
        }
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry.trim() : entry.substring(0, slash).trim();
        byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            return "trusted proxy '" + entry + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8)";
        }
        if (isIpv4Mapped(bytes)) {
            // Connections from IPv4 clients are matched as IPv4: a mapped form would silently mean another range.
            return "trusted proxy '" + entry + "' is an IPv4-mapped IPv6 address; write it as IPv4 (e.g. 10.0.0.0/8)";
        }
        if (slash >= 0) {
            int prefix;
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1).trim());
            } catch (NumberFormatException e) {
                return "trusted proxy '" + entry + "' has a prefix length that is not a number";
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                return "trusted proxy '" + entry + "' has prefix /" + prefix + "; use 0-" + (bytes.length * 8);
            }
        }
        return null;
    }

    private static boolean isIpv4Mapped(byte[] address) {
        if (address.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
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
