package dev.gatehouse.engine.routing;

import java.util.Locale;

/**
 * Syntax of the host names a site answers to, and normalisation of the {@code Host} header of a
 * request so both sides compare as plain lower-case strings.
 *
 * <p>A site host name is 1-253 characters of labels separated by dots; each label is 1-63
 * characters of {@code [a-z0-9-]} not starting or ending with '-'. It may start with one wildcard
 * label {@code *.} followed by at least two labels ({@code *.example.com}); the wildcard stands for
 * exactly one label.
 */
public final class HostNames {

    /** Longest DNS name, RFC 1035. */
    public static final int MAX_LENGTH = 253;
    /** Longest DNS label, RFC 1035. */
    public static final int MAX_LABEL_LENGTH = 63;

    private HostNames() {
    }

    /**
     * Checks a site host name; the caller lower-cases and trims it first (upper-case letters are
     * reported as not allowed otherwise). The dashboard shows these sentences next to the field, so
     * they name the value and say how to fix it.
     *
     * @return null when valid, otherwise a sentence naming the problem and the value
     */
    public static String problemWith(String hostname) {
        if (hostname == null) {
            return "host name is missing";
        }
        if (hostname.isEmpty()) {
            return "host name is empty; enter a host name, e.g. app.example.com";
        }
        String quoted = "'" + hostname + "'";
        int scheme = hostname.indexOf("://");
        if (scheme >= 0) {
            return quoted + " must not contain a scheme; enter just the host name, e.g. "
                    + suggestion(hostname.substring(scheme + 3));
        }
        if (hostname.chars().anyMatch(Character::isWhitespace)) {
            return quoted + " must not contain spaces";
        }
        if (hostname.indexOf('/') >= 0 || hostname.indexOf('?') >= 0 || hostname.indexOf('#') >= 0) {
            return quoted + " must not contain a path; enter just the host name, e.g. " + suggestion(hostname);
        }
        if (hostname.indexOf(':') >= 0) {
            return quoted + " must not contain a port; enter just the host name, e.g. " + suggestion(hostname)
                    + " (the proxy listens on its own ports)";
        }
        if (hostname.length() > MAX_LENGTH) {
            return "is " + hostname.length() + " characters long; host names have at most " + MAX_LENGTH;
        }
        if (hostname.startsWith(".") || hostname.endsWith(".")) {
            return quoted + " must not start or end with a dot";
        }
        String[] labels = hostname.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            String label = labels[i];
            if (label.isEmpty()) {
                return quoted + " must not contain two dots in a row";
            }
            if (label.indexOf('*') >= 0) {
                if (i != 0 || !label.equals("*")) {
                    return quoted + " may only use '*' as the whole first label, e.g. *.example.com";
                }
                if (labels.length < 3) {
                    return quoted + " is too broad; a wildcard needs at least two labels after it, e.g. *.example.com";
                }
                continue;
            }
            String problem = labelProblem(quoted, label);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String labelProblem(String quoted, String label) {
        if (label.length() > MAX_LABEL_LENGTH) {
            return quoted + " has a label of " + label.length() + " characters; each part between dots has at most "
                    + MAX_LABEL_LENGTH;
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!allowed) {
                String hint = c > 127
                        ? "; write international names in their xn-- (punycode) form"
                        : "; host names use only letters, digits, '-' and '.'";
                return quoted + " contains '" + c + "'" + hint;
            }
        }
        if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
            return quoted + " has the label '" + label + "' which must not start or end with '-'";
        }
        return null;
    }

    /** The host part of something that looked like a URL, for "e.g. ..." hints. */
    private static String suggestion(String text) {
        String host = text;
        for (char stop : new char[] {'/', '?', '#', ':'}) {
            int at = host.indexOf(stop);
            if (at >= 0) {
                host = host.substring(0, at);
            }
        }
        host = host.strip();
        return host.isEmpty() || host.chars().anyMatch(Character::isWhitespace) ? "app.example.com" : host;
    }

    /** True for {@code *.example.com}. */
    public static boolean isWildcard(String hostname) {
        return hostname.startsWith("*.");
    }

    /**
     * The host name a {@code Host} header value names, lower-cased and without its port, or null when
     * the value is not a plausible host (empty, spaces, a bad port, an unclosed IPv6 bracket...).
     * An IPv6 literal keeps its brackets ({@code [::1]}); it never matches a site, so it gets the
     * default site, but it is not malformed.
     */
    public static String fromHostHeader(CharSequence value) {
        if (value == null) {
            return null;
        }
        int length = value.length();
        if (length == 0 || length > MAX_LENGTH + 8) {
            return null;
        }
        int hostEnd;
        int portStart;
        if (value.charAt(0) == '[') {
            int close = indexOf(value, ']', 1);
            if (close < 2) {
                return null;
            }
            for (int i = 1; i < close; i++) {
                char c = value.charAt(i);
                boolean allowed = c == ':' || c == '.' || isHexDigit(c);
                if (!allowed) {
                    return null;
                }
            }
            hostEnd = close + 1;
            if (hostEnd == length) {
                portStart = -1;
            } else if (value.charAt(hostEnd) == ':') {
                portStart = hostEnd + 1;
            } else {
                return null;
            }
        } else {
            int colon = indexOf(value, ':', 0);
            hostEnd = colon < 0 ? length : colon;
            portStart = colon < 0 ? -1 : colon + 1;
            if (hostEnd == 0) {
                return null;
            }
            for (int i = 0; i < hostEnd; i++) {
                char c = value.charAt(i);
                boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '.' || c == '_';
                if (!allowed) {
                    return null;
                }
            }
        }
        if (portStart >= 0 && !isPort(value, portStart, length)) {
            return null;
        }
        String host = value.subSequence(0, hostEnd).toString();
        // Browsers and curl may send the absolute form with a trailing dot; it names the same host.
        if (host.length() > 1 && host.charAt(host.length() - 1) == '.') {
            host = host.substring(0, host.length() - 1);
        }
        return toLowerAscii(host);
    }

    private static boolean isPort(CharSequence value, int from, int to) {
        if (from >= to || to - from > 5) {
            return false;
        }
        int port = 0;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int indexOf(CharSequence value, char c, int from) {
        for (int i = from; i < value.length(); i++) {
            if (value.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** Lower-cases ASCII letters, returning the same instance when there is nothing to change. */
    static String toLowerAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return s.toLowerCase(Locale.ROOT);
            }
        }
        return s;
    }
}
