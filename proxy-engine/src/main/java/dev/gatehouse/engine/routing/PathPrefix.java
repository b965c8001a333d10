package dev.gatehouse.engine.routing;

/**
 * Segment-aware path prefix matching: {@code /api} matches {@code /api}, {@code /api/} and
 * {@code /api/x} but not {@code /apix}; {@code /} matches every path; a prefix ending in '/'
 * ({@code /api/}) matches only paths below it.
 */
public final class PathPrefix {

    private PathPrefix() {
    }

    /** True when {@code path} (without query string) falls under {@code prefix}. */
    public static boolean matches(String prefix, String path) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        int end = prefix.length();
        return end == path.length() || prefix.charAt(end - 1) == '/' || path.charAt(end) == '/';
    }

    /** Null when valid, otherwise a sentence naming the problem and the value. */
    public static String problemWith(String prefix) {
        if (prefix == null) {
            return "path prefix is missing; use / to match every path";
        }
        if (!prefix.startsWith("/")) {
            return "path prefix '" + prefix + "' must start with '/'";
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return "path prefix '" + prefix + "' must not contain spaces or control characters";
            }
            if (c == '?' || c == '#') {
                return "path prefix '" + prefix + "' must not contain '" + c + "'; it matches the path only";
            }
        }
        return null;
    }
}
