package dev.gatehouse.engine.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
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
 *       {@code Proxy-Authorization}. They are removed in place from the message being forwarded
 *       ({@link #removeHopByHop}); each connection's own framing is then set by the caller;</li>
 *   <li>towards the backend, from a client that is not a trusted proxy, {@code X-Forwarded-For},
 *       {@code X-Forwarded-Proto}, {@code X-Forwarded-Host}, {@code X-Real-IP} and {@code Forwarded}
 *       are replaced by what the proxy saw (a client could write anything there); from a trusted
 *       proxy in front, the client address is appended to its chain and its proto and host are
 *       kept. {@code Host} passes unchanged.</li>
 * </ul>
 */
public final class ProxyHeaders {

    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    /** {@code X-Forwarded-Proto} of requests from the plain HTTP listener. */
    public static final AsciiString HTTP = AsciiString.cached("http");
    /** {@code X-Forwarded-Proto} of requests from the HTTPS listener. */
    public static final AsciiString HTTPS = AsciiString.cached("https");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    public static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    public static final AsciiString FORWARDED = AsciiString.cached("forwarded");

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
        return hopByHopIndex(name) >= 0;
    }

    /**
     * Removes, in place, every hop-by-hop header: the fixed ones and those the {@code Connection}
     * header names. One pass over the entries finds them, so a message without any (the common
     * case) costs no lookups or allocations beyond the iterator.
     */
    public static void removeHopByHop(HttpHeaders headers) {
        int found = 0;
        CharSequence connection = null;
        boolean repeatedConnection = false;
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = entries.next();
            int index = hopByHopIndex(header.getKey());
            if (index == 0) {
                repeatedConnection = connection != null;
                connection = header.getValue();
            }
            if (index >= 0) {
                found |= 1 << index;
            }
        }
        if (found == 0) {
            return;
        }
        if (connection != null) {
            // Index 0 is Connection: drop what it names first, then Connection itself below.
            if (repeatedConnection) {
                for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
                    removeListed(headers, value);
                }
            } else {
                removeListed(headers, connection);
            }
        }
        for (int i = 0; i < HOP_BY_HOP.length; i++) {
            if ((found & (1 << i)) != 0) {
                headers.remove(HOP_BY_HOP[i]);
            }
        }
    }

    private static void removeListed(HttpHeaders headers, CharSequence connectionValue) {
        int start = 0;
        int length = connectionValue.length();
        while (start < length) {
            int end = start;
            while (end < length && connectionValue.charAt(end) != ',') {
                end++;
            }
            int tokenStart = start;
            int tokenEnd = end;
            while (tokenStart < tokenEnd && isSpace(connectionValue.charAt(tokenStart))) {
                tokenStart++;
            }
            while (tokenEnd > tokenStart && isSpace(connectionValue.charAt(tokenEnd - 1))) {
                tokenEnd--;
            }
            // "close" names no header and "keep-alive" is removed anyway: the usual values cost nothing.
            if (tokenEnd > tokenStart && !isToken(connectionValue, tokenStart, tokenEnd, HttpHeaderValues.CLOSE)
                    && !isToken(connectionValue, tokenStart, tokenEnd, HttpHeaderValues.KEEP_ALIVE)) {
                headers.remove(connectionValue.subSequence(tokenStart, tokenEnd).toString());
            }
            start = end + 1;
        }
    }

    private static boolean isToken(CharSequence value, int start, int end, AsciiString token) {
        return end - start == token.length() && AsciiString.regionMatches(value, true, start, token, 0, token.length());
    }

    /** The index in {@link #HOP_BY_HOP} of a fixed hop-by-hop name, or -1; dispatches on length first. */
    private static int hopByHopIndex(CharSequence name) {
        int length = name.length();
        for (int i = 0; i < HOP_BY_HOP.length; i++) {
            AsciiString hop = HOP_BY_HOP[i];
            if (hop.length() == length && hop.contentEqualsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
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
        addForwardingHeaders(target, clientAddress, (CharSequence) scheme, originalHost);
    }

    /**
     * As {@link #addForwardingHeaders(HttpHeaders, String, String, CharSequence)}, with the scheme as
     * any text: the forwarder passes a constant {@link #HTTP} or {@link #HTTPS} per listener.
     */
    public static void addForwardingHeaders(HttpHeaders target, String clientAddress, CharSequence scheme,
                                            CharSequence originalHost) {
        addForwardingHeaders(target, clientAddress, scheme, originalHost, false, false);
    }

    /**
     * Sets the forwarding headers, believing those a trusted proxy in front sent.
     *
     * @param fromTrustedProxy the connection comes from a proxy the site trusts: its X-Forwarded-*
     *     and Forwarded are extended rather than replaced
     * @param forwarded also set RFC 7239 {@code Forwarded}
     */
    public static void addForwardingHeaders(HttpHeaders target, String clientAddress, CharSequence scheme,
                                            CharSequence originalHost, boolean fromTrustedProxy, boolean forwarded) {
        if (!fromTrustedProxy) {
            // Whatever a client wrote here is made up: the backend gets only what the proxy saw.
            target.remove(X_FORWARDED_FOR);
            target.remove(X_REAL_IP);
            target.remove(FORWARDED);
        } else {
            CharSequence proto = target.get(X_FORWARDED_PROTO);
            CharSequence host = target.get(X_FORWARDED_HOST);
            if (proto != null) {
                scheme = proto;
            }
            if (host != null) {
                originalHost = host;
            }
        }
        if (forwarded) {
            String element = forwardedElement(clientAddress, scheme, originalHost);
            String existing = fromTrustedProxy ? String.join(", ", target.getAll(FORWARDED)) : "";
            target.set(FORWARDED, existing.isEmpty() ? element : existing + ", " + element);
        }
        if (clientAddress != null) {
            List<String> existing = target.contains(X_FORWARDED_FOR) ? target.getAll(X_FORWARDED_FOR) : List.of();
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

    /** One RFC 7239 element: {@code for=192.0.2.1;proto=https;host="a.example:8443"}; IPv6 and ports quoted. */
    static String forwardedElement(String clientAddress, CharSequence scheme, CharSequence host) {
        StringBuilder element = new StringBuilder(64);
        if (clientAddress != null) {
            element.append("for=");
            if (clientAddress.indexOf(':') >= 0) {
                element.append("\"[").append(clientAddress).append("]\"");
            } else {
                element.append(clientAddress);
            }
        }
        if (scheme != null) {
            element.append(element.length() == 0 ? "" : ";").append("proto=").append(scheme);
        }
        if (host != null) {
            element.append(element.length() == 0 ? "" : ";").append("host=\"").append(host).append('"');
        }
        return element.toString();
    }

    private static final AsciiString[] HTTP2_EXTENSIONS = {
            HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(),
            HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(),
            HttpConversionUtil.ExtensionHeaderNames.PATH.text(),
            HttpConversionUtil.ExtensionHeaderNames.STREAM_PROMISE_ID.text(),
            HttpConversionUtil.ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text(),
            HttpConversionUtil.ExtensionHeaderNames.STREAM_WEIGHT.text(),
    };

    /**
     * Removes the {@code x-http2-*} headers Netty's HTTP/2-to-HTTP/1 conversion adds (stream id,
     * scheme...), and any a client sent itself: they describe the client's HTTP/2 stream, not the
     * request, and must not reach a backend.
     */
    public static void removeHttp2Extensions(HttpHeaders headers) {
        for (AsciiString name : HTTP2_EXTENSIONS) {
            headers.remove(name);
        }
    }
}
