package dev.gatehouse.engine.forward;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ProxyHeadersTest {

    /** Builds headers from name, value, name, value... keeping order and repeats. */
    private static HttpHeaders headers(String... nameValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(nameValues[i], nameValues[i + 1]);
        }
        return headers;
    }

    private static List<String> entries(HttpHeaders headers) {
        return headers.entries().stream().map(e -> e.getKey().toLowerCase() + ": " + e.getValue()).toList();
    }

    static Stream<Arguments> hopByHopCases() {
        return Stream.of(
                arguments("end-to-end headers pass in order, repeats kept",
                        headers("Host", "a.test", "Content-Type", "text/plain", "Set-Cookie", "a=1", "Set-Cookie", "b=2",
                                "Content-Length", "5"),
                        List.of("host: a.test", "content-type: text/plain", "set-cookie: a=1", "set-cookie: b=2",
                                "content-length: 5")),
                arguments("every fixed hop-by-hop header is dropped, whatever its case",
                        headers("connection", "keep-alive", "Keep-Alive", "timeout=5", "PROXY-CONNECTION", "keep-alive",
                                "TE", "trailers", "Trailer", "Expires", "Transfer-Encoding", "chunked", "Upgrade", "h2c",
                                "Proxy-Authenticate", "Basic", "Proxy-Authorization", "Basic eA==", "X-Kept", "1"),
                        List.of("x-kept: 1")),
                arguments("headers named by Connection are dropped too",
                        headers("Connection", "close, X-Secret", "X-Secret", "s", "X-Kept", "1"),
                        List.of("x-kept: 1")),
                arguments("Connection tokens are trimmed and case-insensitive, across repeated Connection headers",
                        headers("Connection", "x-a ,  X-B", "connection", "x-c", "X-A", "1", "x-b", "2", "X-C", "3", "X-D", "4"),
                        List.of("x-d: 4")),
                arguments("a name only containing a listed token is kept",
                        headers("Connection", "x-a", "X-AB", "1", "X-A", "2"),
                        List.of("x-ab: 1")),
                arguments("nothing in, nothing out", headers(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hopByHopCases")
    void removesHopByHopHeadersInPlaceKeepingTheRestInOrder(String description, HttpHeaders headers, List<String> expected) {
        ProxyHeaders.removeHopByHop(headers);
        assertThat(entries(headers)).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0} is hop-by-hop")
    @ValueSource(strings = {"Connection", "keep-alive", "Proxy-Connection", "te", "Trailer", "TRANSFER-ENCODING", "Upgrade",
            "proxy-authenticate", "Proxy-Authorization"})
    void knowsTheHopByHopNames(String name) {
        assertThat(ProxyHeaders.isHopByHop(name)).isTrue();
    }

    @ParameterizedTest(name = "{0} is end-to-end")
    @ValueSource(strings = {"Host", "Content-Length", "Authorization", "Cookie", "Trailers", "X-Connection", "Expect"})
    void keepsEndToEndNames(String name) {
        assertThat(ProxyHeaders.isHopByHop(name)).isFalse();
    }

    static Stream<Arguments> forwardingCases() {
        return Stream.of(
                arguments("first proxy: X-Forwarded-For is the client", false, false,
                        headers("Host", "a.test"), "203.0.113.7", "a.test",
                        Map.of("x-forwarded-for", "203.0.113.7", "x-forwarded-proto", "http", "x-forwarded-host", "a.test")),
                arguments("an untrusted client's X-Forwarded-For, X-Real-IP and Forwarded are dropped", false, false,
                        headers("X-Forwarded-For", "198.51.100.1", "X-Real-IP", "198.51.100.1", "Forwarded", "for=1.2.3.4"),
                        "203.0.113.7", "a.test:8080",
                        Map.of("x-forwarded-for", "203.0.113.7", "x-forwarded-host", "a.test:8080")),
                arguments("client-sent proto and host are replaced, not trusted", false, false,
                        headers("X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.test"), "203.0.113.7", "a.test",
                        Map.of("x-forwarded-proto", "http", "x-forwarded-host", "a.test")),
                arguments("behind a trusted proxy: the client is appended to its chain", true, false,
                        headers("X-Forwarded-For", "198.51.100.1"), "203.0.113.7", "a.test:8080",
                        Map.of("x-forwarded-for", "198.51.100.1, 203.0.113.7", "x-forwarded-host", "a.test:8080")),
                arguments("a trusted proxy's repeated X-Forwarded-For headers are joined in order", true, false,
                        headers("X-Forwarded-For", "10.0.0.1", "x-forwarded-for", "10.0.0.2, 10.0.0.3"), "2001:db8::1", "a.test",
                        Map.of("x-forwarded-for", "10.0.0.1, 10.0.0.2, 10.0.0.3, 2001:db8::1")),
                arguments("a trusted proxy's proto and host are kept (TLS ended in front)", true, false,
                        headers("X-Forwarded-Proto", "https", "X-Forwarded-Host", "shop.example"), "10.0.0.5", "backend.lan",
                        Map.of("x-forwarded-proto", "https", "x-forwarded-host", "shop.example")),
                arguments("RFC 7239 Forwarded, IPv6 quoted", false, true,
                        headers("Forwarded", "for=6.6.6.6"), "2001:db8::1", "a.test:8443",
                        Map.of("forwarded", "for=\"[2001:db8::1]\";proto=http;host=\"a.test:8443\"")),
                arguments("RFC 7239 Forwarded from a trusted proxy is extended", true, true,
                        headers("Forwarded", "for=198.51.100.1;proto=https"), "10.0.0.5", "a.test",
                        Map.of("forwarded", "for=198.51.100.1;proto=https, for=10.0.0.5;proto=http;host=\"a.test\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forwardingCases")
    void setsForwardingHeaders(String description, boolean trusted, boolean forwarded, HttpHeaders target, String client,
                               String host, Map<String, String> expected) {
        ProxyHeaders.addForwardingHeaders(target, client, "http", host, trusted, forwarded);
        expected.forEach((name, value) -> assertThat(target.getAll(name)).as(name).containsExactly(value));
        if (!trusted) {
            assertThat(target.contains("x-real-ip")).isFalse();
        }
    }

    @Test
    void removesTheHttp2ConversionHeadersOnly() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("host", "a.test")
                .add("x-http2-stream-id", "3")
                .add("x-http2-scheme", "http")
                .add("x-http2-path", "/")
                .add("x-http2-stream-weight", "16")
                .add("x-http2-stream-dependency-id", "0")
                .add("x-http2-stream-promise-id", "2")
                .add("x-http2-custom", "kept")
                .add("accept", "*/*");
        ProxyHeaders.removeHttp2Extensions(headers);
        assertThat(headers.names()).containsExactlyInAnyOrder("host", "x-http2-custom", "accept");
    }

    @Test
    void leavesHostUntouched() {
        HttpHeaders target = headers("Host", "Original.Example:8080");
        ProxyHeaders.addForwardingHeaders(target, "192.0.2.1", "http", "Original.Example:8080");
        assertThat(target.get("host")).isEqualTo("Original.Example:8080");
    }
}
