package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/** Black-box: real origins on loopback, the real engine, a real HTTP client. */
class ProxyForwardingTest {

    private static final long FIFTY_MB = 50L * 1024 * 1024;

    private static TestOrigin originA;
    private static TestOrigin originB;
    private static TestOrigin pairOne;
    private static TestOrigin pairTwo;
    private static TestOrigin reuse;
    private static ProxyEngine engine;
    private static TestClient client;

    @BeforeAll
    static void start() {
        originA = TestOrigin.start("a");
        originB = TestOrigin.start("b");
        pairOne = TestOrigin.start("pair-1");
        pairTwo = TestOrigin.start("pair-2");
        reuse = TestOrigin.start("reuse");
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(2));
        List<BackendDefinition> backends = List.of(backend("a", originA), backend("b", originB),
                backend("pair", pairOne, pairTwo), backend("reuse", reuse));
        List<SiteDefinition> sites = List.of(
                site("1", "a.test", "a"),
                new SiteDefinition("2", List.of("b.test", "*.b.test"), true,
                        List.of(new RouteDefinition("/", "b"), new RouteDefinition("/to-a", "a"))),
                site("3", "pair.test", "pair"),
                site("4", "reuse.test", "reuse"));
        assertThat(engine.apply(new ConfigSnapshot(1, backends, sites)).outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
        client = new TestClient(engine.httpPort());
    }

    @AfterAll
    static void stop() {
        client.close();
        engine.close();
        for (TestOrigin origin : List.of(originA, originB, pairOne, pairTwo, reuse)) {
            origin.close();
        }
    }

    @Test
    void routesByHostAndReturnsTheOriginsResponseUnchanged() {
        TestClient.Response fromA = client.get("a.test", "/hello?x=1&y=%20");
        assertThat(fromA.status()).isEqualTo(200);
        assertThat(fromA.body()).isEqualTo("origin=a path=/hello?x=1&y=%20");
        assertThat(fromA.header("x-origin")).isEqualTo("a");
        assertThat(fromA.header("x-custom")).isEqualTo("kept");
        assertThat(fromA.headers().getAll("set-cookie")).containsExactly("a=1", "b=2");
        assertThat(fromA.header("content-length")).isEqualTo(String.valueOf(fromA.body().length()));

        assertThat(client.get("b.test", "/").body()).isEqualTo("origin=b path=/");
        assertThat(client.get("x.b.test", "/").body()).as("wildcard").isEqualTo("origin=b path=/");
        assertThat(client.get("B.Test:8080", "/").body()).as("Host case and port").isEqualTo("origin=b path=/");
        assertThat(client.get("b.test", "/to-a/x").body()).as("path route").isEqualTo("origin=a path=/to-a/x");
    }

    @Test
    void dropsHopByHopResponseHeaders() {
        TestClient.Response response = client.get("a.test", "/");
        assertThat(response.headers().names()).map(String::toLowerCase)
                .doesNotContain("keep-alive", "x-hop", "proxy-authenticate")
                .contains("x-origin", "x-custom");
        assertThat(response.header("connection")).isNull();
    }

    @ParameterizedTest(name = "status {0} passes through")
    @ValueSource(ints = {201, 204, 301, 304, 404, 418, 500, 503})
    void passesStatusCodesThrough(int status) {
        TestClient.Response response = client.get("a.test", "/status/" + status);
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("x-origin")).isEqualTo("a");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void requestHeadersReachTheOriginWithoutHopByHopAndWithForwardingHeaders() throws Exception {
        String response = TestClient.rawExchange(engine.httpPort(), """
                GET /headers?q=1 HTTP/1.1\r
                Host: A.test:8080\r
                Connection: close, X-Drop\r
                X-Drop: secret\r
                Keep-Alive: 300\r
                Proxy-Connection: keep-alive\r
                TE: trailers\r
                Upgrade: websocket\r
                Proxy-Authorization: Basic dXNlcjpwYXNz\r
                X-Forwarded-For: 198.51.100.9\r
                X-Forwarded-Proto: https\r
                X-Forwarded-Host: spoofed.test\r
                Authorization: Bearer end-to-end\r
                X-Keep: yes\r
                \r
                """);
        assertThat(response).startsWith("HTTP/1.1 200 OK");
        TestOrigin.SeenRequest seen = lastSeenAt(originA, "/headers?q=1");
        HttpHeaders headers = seen.headers();
        assertThat(headers.get("host")).isEqualTo("A.test:8080");
        // The client is not a trusted proxy: what it wrote is replaced by what the proxy saw.
        assertThat(headers.get("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(headers.get("x-forwarded-proto")).isEqualTo("http");
        assertThat(headers.get("x-forwarded-host")).isEqualTo("A.test:8080");
        assertThat(headers.get("authorization")).isEqualTo("Bearer end-to-end");
        assertThat(headers.get("x-keep")).isEqualTo("yes");
        assertThat(headers.names()).map(String::toLowerCase)
                .doesNotContain("x-drop", "keep-alive", "proxy-connection", "te", "upgrade", "proxy-authorization",
                        "user-agent", "accept");
        assertThat(seen.method()).isEqualTo("GET");
    }

    @Test
    void expectContinueUploadsGetTheirContinueThenTheOriginsAnswer() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", engine.httpPort())) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.InputStream in = socket.getInputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder interim = new StringBuilder();
            while (interim.indexOf("\r\n\r\n") < 0) {
                interim.append((char) in.read());
            }
            assertThat(interim.toString()).startsWith("HTTP/1.1 100 Continue\r\n");
            out.write("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("received=5");
        }
    }

    @Test
    void longRequestHeadersUpToThirtyTwoKilobytesPass() {
        String cookie = "c=" + "x".repeat(20_000);
        TestClient.Response response = client.send(HttpMethod.GET, "a.test", "/cookie", h -> h.set("cookie", cookie), null);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("x-origin")).isEqualTo("a");
        assertThat(lastSeenAt(originA, "/cookie").headers().get("cookie")).isEqualTo(cookie);
    }

    @Test
    void absoluteFormRequestsAreRoutedByTheirAuthority() throws Exception {
        String response = TestClient.rawExchange(engine.httpPort(),
                "GET http://b.test/absolute?z=9 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("origin=b path=/absolute?z=9");
        assertThat(lastSeenAt(originB, "/absolute?z=9").headers().get("host")).isEqualTo("b.test");
    }

    @Test
    void headKeepsTheOriginsContentLengthAndSendsNoBody() throws Exception {
        String response = TestClient.rawExchange(engine.httpPort(),
                "HEAD /fixed HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200 OK").contains("content-length: 10").endsWith("\r\n\r\n");
    }

    @Test
    void roundRobinAlternatesBetweenTheBackendsServers() {
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            origins.add(client.get("pair.test", "/").header("x-origin"));
        }
        assertThat(origins).containsOnly("pair-1", "pair-2");
        assertThat(origins.stream().filter("pair-1"::equals).count()).isEqualTo(5);
        for (int i = 1; i < origins.size(); i++) {
            assertThat(origins.get(i)).as("request %d", i).isNotEqualTo(origins.get(i - 1));
        }
    }

    @Test
    void reusesKeepAliveConnectionsToTheOrigin() {
        int before = reuse.connections.get();
        for (int i = 0; i < 200; i++) {
            assertThat(client.get("reuse.test", "/r" + i).status()).isEqualTo(200);
        }
        assertThat(reuse.requests.get()).isGreaterThanOrEqualTo(200);
        assertThat(reuse.connections.get() - before).as("new upstream connections for 200 sequential requests")
                .isBetween(1, 4);
    }

    @Test
    void streamsALargeChunkedUpload() {
        Flux<ByteBuf> body = Flux.range(0, (int) (FIFTY_MB / 65536)).map(i -> Unpooled.wrappedBuffer(new byte[65536]));
        String answer = client.raw()
                .headers(h -> h.set(HttpHeaderNames.HOST, "a.test"))
                .post().uri("/upload")
                .send(body)
                .responseSingle((response, content) -> content.asString())
                .block(Duration.ofSeconds(60));
        assertThat(answer).isEqualTo("received=" + FIFTY_MB);
    }

    @Test
    void streamsALargeUploadWithContentLength() {
        Flux<ByteBuf> body = Flux.range(0, (int) (FIFTY_MB / 65536)).map(i -> Unpooled.wrappedBuffer(new byte[65536]));
        String answer = client.raw()
                .headers(h -> h.set(HttpHeaderNames.HOST, "a.test").set(HttpHeaderNames.CONTENT_LENGTH, FIFTY_MB))
                .put().uri("/upload")
                .send(body)
                .responseSingle((response, content) -> content.asString())
                .block(Duration.ofSeconds(60));
        assertThat(answer).isEqualTo("received=" + FIFTY_MB);
        assertThat(lastSeenAt(originA, "/upload").headers().get("content-length")).isEqualTo(String.valueOf(FIFTY_MB));
    }

    @Test
    void streamsABodyOnAMethodReactorNettyWouldOtherwiseBuffer() {
        String answer = client.send(HttpMethod.DELETE, "a.test", "/upload", headers -> { }, "x".repeat(100_000)).body();
        assertThat(answer).isEqualTo("received=100000");
    }

    @Test
    void streamsALargeDownload() {
        long[] received = new long[1];
        Integer status = client.raw()
                .headers(h -> h.set(HttpHeaderNames.HOST, "a.test"))
                .get().uri("/download?bytes=" + FIFTY_MB)
                .response((response, content) -> content.doOnNext(buf -> received[0] += buf.readableBytes())
                        .then(reactor.core.publisher.Mono.just(response.status().code())))
                .blockLast(Duration.ofSeconds(60));
        assertThat(status).isEqualTo(200);
        assertThat(received[0]).isEqualTo(FIFTY_MB);
    }

    private static TestOrigin.SeenRequest lastSeenAt(TestOrigin origin, String uri) {
        TestOrigin.SeenRequest match = null;
        for (TestOrigin.SeenRequest request : origin.seen) {
            if (request.uri().equals(uri)) {
                match = request;
            }
        }
        assertThat(match).as("a request for %s at origin %s", uri, origin.name).isNotNull();
        return match;
    }
}
