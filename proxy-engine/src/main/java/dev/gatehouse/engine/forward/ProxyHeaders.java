package dev.gatehouse.engine.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What a proxy does to headers on the way through, independent of the transport (plain Netty
 * {@link HttpHeaders}, so a channel-handler forwarder reuses it unchanged):
 *
 * <ul>
 *   <li>hop-by-hop headers (RFC 9110 7.6.1) are dropped in both directions: {@code Connection} and
 *       every header it names, {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE},
 *       {@code Trailer}, {@code Transfer-Encoding}, {@code Upgrade}, {@code Proxy-Authenticate},
 *       {@code Proxy-Authorization}. Each connection's own framing is then set by the caller;</li>
 *   <li>towards the backend, {@code X-Forwarded-For} gets the client address appended,
 *       {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} are set (replacing what the client
 *       sent, which cannot be trusted); {@code Host} passes unchanged.</li>
 * </ul>
 */
public final class ProxyHeaders {

    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    private static final AsciiString[] HOP_BY_HOP = {
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE,
            PROXY_CONNECTION,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE,
            HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.PROXY_AUTHORIZATION,
    };

    private ProxyHeaders() {
    }

    /** True for the fixed hop-by-hop header names (not those a Connection header lists). */
    public static boolean isHopByHop(CharSequence name) {
        for (AsciiString hop : HOP_BY_HOP) {
            if (hop.length() == name.length() && hop.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds every end-to-end header of {@code source} to {@code target}: all but the hop-by-hop ones
     * and those the source's {@code Connection} header names.
     */
    public static void copyEndToEnd(HttpHeaders source, HttpHeaders target) {
        List<String> connectionValues = source.contains(HttpHeaderNames.CONNECTION)
                ? source.getAll(HttpHeaderNames.CONNECTION) : List.of();
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = source.iteratorCharSequence();
        while (entries.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = entries.next();
            CharSequence name = header.getKey();
            if (isHopByHop(name) || (!connectionValues.isEmpty() && listedIn(connectionValues, name))) {
                continue;
            }
            target.add(name, header.getValue());
        }
    }

    /** True when one of the comma-separated tokens of the Connection values is {@code name}. */
    static boolean listedIn(List<String> connectionValues, CharSequence name) {
        for (String value : connectionValues) {
            int start = 0;
            int length = value.length();
            while (start < length) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? length : comma;
                int tokenStart = start;
                int tokenEnd = end;
                while (tokenStart < tokenEnd && isSpace(value.charAt(tokenStart))) {
                    tokenStart++;
                }
                while (tokenEnd > tokenStart && isSpace(value.charAt(tokenEnd - 1))) {
                    tokenEnd--;
                }
                if (tokenEnd - tokenStart == name.length()
                        && AsciiString.regionMatches(value, true, tokenStart, name, 0, name.length())) {
                    return true;
                }
                start = end + 1;
            }
        }
        return false;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * Sets the forwarding headers on a request going to a backend.
     *
     * @param target the backend request's headers, already holding the client's end-to-end headers
     *     (so any client-sent X-Forwarded-For is there to append to)
     * @param clientAddress the client's IP address as text, e.g. {@code 203.0.113.7} or {@code 2001:db8::1}
     * @param scheme the scheme the client used to reach the proxy, {@code http} or {@code https}
     * @param originalHost the Host the client sent; null leaves X-Forwarded-Host unset
     */
    public static void addForwardingHeaders(HttpHeaders target, String clientAddress, String scheme, CharSequence originalHost) {
        if (clientAddress != null) {
            List<String> existing = target.getAll(X_FORWARDED_FOR);
            if (existing.isEmpty()) {
                target.set(X_FORWARDED_FOR, clientAddress);
            } else {
                target.set(X_FORWARDED_FOR, String.join(", ", existing) + ", " + clientAddress);
            }
        }
        target.set(X_FORWARDED_PROTO, scheme);
        if (originalHost != null) {
            target.set(X_FORWARDED_HOST, originalHost);
        } else {
            target.remove(X_FORWARDED_HOST);
        }
    }
}
