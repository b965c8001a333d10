package dev.gatehouse.admin.backend;

import dev.gatehouse.engine.config.ServerDefinition;
import java.util.Locale;

/**
 * A server entry as people write it: {@code host:port}, {@code [ipv6]:port}, or the URL a browser
 * shows, {@code https://host:port} (also {@code http://}). A URL's scheme is taken apart from the
 * address, which is always stored as the engine's canonical {@code host:port}; a URL without a port
 * gets its scheme's (80 or 443), and a trailing {@code /} is dropped. Anything else after the
 * address (a path, query or fragment) is refused: a server is a place to connect to, paths belong
 * to the site.
 *
 * @param scheme {@code http} or {@code https} when the entry was a URL, null when it was {@code host:port}
 * @param address canonical {@code host:port}
 */
record ServerAddress(String scheme, String address) {

    static final String HTTP = "http";
    static final String HTTPS = "https";

    /**
     * @throws IllegalArgumentException with a message that starts with {@code address '<entry>'} (or
     *     {@code address is empty}) like the engine's, so callers can put their field name in front
     */
    static ServerAddress parse(String entry) {
        if (entry == null || entry.isBlank()) {
            return new ServerAddress(null, ServerDefinition.parse(entry).address());
        }
        String trimmed = entry.strip();
        int separator = trimmed.indexOf("://");
        if (separator < 0) {
            return new ServerAddress(null, ServerDefinition.parse(trimmed).address());
        }
        String scheme = trimmed.substring(0, separator).toLowerCase(Locale.ROOT);
        if (!scheme.equals(HTTP) && !scheme.equals(HTTPS)) {
            throw new IllegalArgumentException("address '" + trimmed + "' has scheme '" + trimmed.substring(0, separator)
                    + "'; only http:// and https:// are allowed, or host:port alone");
        }
        String rest = trimmed.substring(separator + 3);
        int end = firstOf(rest, '/', '?', '#');
        if (end >= 0) {
            String tail = rest.substring(end);
            if (!tail.equals("/")) {
                throw new IllegalArgumentException("address '" + trimmed + "' has a path or query ('" + tail
                        + "'); a server is only " + scheme + "://host:port, paths belong to the site");
            }
            rest = rest.substring(0, end);
        }
        String hostPort = hasPort(rest) ? rest : rest + ":" + (scheme.equals(HTTPS) ? 443 : 80);
        try {
            return new ServerAddress(scheme, ServerDefinition.parse(hostPort).address());
        } catch (IllegalArgumentException e) {
            // The engine quotes what it parsed; quote what was typed, so the person finds it.
            throw new IllegalArgumentException(e.getMessage().replace("'" + hostPort + "'", "'" + trimmed + "'"), e);
        }
    }

    /** Whether {@code host:port} text names a port ({@code [::1]} and {@code host} do not). */
    private static boolean hasPort(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 || close + 1 < hostPort.length();
        }
        return hostPort.indexOf(':') >= 0;
    }

    private static int firstOf(String text, char... characters) {
        int first = -1;
        for (char c : characters) {
            int at = text.indexOf(c);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }
}
