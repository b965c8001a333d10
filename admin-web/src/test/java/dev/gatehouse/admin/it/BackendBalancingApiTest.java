package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.storage.revision.ConfigRevision;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * Load balancing, health checks, weights, backup and drain through {@code /api/v1/backends}, against
 * the real application (H2 file database, the real engine, real origins): what is sent is stored,
 * read back with every default filled in, and published as the engine's records; bad input is a 400
 * naming the field that stores nothing; drain and undrain change live traffic at once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.admin-email=" + BackendBalancingApiTest.EMAIL,
    "gatehouse.admin-password=" + BackendBalancingApiTest.PASSWORD
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BackendBalancingApiTest {

    static final String EMAIL = "balancing-admin@example.test";
    static final String PASSWORD = "balancing-test-passphrase-7";

    private static final String POLICIES = "round-robin, weighted-round-robin, least-connections, "
            + "power-of-two-choices, client-ip-hash, sticky-cookie";

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

    private static final AtomicInteger unique = new AtomicInteger();
    private static TestOrigin originA;
    private static TestOrigin originB;

    private AdminApi api;

    @BeforeAll
    static void startOrigins() {
        originA = TestOrigin.start("a");
        originB = TestOrigin.start("b");
    }

    @AfterAll
    static void stopOrigins() {
        originA.close();
        originB.close();
    }

    @BeforeEach
    void connect() {
        api = new AdminApi(adminPort, EMAIL, PASSWORD);
    }

    private static String name(String prefix) {
        return prefix + "-" + unique.incrementAndGet();
    }

    @Test
    void everyFieldIsStoredReadBackAndPublishedToTheEngine() {
        String name = name("full");
        String body = """
                {"name":"%s","balancing":"least-connections","connectTimeoutMs":1500,"responseTimeoutMs":90000,
                 "maxRetries":4,"passiveHealth":{"maxFailures":5,"ejectForSeconds":45},
                 "healthCheck":{"path":"/health","intervalMs":15000,"timeoutMs":2500,"expectedStatusMin":200,
                                "expectedStatusMax":299,"healthyThreshold":1,"unhealthyThreshold":4},
                 "servers":[{"address":"%s","weight":2,"backup":false,"drained":false},
                            {"address":"%s","weight":1000,"backup":true,"drained":true}]}"""
                .formatted(name, originA.address(), originB.address());
        long before = api.revision();

        Map<String, Object> created = api.create("/api/v1/backends", body);
        long id = AdminApi.id(created);
        Map<String, Object> read = json("/api/v1/backends/" + id);

        for (Map<String, Object> backend : List.of(created, read)) {
            assertThat(backend).containsEntry("name", name)
                    .containsEntry("balancing", "least-connections")
                    .containsEntry("connectTimeoutMs", 1500)
                    .containsEntry("responseTimeoutMs", 90000)
                    .containsEntry("maxRetries", 4)
                    .containsEntry("passiveHealth", Map.of("maxFailures", 5, "ejectForSeconds", 45))
                    .containsEntry("healthCheck", Map.of("path", "/health", "intervalMs", 15000, "timeoutMs", 2500,
                            "expectedStatusMin", 200, "expectedStatusMax", 299, "healthyThreshold", 1,
                            "unhealthyThreshold", 4))
                    .containsEntry("servers", List.of(
                            httpServer(originA.address(), 2, false, false),
                            httpServer(originB.address(), 1000, true, true)))
                    .containsEntry("usedBySites", List.of())
                    .containsKeys("createdAt", "updatedAt");
        }
        assertThat(api.revision()).isEqualTo(before + 1);
        assertThat(engine.status().liveRevision()).as("live when the call returned").isEqualTo(before + 1);
        assertThat(published(name)).isEqualTo(new BackendDefinition(name,
                List.of(ServerDefinition.parse(originA.address()).withWeight(2),
                        ServerDefinition.parse(originB.address()).withWeight(1000).asBackup().withDrained(true)),
                Duration.ofMillis(1500), Duration.ofSeconds(90), LoadBalancing.LEAST_CONNECTIONS,
                new HealthCheckDefinition("/health", Duration.ofSeconds(15), Duration.ofMillis(2500), 200, 299, 1, 4),
                new PassiveHealthDefinition(5, Duration.ofSeconds(45)), 4));
    }

    @Test
    void theShapeClientsSentBeforeGetsEveryDefaultFilledIn() {
        String name = name("plain");
        long id = AdminApi.id(api.create("/api/v1/backends",
                "{\"name\":\"" + name + "\",\"servers\":[{\"address\":\"" + originA.address() + "\"},\"" + originB.address() + "\"]}"));

        Map<String, Object> read = json("/api/v1/backends/" + id);

        assertThat(read).containsEntry("balancing", "round-robin")
                .containsEntry("connectTimeoutMs", 5000)
                .containsEntry("responseTimeoutMs", 60000)
                .containsEntry("maxRetries", 2)
                .containsEntry("passiveHealth", Map.of("maxFailures", 3, "ejectForSeconds", 30))
                .containsEntry("idleTimeoutMs", 30000)
                .containsEntry("maxConnectionsPerServer", 0)
                .containsEntry("queueSize", 100)
                .containsEntry("queueTimeoutMs", 10000)
                .containsEntry("servers", List.of(
                        httpServer(originA.address(), 1, false, false),
                        httpServer(originB.address(), 1, false, false)));
        assertThat(read).containsKey("healthCheck");
        assertThat(read.get("healthCheck")).as("no active check").isNull();
        assertThat(published(name)).isEqualTo(new BackendDefinition(name,
                List.of(ServerDefinition.parse(originA.address()), ServerDefinition.parse(originB.address()))));
    }

    @Test
    void putReplacesTheWholeBackendSoLeftOutFieldsGoBackToTheirDefaults() {
        String name = name("put");
        long id = AdminApi.id(api.create("/api/v1/backends", """
                {"name":"%s","balancing":"sticky-cookie","maxRetries":0,"healthCheck":{"path":"/ready"},
                 "servers":[{"address":"%s","weight":3}]}""".formatted(name, originA.address())));
        assertThat(json("/api/v1/backends/" + id).get("healthCheck")).isEqualTo(Map.of("path", "/ready",
                "intervalMs", 10000, "timeoutMs", 2000, "expectedStatusMin", 200, "expectedStatusMax", 399,
                "healthyThreshold", 1, "unhealthyThreshold", 3));

        api.put("/api/v1/backends/" + id, "{\"name\":\"" + name + "\",\"healthCheck\":null,\"servers\":[\""
                + originA.address() + "\"]}").expectStatus().isOk();

        Map<String, Object> read = json("/api/v1/backends/" + id);
        assertThat(read).containsEntry("balancing", "round-robin").containsEntry("maxRetries", 2)
                .containsEntry("servers", List.of(httpServer(originA.address(), 1, false, false)));
        assertThat(read.get("healthCheck")).isNull();
        assertThat(published(name).healthCheck()).isNull();
    }

    /** One row per bad body: the problem's field and message. */
    static Stream<Arguments> badBackends() {
        return Stream.of(
                bad("unknown policy", "\"balancing\":\"fastest\"", "balancing",
                        "balancing: unknown load balancing 'fastest'; use one of " + POLICIES),
                bad("weight 0", "\"servers\":[{\"address\":\"10.0.0.1:80\",\"weight\":0}]", "servers[0].weight",
                        "servers[0].weight must be between 1 and 1000, was 0"),
                bad("weight that is not a number", "\"servers\":[{\"address\":\"10.0.0.1:80\",\"weight\":\"heavy\"}]",
                        "servers[0].weight", "field 'servers[0].weight' must be a number"),
                bad("only backups", "\"servers\":[{\"address\":\"10.0.0.1:80\",\"backup\":true}]", "servers",
                        "at least one server must not be a backup"),
                bad("the same address twice", "\"servers\":[\"10.0.0.1:80\",{\"address\":\"10.0.0.1:80\",\"backup\":true}]",
                        "servers[1]", "servers[1] '10.0.0.1:80' is listed twice"),
                bad("maxRetries 11", "\"maxRetries\":11", "maxRetries", "maxRetries must be between 0 and 10, was 11"),
                bad("connect timeout 50 ms", "\"connectTimeoutMs\":50", "connectTimeoutMs",
                        "connectTimeoutMs must be between 100 ms and 5 min, was 50 ms"),
                bad("response timeout 2 h", "\"responseTimeoutMs\":7200000", "responseTimeoutMs",
                        "responseTimeoutMs must be between 1 s and 1 h, was 2 h"),
                bad("passive failures 101", "\"passiveHealth\":{\"maxFailures\":101}", "passiveHealth.maxFailures",
                        "passiveHealth.maxFailures must be between 0 (passive checks off) and 100, was 101"),
                bad("eject for 0 s", "\"passiveHealth\":{\"ejectForSeconds\":0}", "passiveHealth.ejectForSeconds",
                        "passiveHealth.ejectForSeconds must be between 1 and 3600, was 0"),
                bad("path without slash", "\"healthCheck\":{\"path\":\"health\"}", "healthCheck.path",
                        "healthCheck.path 'health' must start with '/', e.g. /health"),
                bad("timeout not below the interval", "\"healthCheck\":{\"intervalMs\":2000,\"timeoutMs\":2000}",
                        "healthCheck.timeoutMs", "healthCheck.timeoutMs (2 s) must be shorter than healthCheck.intervalMs (2 s)"),
                bad("status range upside down", "\"healthCheck\":{\"expectedStatusMin\":500,\"expectedStatusMax\":200}",
                        "healthCheck.expectedStatusMax",
                        "healthCheck.expectedStatusMax (200) must not be below healthCheck.expectedStatusMin (500)"),
                bad("threshold 0", "\"healthCheck\":{\"unhealthyThreshold\":0}", "healthCheck.unhealthyThreshold",
                        "healthCheck.unhealthyThreshold must be between 1 and 10, was 0"),
                bad("misspelt health check field", "\"healthCheck\":{\"pth\":\"/health\"}", "healthCheck.pth",
                        "unknown field 'healthCheck.pth'"));
    }

    private static Arguments bad(String title, String fields, String field, String message) {
        return Arguments.of(title, fields, field, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBackends")
    void badInputIsA400NamingTheFieldAndStoresNothing(String title, String fields, String field, String message) {
        String name = name("bad");
        String body = "{\"name\":\"" + name + "\"," + (fields.startsWith("\"servers\"") ? fields
                : fields + ",\"servers\":[\"" + originA.address() + "\"]") + "}";
        api.expectRejected("/api/v1/backends", body, field, message);
    }

    @Test
    void aRejectedReplacementLeavesTheStoredBackendAsItWas() {
        String name = name("kept");
        long id = AdminApi.id(api.create("/api/v1/backends", """
                {"name":"%s","balancing":"weighted-round-robin","servers":[{"address":"%s","weight":5}]}"""
                .formatted(name, originA.address())));
        String before = api.json("/api/v1/backends/" + id);
        long revision = api.revision();

        api.put("/api/v1/backends/" + id, """
                {"name":"%s","balancing":"weighted-round-robin","maxRetries":3,
                 "servers":[{"address":"%s","weight":5},{"address":"%s","weight":1001}]}"""
                .formatted(name, originA.address(), originB.address()))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("servers[1].weight");

        assertThat(api.json("/api/v1/backends/" + id)).isEqualTo(before);
        assertThat(api.revision()).isEqualTo(revision);
    }

    @Test
    void drainAndUndrainChangeTheStoredFlagAndLiveTrafficAtOnce() {
        String backend = name("drain");
        long id = AdminApi.id(api.create("/api/v1/backends", "{\"name\":\"" + backend + "\",\"servers\":[\""
                + originA.address() + "\",\"" + originB.address() + "\"]}"));
        String host = name("drain") + ".example.test";
        api.createSite(host, backend);
        int proxyPort = api.proxyPort();
        assertThat(originsReached(proxyPort, host, 6)).as("round robin over both").containsExactlyInAnyOrder("a", "b");
        long revision = api.revision();

        api.post("/api/v1/backends/" + id + "/servers/drain", "{\"address\":\" " + originA.address() + " \"}")
                .expectStatus().isOk().expectBody()
                .jsonPath("$.servers[0].address").isEqualTo(originA.address())
                .jsonPath("$.servers[0].drained").isEqualTo(true)
                .jsonPath("$.servers[1].drained").isEqualTo(false);

        assertThat(api.revision()).isEqualTo(revision + 1);
        assertThat(json("/api/v1/backends/" + id).get("servers")).isEqualTo(List.of(
                httpServer(originA.address(), 1, false, true),
                httpServer(originB.address(), 1, false, false)));
        assertThat(published(backend).servers().get(0).drained()).isTrue();
        assertThat(originsReached(proxyPort, host, 6)).as("the drained server gets no new request").containsExactly("b");

        api.post("/api/v1/backends/" + id + "/servers/undrain", "{\"address\":\"" + originA.address() + "\"}")
                .expectStatus().isOk().expectBody().jsonPath("$.servers[0].drained").isEqualTo(false);

        assertThat(api.revision()).isEqualTo(revision + 2);
        assertThat(originsReached(proxyPort, host, 6)).as("back in turn").containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void drainingAServerTheBackendDoesNotHaveIsA404NamingTheAddressAndChangesNothing() {
        String backend = name("nodrain");
        long id = api.createBackend(backend, originA.address());
        String before = api.json("/api/v1/backends/" + id);
        long revision = api.revision();

        api.post("/api/v1/backends/" + id + "/servers/drain", "{\"address\":\"10.9.9.9:80\"}")
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("backend '" + backend + "' has no server '10.9.9.9:80'; "
                        + "its servers are " + originA.address());
        api.post("/api/v1/backends/" + id + "/servers/undrain", "{\"address\":\"\"}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("address");
        api.post("/api/v1/backends/999999/servers/drain", "{\"address\":\"" + originA.address() + "\"}")
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.detail").isEqualTo("there is no backend with id 999999");

        assertThat(api.json("/api/v1/backends/" + id)).isEqualTo(before);
        assertThat(api.revision()).isEqualTo(revision);
    }

    /** A plain-HTTP server as answers show it: scheme, certificate check and TLS name at their defaults. */
    static Map<String, Object> httpServer(String address, int weight, boolean backup, boolean drained) {
        Map<String, Object> server = new HashMap<>();
        server.put("address", address);
        server.put("scheme", "http");
        server.put("weight", weight);
        server.put("backup", backup);
        server.put("drained", drained);
        server.put("verifyTls", true);
        server.put("tlsServerName", null);
        return server;
    }

    /** Which origins answered {@code count} requests to the site. */
    private static List<String> originsReached(int proxyPort, String host, int count) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ProxyClient.Answer answer = ProxyClient.get(proxyPort, host, "/");
            assertThat(answer.status()).as("request %d to %s", i, host).isEqualTo(200);
            names.add(answer.body().split(" ")[1]);
        }
        return List.copyOf(names);
    }

    /** The backend as the newest stored revision (the one the engine runs) has it. */
    private BackendDefinition published(String name) {
        ConfigRevision latest = revisions.latest().orElseThrow();
        assertThat(engine.status().liveRevision()).isEqualTo(latest.number());
        return SnapshotJson.read(latest.number(), latest.snapshotJson()).backends().stream()
                .filter(backend -> backend.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    @SuppressWarnings("unchecked")
    void liveStatusShowsEachServersStateChecksAndTraffic() throws Exception {
        String name = name("live");
        String dead;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = "127.0.0.1:" + socket.getLocalPort(); // nothing listens once closed
        }
        api.create("/api/v1/backends", """
                {"name":"%s","healthCheck":{"path":"/health","intervalMs":1000,"timeoutMs":300,
                 "healthyThreshold":1,"unhealthyThreshold":1},
                 "servers":[{"address":"%s"},{"address":"%s"}]}""".formatted(name, originA.address(), dead));
        String host = name + ".example.test";
        api.createSite(host, name);

        Map<String, Object> backend = null;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            backend = api.list("/api/v1/backends/status").stream().filter(b -> name.equals(b.get("name")))
                    .findFirst().orElse(null);
            List<Map<String, Object>> servers = backend == null ? List.of() : (List<Map<String, Object>>) backend.get("servers");
            if (servers.size() == 2 && "down".equals(servers.get(1).get("state")) && servers.get(0).get("lastCheck") != null) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(backend).isNotNull();
        List<Map<String, Object>> servers = (List<Map<String, Object>>) backend.get("servers");
        assertThat(servers.get(0)).containsEntry("address", originA.address()).containsEntry("state", "up")
                .containsEntry("eligible", true);
        assertThat((String) servers.get(0).get("lastCheck")).startsWith("status ");
        assertThat(servers.get(1)).containsEntry("address", dead).containsEntry("state", "down")
                .containsEntry("eligible", false);
        assertThat((String) servers.get(1).get("lastCheck")).contains("connect failed");

        // Traffic goes to the live server only; its rate shows on the next reading.
        for (int i = 0; i < 20; i++) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", api.proxyPort())) {
                socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(response).startsWith("HTTP/1.1 200");
            }
        }
        Thread.sleep(600);
        Map<String, Object> after = api.list("/api/v1/backends/status").stream()
                .filter(b -> name.equals(b.get("name"))).findFirst().orElseThrow();
        Map<String, Object> live = ((List<Map<String, Object>>) after.get("servers")).get(0);
        assertThat(((Number) live.get("requestsPerSecond")).doubleValue()).isPositive();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(String path) {
        return api.get(path).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }
}
