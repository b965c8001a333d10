package dev.gatehouse.engine.forward;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decodes a backend's responses. A response to HEAD has headers only, whatever its Content-Length
 * says; an HTTP client codec learns the method from the requests it encodes, here the connection
 * knows it (one request at a time per backend connection), which spares a combined codec's
 * bookkeeping and delegation on every message.
 */
final class BackendResponseDecoder extends HttpResponseDecoder {

    private static final String[] COMMON_NAMES = {
            "Date", "Server", "Content-Type", "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding",
            "Last-Modified", "ETag", "Accept-Ranges", "Cache-Control", "Expires", "Vary", "Set-Cookie",
            "Location", "Content-Encoding", "X-Powered-By", "Strict-Transport-Security", "Pragma", "Age"};
    private static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.0"};
    /** Status codes 100-599 as text, so a status line's code is never a new string. */
    private static final String[] STATUS_CODES = statusCodes();
    private static final String[] REASONS = {
            "OK", "Not Modified", "No Content", "Found", "Moved Permanently", "See Other", "Temporary Redirect",
            "Permanent Redirect", "Partial Content", "Created", "Switching Protocols", "Bad Request", "Unauthorized",
            "Forbidden", "Not Found", "Internal Server Error", "Bad Gateway", "Service Unavailable", "Gateway Timeout"};
    /** Shared name constants by length, each in its usual spelling and in lower case. */
    private static final AsciiString[][] COMMON_BY_LENGTH = commonNamesByLength();

    private final BackendConnection connection;

    BackendResponseDecoder(HttpDecoderConfig config, BackendConnection connection) {
        super(config);
        this.connection = connection;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        if (connection.headRequest && msg instanceof HttpResponse response && response.status().code() >= 200) {
            return true;
        }
        return super.isContentAlwaysEmpty(msg);
    }

    @Override
    protected String splitFirstWordInitialLine(byte[] sb, int start, int length) {
        String version = shared(VERSIONS, sb, start, length);
        return version != null ? version : super.splitFirstWordInitialLine(sb, start, length);
    }

    @Override
    protected String splitSecondWordInitialLine(byte[] sb, int start, int length) {
        if (length == 3) {
            int code = (sb[start] - '0') * 100 + (sb[start + 1] - '0') * 10 + (sb[start + 2] - '0');
            if (code >= 100 && code < 600 && sameBytes(STATUS_CODES[code], sb, start)) {
                return STATUS_CODES[code];
            }
        }
        return super.splitSecondWordInitialLine(sb, start, length);
    }

    @Override
    protected String splitThirdWordInitialLine(byte[] sb, int start, int length) {
        String reason = shared(REASONS, sb, start, length);
        return reason != null ? reason : super.splitThirdWordInitialLine(sb, start, length);
    }

    /** The entry of {@code table} spelled exactly like the bytes, or null. */
    private static String shared(String[] table, byte[] sb, int start, int length) {
        for (String candidate : table) {
            if (candidate.length() == length && sameBytes(candidate, sb, start)) {
                return candidate;
            }
        }
        return null;
    }

    /** Whether the ASCII {@code text} is spelled exactly like the bytes at {@code start}. */
    private static boolean sameBytes(CharSequence text, byte[] sb, int start) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (text.charAt(i) != sb[start + i]) {
                return false;
            }
        }
        return true;
    }

    private static String[] statusCodes() {
        String[] codes = new String[600];
        for (int code = 100; code < 600; code++) {
            codes[code] = Integer.toString(code);
        }
        return codes;
    }

    @Override
    protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
        if (length < COMMON_BY_LENGTH.length) {
            for (AsciiString common : COMMON_BY_LENGTH[length]) {
                if (sameBytes(common, sb, start)) {
                    return common;
                }
            }
        }
        return super.splitHeaderName(sb, start, length);
    }

    private static AsciiString[][] commonNamesByLength() {
        int longest = 0;
        for (String name : COMMON_NAMES) {
            longest = Math.max(longest, name.length());
        }
        List<List<AsciiString>> byLength = new ArrayList<>();
        for (int i = 0; i <= longest; i++) {
            byLength.add(new ArrayList<>());
        }
        for (String name : COMMON_NAMES) {
            byLength.get(name.length()).add(AsciiString.cached(name));
            byLength.get(name.length()).add(AsciiString.cached(name.toLowerCase(Locale.ROOT)));
        }
        AsciiString[][] table = new AsciiString[longest + 1][];
        for (int i = 0; i <= longest; i++) {
            table[i] = byLength.get(i).toArray(AsciiString[]::new);
        }
        return table;
    }
}
