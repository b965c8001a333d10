package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.storage.revision.ConfigRevision;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import dev.gatehouse.storage.site.SiteRepository;
import dev.gatehouse.storage.site.SiteWebsockets;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * The per-site WebSockets option through {@code /api/v1/sites}, against the real application (H2 file
 * database, the real engine): what is sent is stored, read back with the default filled in and
 * published as the engine's record; bad combinations are a 400 naming the field that stores nothing;
 * and the stored option decides live traffic: a WebSocket opened through the proxy's HTTP port
 * reaches a real echo server only on a site that has it on, and is closed after the site's idle timeout.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.admin-email=" + SiteWebsocketsApiTest.EMAIL,
    "gatehouse.admin-password=" + SiteWebsocketsApiTest.PASSWORD
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SiteWebsocketsApiTest {

    static final String EMAIL = "ws-admin@example.test";
    static final String PASSWORD = "websockets-test-passphrase-5";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("gatehouse.data-dir", () -> dataDir.toString());
    }

    @LocalServerPort
    int adminPort;
    @Autowired
    ProxyEngine engine;
    @Autowired
    ConfigRevisionRepository revisions;
    @Autowired
    SiteRepository siteRepository;

    private static final AtomicInteger unique = new AtomicInteger();
    private static EchoOrigin echo;
    private static String backend;

    private AdminApi api;

    @BeforeAll
    static void startOrigin() {
        echo = EchoOrigin.start();
    }

    @AfterAll
    static void stopOrigin() {
        echo.close();
    }

    @BeforeEach
    void connect() {
        api = new AdminApi(adminPort, EMAIL, PASSWORD);
        if (backend == null) {
            backend = "echo";
            api.createBackend(backend, echo.address());
        }
    }

    private static String host(String prefix) {
        return prefix + "-" + unique.incrementAndGet() + ".example.test";
    }

    private String siteBody(String host, String websocketFields) {
        return "{\"hostnames\":[\"" + host + "\"],\"backend\":\"" + backend + "\""
                + (websocketFields.isEmpty() ? "" : "," + websocketFields) + "}";
    }

    @Test
    void websocketsWithTheirOwnTimeoutAreStoredReadBackAndPublished() {
        String host = host("chat");
        long before = api.revision();

        Map<String, Object> created = api.create("/api/v1/sites",
                siteBody(host, "\"websockets\":true,\"websocketIdleTimeoutMs\":90000"));
        long id = AdminApi.id(created);
        Map<String, Object> read = json("/api/v1/sites/" + id);

        for (Map<String, Object> site : List.of(created, read)) {
            assertThat(site).containsEntry("websockets", true).containsEntry("websocketIdleTimeoutMs", 90000);
        }
        assertThat(api.list("/api/v1/sites")).filteredOn(site -> ((Number) site.get("id")).longValue() == id)
                .singleElement().satisfies(site -> assertThat(site).containsEntry("websocketIdleTimeoutMs", 90000));
        assertThat(api.revision()).isEqualTo(before + 1);
        assertThat(siteRepository.findById(id).orElseThrow().websockets()).isEqualTo(new SiteWebsockets(true, 90_000L));
        assertThat(published(id)).isEqualTo(new SiteDefinition(String.valueOf(id), List.of(host), true,
                List.of(new RouteDefinition("/", backend))).withWebsockets(true, Duration.ofSeconds(90)));
    }

    @Test
    void websocketsWithoutATimeoutReadBackWithTheDefaultAndStoreNone() {
        long id = AdminApi.id(api.create("/api/v1/sites", siteBody(host("ha"), "\"websockets\":true")));

        assertThat(json("/api/v1/sites/" + id)).containsEntry("websockets", true)
                .containsEntry("websocketIdleTimeoutMs", 600000);
        assertThat(siteRepository.findById(id).orElseThrow().websockets().idleTimeoutMs())
                .as("stored as 'the engine's default', not as today's number").isNull();
        assertThat(published(id).websockets()).isTrue();
        assertThat(published(id).websocketIdleTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aSiteWithoutTheFieldsHasWebsocketsOff() {
        String host = host("plain");
        long id = api.createSite(host, backend);

        Map<String, Object> read = json("/api/v1/sites/" + id);

        assertThat(read).containsEntry("websockets", false).containsEntry("websocketIdleTimeoutMs", null);
        assertThat(published(id)).isEqualTo(new SiteDefinition(String.valueOf(id), List.of(host), true,
                List.of(new RouteDefinition("/", backend))));
        assertThat(api.create("/api/v1/sites", siteBody(host("off"), "\"websockets\":false")))
                .containsEntry("websockets", false).containsEntry("websocketIdleTimeoutMs", null);
    }

    @Test
    void whatGetReturnsCanBePutBackAsItIs() {
        long on = AdminApi.id(api.create("/api/v1/sites", siteBody(host("round"), "\"websockets\":true")));
        long off = api.createSite(host("round"), backend);

        for (long id : List.of(on, off)) {
            Map<String, Object> read = new LinkedHashMap<>(json("/api/v1/sites/" + id));
            // what the server owns is not part of a request body
            read.keySet().removeAll(List.of("id", "createdAt", "updatedAt"));
            api.put("/api/v1/sites/" + id, JsonMapper.shared().writeValueAsString(read)).expectStatus().isOk();
        }

        assertThat(json("/api/v1/sites/" + on)).containsEntry("websockets", true).containsEntry("websocketIdleTimeoutMs", 600000);
        assertThat(json("/api/v1/sites/" + off)).containsEntry("websockets", false).containsEntry("websocketIdleTimeoutMs", null);
    }

    @Test
    void aPutWithoutWebsocketsTurnsThemOffAndOneWithAChangedTimeoutChangesIt() {
        String host = host("edit");
        long id = AdminApi.id(api.create("/api/v1/sites", siteBody(host, "\"websockets\":true,\"websocketIdleTimeoutMs\":5000")));

        api.put("/api/v1/sites/" + id, siteBody(host, "\"websockets\":true,\"websocketIdleTimeoutMs\":7200000"))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.websocketIdleTimeoutMs").isEqualTo(7200000);
        assertThat(published(id).websocketIdleTimeout()).isEqualTo(Duration.ofHours(2));

        api.put("/api/v1/sites/" + id, siteBody(host, "")).expectStatus().isOk();

        assertThat(json("/api/v1/sites/" + id)).containsEntry("websockets", false).containsEntry("websocketIdleTimeoutMs", null);
        assertThat(siteRepository.findById(id).orElseThrow().websockets()).isEqualTo(SiteWebsockets.OFF);
        assertThat(published(id).websockets()).isFalse();
    }

    /** One row per bad body: the WebSocket fields, the problem's field and (part of) its message. */
    static Stream<Arguments> badSites() {
        String onlyWhenOn = "only applies when websockets is on: turn websockets on, or leave the timeout out";
        return Stream.of(
                bad("timeout with websockets off", "\"websockets\":false,\"websocketIdleTimeoutMs\":60000",
                        "websocketIdleTimeoutMs", "websocketIdleTimeoutMs (1 min) " + onlyWhenOn),
                bad("timeout without websockets", "\"websocketIdleTimeoutMs\":600000",
                        "websocketIdleTimeoutMs", "websocketIdleTimeoutMs (10 min) " + onlyWhenOn),
                bad("timeout of 500 ms", "\"websockets\":true,\"websocketIdleTimeoutMs\":500",
                        "websocketIdleTimeoutMs", "websocketIdleTimeoutMs must be between 1 s and 24 h, was 500 ms"),
                bad("timeout of 0", "\"websockets\":true,\"websocketIdleTimeoutMs\":0",
                        "websocketIdleTimeoutMs", "websocketIdleTimeoutMs must be between 1 s and 24 h, was 0 ms"),
                bad("negative timeout", "\"websockets\":true,\"websocketIdleTimeoutMs\":-1000",
                        "websocketIdleTimeoutMs", "websocketIdleTimeoutMs must be between 1 s and 24 h, was -1 s"),
                bad("timeout of 25 h", "\"websockets\":true,\"websocketIdleTimeoutMs\":90000000",
                        "websocketIdleTimeoutMs", "websocketIdleTimeoutMs must be between 1 s and 24 h, was 25 h"),
                bad("websockets that is not a boolean", "\"websockets\":\"sometimes\"",
                        "websockets", "field 'websockets' must be true or false"),
                bad("timeout that is not a number", "\"websockets\":true,\"websocketIdleTimeoutMs\":\"10m\"",
                        "websocketIdleTimeoutMs", "field 'websocketIdleTimeoutMs' must be a number"),
                bad("timeout named as the engine has it", "\"websockets\":true,\"websocketIdleTimeout\":\"PT10M\"",
                        "websocketIdleTimeout", "unknown field 'websocketIdleTimeout'"));
    }

    private static Arguments bad(String title, String fields, String field, String message) {
        return Arguments.of(title, fields, field, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSites")
    void badInputIsA400NamingTheFieldAndStoresNothing(String title, String fields, String field, String message) {
        api.expectRejected("/api/v1/sites", siteBody(host("bad"), fields), field, message);
    }

    @Test
    void aRejectedReplacementLeavesTheSiteAsItWas() {
        String host = host("kept");
        long id = AdminApi.id(api.create("/api/v1/sites", siteBody(host, "\"websockets\":true,\"websocketIdleTimeoutMs\":120000")));
        String before = api.json("/api/v1/sites/" + id);
        long revision = api.revision();

        api.put("/api/v1/sites/" + id, siteBody(host, "\"websocketIdleTimeoutMs\":60000"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("websocketIdleTimeoutMs");

        assertThat(api.json("/api/v1/sites/" + id)).isEqualTo(before);
        assertThat(api.revision()).isEqualTo(revision);
        assertThat(published(id).websocketIdleTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aWebsocketPassesThroughTheProxyOnlyWhileTheSiteHasThemOn() throws Exception {
        String host = host("live");
        long id = api.createSite(host, backend);
        int proxyPort = api.proxyPort();

        assertThatThrownBy(() -> WebsocketSession.open(proxyPort, host))
                .as("WebSockets are off by default: the upgrade is dropped and the echo server answers plain HTTP")
                .hasRootCauseInstanceOf(WebSocketClientHandshakeException.class)
                .rootCause().hasMessageContaining("200");

        api.put("/api/v1/sites/" + id, siteBody(host, "\"websockets\":true")).expectStatus().isOk();
        try (WebsocketSession session = WebsocketSession.open(proxyPort, host)) {
            session.send("hello through gatehouse");
            assertThat(session.next()).isEqualTo("hello through gatehouse");
            session.send("second message");
            assertThat(session.next()).isEqualTo("second message");
        }
        assertThat(ProxyClient.get(proxyPort, host, "/plain").body()).as("plain HTTP still works next to WebSockets")
                .isEqualTo("plain http");

        api.put("/api/v1/sites/" + id, siteBody(host, "\"websockets\":false")).expectStatus().isOk();
        assertThatThrownBy(() -> WebsocketSession.open(proxyPort, host))
                .hasRootCauseInstanceOf(WebSocketClientHandshakeException.class);
    }

    @Test
    void aWebsocketIsClosedAfterTheSitesIdleTimeout() throws Exception {
        String host = host("idle");
        api.create("/api/v1/sites", siteBody(host, "\"websockets\":true,\"websocketIdleTimeoutMs\":1000"));

        try (WebsocketSession session = WebsocketSession.open(api.proxyPort(), host)) {
            session.send("ping");
            assertThat(session.next()).isEqualTo("ping");
            long quietSince = System.nanoTime();

            session.closed().get(10, TimeUnit.SECONDS);

            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quietSince)).isBetween(700L, 6_000L);
        }
    }

    private SiteDefinition published(long id) {
        ConfigRevision latest = revisions.latest().orElseThrow();
        assertThat(engine.status().liveRevision()).isEqualTo(latest.number());
        return SnapshotJson.read(latest.number(), latest.snapshotJson()).sites().stream()
                .filter(site -> site.id().equals(String.valueOf(id))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(String path) {
        return api.get(path).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    /**
     * A WebSocket client of the proxy's HTTP port with a chosen Host header (reactor-netty's: the JDK's
     * refuses to set Host without a JVM-wide system property). Text messages received are queued.
     */
    private static final class WebsocketSession implements AutoCloseable {

        private static final ConnectionProvider CONNECTIONS = ConnectionProvider.newConnection();

        private final Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();
        private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final CompletableFuture<Void> closed;
        private final CompletableFuture<Void> open = new CompletableFuture<>();

        private WebsocketSession(int port, String host) {
            closed = HttpClient.create(CONNECTIONS)
                    .host("127.0.0.1")
                    .port(port)
                    .headers(headers -> headers.set(HttpHeaderNames.HOST, host))
                    .websocket()
                    .uri("/chat")
                    .handle((in, out) -> {
                        open.complete(null);
                        // The session lasts as long as the server keeps the connection open.
                        Mono<Void> inbound = in.receive().asString().doOnNext(received::add).then();
                        Mono<Void> outbound = Mono.from(out.sendString(outgoing.asFlux())).then(Mono.never());
                        return inbound.or(outbound);
                    })
                    .then()
                    .doOnError(open::completeExceptionally)
                    .toFuture();
        }

        /** @throws Exception when the handshake fails (a site without WebSockets answers 200, not 101) */
        static WebsocketSession open(int port, String host) throws Exception {
            WebsocketSession session = new WebsocketSession(port, host);
            session.open.get(10, TimeUnit.SECONDS);
            return session;
        }

        void send(String text) {
            assertThat(outgoing.tryEmitNext(text).isSuccess()).isTrue();
        }

        String next() throws InterruptedException {
            return received.poll(5, TimeUnit.SECONDS);
        }

        CompletableFuture<Void> closed() {
            return closed;
        }

        @Override
        public void close() {
            outgoing.tryEmitComplete();
            closed.cancel(true);
        }
    }

    /**
     * A real WebSocket echo server on an ephemeral loopback port: every frame back as it came; plain
     * HTTP requests get {@code plain http}.
     */
    private static final class EchoOrigin implements AutoCloseable {

        private final DisposableServer server;

        private EchoOrigin() {
            server = HttpServer.create()
                    .host("127.0.0.1")
                    .port(0)
                    .handle((request, response) -> {
                        if (request.requestHeaders().containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) {
                            return response.sendWebsocket((in, out) -> out.sendObject(
                                    in.receiveFrames().map(WebSocketFrame::retain)), WebsocketServerSpec.builder().build());
                        }
                        return response.sendString(Mono.just("plain http"));
                    })
                    .bindNow(Duration.ofSeconds(10));
        }

        static EchoOrigin start() {
            return new EchoOrigin();
        }

        String address() {
            return "127.0.0.1:" + server.port();
        }

        @Override
        public void close() {
            server.disposeNow(Duration.ofSeconds(5));
        }
    }
}
