package dev.gatehouse.admin.it;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.config.ConfigPublisher;
import dev.gatehouse.admin.config.SnapshotBuilder;
import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.storage.revision.ConfigRevision;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/**
 * A backend's {@code protocol} through {@code /api/v1/backends}, against the real application (H2 file
 * database, the real engine): aliases are stored by their engine name, a missing one is HTTP/1.1, an
 * unknown one is a 400 naming the field that stores nothing, a revision stored before the field existed
 * restores as HTTP/1.1, and an HTTP/2 backend reaches a real h2c-only server, health checks included.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.admin-email=" + BackendProtocolApiTest.EMAIL,
    "gatehouse.admin-password=" + BackendProtocolApiTest.PASSWORD
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BackendProtocolApiTest {

    static final String EMAIL = "protocol-admin@example.test";
    static final String PASSWORD = "protocol-test-passphrase-9";

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
    ConfigPublisher publisher;
    @Autowired
    SnapshotBuilder snapshotBuilder;

    private static final AtomicInteger unique = new AtomicInteger();
    private static TestOrigin http1Origin;
    /** Speaks HTTP/2 with prior knowledge only: an HTTP/1.1 request (or health check) gets nowhere. */
    private static DisposableServer h2cOrigin;

    private AdminApi api;

    @BeforeAll
    static void startOrigins() {
        http1Origin = TestOrigin.start("one");
        h2cOrigin = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .protocol(HttpProtocol.H2C)
                .handle((request, response) -> response.header("content-type", "text/plain")
                        .sendString(Mono.just("h2c origin " + request.protocol() + " path " + request.uri())))
                .bindNow();
    }

    @AfterAll
    static void stopOrigins() {
        http1Origin.close();
        h2cOrigin.disposeNow();
    }

    @BeforeEach
    void connect() {
        api = new AdminApi(adminPort, EMAIL, PASSWORD);
    }

    private static String name(String prefix) {
        return prefix + "-" + unique.incrementAndGet();
    }

    private static String h2cAddress() {
        return "127.0.0.1:" + h2cOrigin.port();
    }

    /** protocol as sent (null = left out) | as answered and published. */
    static Stream<Arguments> protocols() {
        return Stream.of(
                Arguments.of(null, "http1", BackendProtocol.HTTP1),
                Arguments.of("http1", "http1", BackendProtocol.HTTP1),
                Arguments.of("HTTP/1.1", "http1", BackendProtocol.HTTP1),
                Arguments.of("http2", "http2", BackendProtocol.HTTP2),
                Arguments.of("h2c", "http2", BackendProtocol.HTTP2),
                Arguments.of("H2", "http2", BackendProtocol.HTTP2),
                Arguments.of("grpc", "http2", BackendProtocol.HTTP2));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("protocols")
    void theProtocolIsStoredByItsEngineNameAndPublished(String sent, String answered, BackendProtocol published) {
        String name = name("proto");
        String protocol = sent == null ? "" : "\"protocol\":\"" + sent + "\",";
        long before = revisions.latest().orElseThrow().number();

        Map<String, Object> created = api.create("/api/v1/backends",
                "{\"name\":\"" + name + "\"," + protocol + "\"servers\":[\"" + http1Origin.address() + "\"]}");

        assertThat(created).containsEntry("protocol", answered);
        assertThat(json("/api/v1/backends/" + AdminApi.id(created))).containsEntry("protocol", answered);
        assertThat(api.revision()).isEqualTo(before + 1);
        assertThat(published(name).protocol()).isEqualTo(published);
    }

    @Test
    void putReplacesTheWholeBackendSoALeftOutProtocolGoesBackToHttp1() {
        String name = name("put");
        long id = AdminApi.id(api.create("/api/v1/backends", "{\"name\":\"" + name + "\",\"protocol\":\"h2c\","
                + "\"balancing\":\"least-connections\",\"servers\":[\"" + h2cAddress() + "\"]}"));
        assertThat(published(name).protocol()).isEqualTo(BackendProtocol.HTTP2);

        api.put("/api/v1/backends/" + id, "{\"name\":\"" + name + "\",\"balancing\":\"least-connections\","
                + "\"servers\":[\"" + h2cAddress() + "\"]}").expectStatus().isOk()
                .expectBody().jsonPath("$.protocol").isEqualTo("http1");

        assertThat(json("/api/v1/backends/" + id)).containsEntry("protocol", "http1");
        assertThat(published(name).protocol()).isEqualTo(BackendProtocol.HTTP1);
    }

    @Test
    void anUnknownProtocolIsA400NamingTheFieldAndTheAllowedValuesAndStoresNothing() {
        api.expectRejected("/api/v1/backends", "{\"name\":\"" + name("bad") + "\",\"protocol\":\"spdy\",\"servers\":[\""
                + http1Origin.address() + "\"]}", "protocol", "protocol: unknown protocol 'spdy'; use one of http1, http2");
    }

    @Test
    void aRejectedProtocolChangeLeavesTheStoredBackendAsItWas() {
        String name = name("kept");
        long id = AdminApi.id(api.create("/api/v1/backends", "{\"name\":\"" + name + "\",\"protocol\":\"http2\","
                + "\"servers\":[\"" + h2cAddress() + "\"]}"));
        String before = api.json("/api/v1/backends/" + id);
        long revision = api.revision();

        api.put("/api/v1/backends/" + id, "{\"name\":\"" + name + "\",\"protocol\":\"http3\",\"servers\":[\""
                        + h2cAddress() + "\"]}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("protocol");

        assertThat(api.json("/api/v1/backends/" + id)).isEqualTo(before);
        assertThat(api.revision()).isEqualTo(revision);
        assertThat(published(name).protocol()).isEqualTo(BackendProtocol.HTTP2);
    }

    /**
     * The newest revision as the version before protocols would have stored it (HTTP/1.1 backends without
     * the field), run the way a start runs it: the engine gets HTTP/1.1 backends equal to what this
     * version builds from the tables, so the next save that changes nothing stores no revision.
     */
    @Test
    void aRevisionStoredWithoutTheFieldRestoresAsHttp1() {
        String name = name("old");
        long id = AdminApi.id(api.create("/api/v1/backends",
                "{\"name\":\"" + name + "\",\"servers\":[\"" + http1Origin.address() + "\"]}"));
        ConfigRevision latest = revisions.latest().orElseThrow();
        long restored = latest.number() + 1;
        String old = latest.snapshotJson().replace(",\"protocol\":\"http1\"", "")
                .replace("\"revision\":" + latest.number() + ",", "\"revision\":" + restored + ",");
        assertThat(old).as("the field was written, so leaving it out changes the JSON").doesNotContain("\"http1\"")
                .contains("\"revision\":" + restored + ",");
        revisions.insert(restored, old, "test", "a revision from before backend protocols");

        publisher.restoreAtStartup();

        assertThat(engine.status().liveRevision()).isEqualTo(restored);
        ConfigSnapshot read = SnapshotJson.read(restored, old);
        assertThat(read.backends()).filteredOn(backend -> backend.name().equals(name))
                .singleElement().satisfies(backend -> assertThat(backend.protocol()).isEqualTo(BackendProtocol.HTTP1));
        assertThat(read.sameContentAs(snapshotBuilder.build(restored))).as("what the tables say now").isTrue();

        api.put("/api/v1/backends/" + id, "{\"name\":\"" + name + "\",\"protocol\":\"http1\",\"servers\":[\""
                + http1Origin.address() + "\"]}").expectStatus().isOk();
        assertThat(api.revision()).as("an unchanged save is no change").isEqualTo(restored);
    }

    /**
     * End to end: a site whose backend is an h2c-only server. An HTTP/1.1 client's request arrives there as
     * HTTP/2, and the active health check, sent in HTTP/2 too, finds the server up.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aRequestThroughTheProxyReachesAnH2cOnlyServerAndItsHealthCheckPasses() {
        String name = name("h2c");
        api.create("/api/v1/backends", """
                {"name":"%s","protocol":"h2c","healthCheck":{"path":"/health","intervalMs":1000,"timeoutMs":500,
                 "healthyThreshold":1,"unhealthyThreshold":1},"servers":["%s"]}""".formatted(name, h2cAddress()));
        String host = name + ".example.test";
        api.createSite(host, name);

        ProxyClient.Answer answer = ProxyClient.get(api.proxyPort(), host, "/grpc.Service/Method");

        assertThat(answer).isEqualTo(new ProxyClient.Answer(200, "h2c origin HTTP/2.0 path /grpc.Service/Method"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Object> backend = api.list("/api/v1/backends/status").stream()
                    .filter(b -> name.equals(b.get("name"))).findFirst().orElseThrow();
            Map<String, Object> server = ((List<Map<String, Object>>) backend.get("servers")).get(0);
            assertThat(server).containsEntry("address", h2cAddress()).containsEntry("state", "up");
            assertThat((String) server.get("lastCheck")).as("the first health check").startsWith("status 200");
        });
    }

    /** The backend as the newest stored revision (the one the engine runs) has it. */
    private BackendDefinition published(String name) {
        ConfigRevision latest = revisions.latest().orElseThrow();
        assertThat(engine.status().liveRevision()).isEqualTo(latest.number());
        return SnapshotJson.read(latest.number(), latest.snapshotJson()).backends().stream()
                .filter(backend -> backend.name().equals(name)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(String path) {
        return api.get(path).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }
}
