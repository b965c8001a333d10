package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/** The engine's own answers: default site, refused and slow backends, malformed requests. */
class ProxyErrorPagesTest {

    private static TestOrigin origin;
    private static ProxyEngine engine;
    private static TestClient client;

    @BeforeAll
    static void start() throws IOException {
        origin = TestOrigin.start("slowpoke");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0));
        List<BackendDefinition> backends = List.of(
                backend("refused", new ServerDefinition("127.0.0.1", closedPort)),
                new BackendDefinition("slow", List.of(origin.server()), null, Duration.ofMillis(300)),
                new BackendDefinition("unresolvable", List.of(new ServerDefinition("no-such-host.invalid", 80)),
                        Duration.ofSeconds(2), null));
        List<SiteDefinition> sites = List.of(
                site("1", "refused.test", "refused"),
                site("2", "slow.test", "slow"),
                site("3", "dns.test", "unresolvable"),
                new SiteDefinition("4", List.of("api-only.test"), true, List.of(new RouteDefinition("/api", "slow"))));
        assertThat(engine.apply(new ConfigSnapshot(1, backends, sites)).outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
        client = new TestClient(engine.httpPort());
    }

    @AfterAll
    static void stop() {
        client.close();
        engine.close();
        origin.close();
    }

    private static void assertBranded(TestClient.Response response, int status, String wording) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(response.header("cache-control")).isEqualTo("no-store");
        assertThat(response.body()).contains("<title>" + status).contains("Gatehouse</title>").contains(wording);
        assertThat(response.header("content-length")).isEqualTo(String.valueOf(response.body().getBytes().length));
    }

    @Test
    void unknownHostGetsTheDefaultSitePage() {
        TestClient.Response response = client.get("nobody-configured-me.test", "/anything");
        assertBranded(response, 404, "No site is configured for this host name");
        assertThat(response.body()).doesNotContain("nobody-configured-me");
    }

    @Test
    void anEngineWithNoConfigAnswersEveryHostWithTheDefaultSite() {
        try (ProxyEngine fresh = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0));
             TestClient freshClient = new TestClient(fresh.httpPort())) {
            assertBranded(freshClient.get("anything.test", "/"), 404, "No site is configured for this host name");
            assertBranded(freshClient.get("localhost", "/x"), 404, "No site is configured for this host name");
        }
    }

    @Test
    void pathWithoutRouteGetsItsOwn404() {
        assertBranded(client.get("api-only.test", "/elsewhere"), 404, "This site has no route for the requested path");
    }

    @Test
    void refusedBackendGets502() {
        assertBranded(client.get("refused.test", "/"), 502, "could not get a response from the server behind this site");
    }

    @Test
    void unresolvableBackendGets502() {
        assertBranded(client.get("dns.test", "/"), 502, "could not get a response from the server behind this site");
    }

    @Test
    void backendSlowerThanItsResponseTimeoutGets504() {
        long started = System.nanoTime();
        TestClient.Response response = client.get("slow.test", "/slow?ms=5000");
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertBranded(response, 504, "did not respond in time");
        assertThat(elapsedMillis).isBetween(250L, 3000L);
    }

    @Test
    void backendWithinItsResponseTimeoutAnswers() {
        assertThat(client.get("slow.test", "/slow?ms=50").body()).isEqualTo("slow origin=slowpoke");
    }

    @ParameterizedTest(name = "Host {0} -> 400")
    @ValueSource(strings = {
            "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
            "GET / HTTP/1.0\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: bad host.test\r\nConnection: close\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a.test:99999\r\nConnection: close\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: <script>alert(1)</script>\r\nConnection: close\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: refused.test\r\nHost: slow.test\r\nConnection: close\r\n\r\n",
            "GET ftp://a.test/ HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n",
    })
    void malformedOrMissingHostGets400(String request) throws IOException {
        String response = TestClient.rawExchange(engine.httpPort(), request);
        assertThat(response).matches("(?s)HTTP/1\\.[01] 400 Bad Request\r\n.*")
                .contains("content-type: text/html; charset=utf-8")
                .contains("The request did not name a valid host")
                .doesNotContain("<script>alert");
    }

    /** Hosts an HTTP decoder that parses the port itself would reject before the engine sees them. */
    @ParameterizedTest(name = "Host {0} -> 400")
    @ValueSource(strings = {
            "GET / HTTP/1.1\r\nHost: a.test:http\r\nConnection: close\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n",
    })
    void hostsTheDecoderCannotParseGet400(String request) throws IOException {
        String response = TestClient.rawExchange(engine.httpPort(), request);
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("The request did not name a valid host")
                .doesNotContain("a.test:http", "[::1");
    }

    @Test
    void ipv6LiteralHostIsWellFormedButUnknown() throws IOException {
        String response = TestClient.rawExchange(engine.httpPort(),
                "GET / HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404 Not Found").contains("No site is configured for this host name");
    }

    @Test
    void headOfAnErrorPageHasItsLengthButNoBody() throws IOException {
        String response = TestClient.rawExchange(engine.httpPort(),
                "HEAD / HTTP/1.1\r\nHost: nobody.test\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404 Not Found")
                .contains("content-length: " + dev.gatehouse.engine.errorpage.ErrorPage.NO_SITE.length())
                .endsWith("\r\n\r\n");
    }

    @Test
    void errorsLeaveTheClientConnectionUsable() {
        for (int i = 0; i < 5; i++) {
            assertThat(client.get("refused.test", "/").status()).isEqualTo(502);
            assertThat(client.get("nobody.test", "/").status()).isEqualTo(404);
            assertThat(client.get("slow.test", "/slow?ms=1").status()).isEqualTo(200);
        }
    }
}
