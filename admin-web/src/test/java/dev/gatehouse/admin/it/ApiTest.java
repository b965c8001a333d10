package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The REST API against the real application: real H2 file database in a temporary data directory,
 * the real engine on an ephemeral port, real origins behind it. Every change must be live when the
 * API call returns.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.admin-email=" + ApiTest.EMAIL,
    "gatehouse.admin-password=" + ApiTest.PASSWORD
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ApiTest {

    static final String EMAIL = "api-admin@example.test";
    static final String PASSWORD = "api-test-passphrase-42";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("gatehouse.data-dir", () -> dataDir.toString());
    }

    @LocalServerPort
    int adminPort;

    private static final AtomicInteger unique = new AtomicInteger();
    private static TestOrigin originA;
    private static TestOrigin originB;
    /** Created by the first test: a backend "fixture" and the site taken.example.test routing to it. */
    private static Long fixtureBackendId;
    private static long fixtureSiteId;

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
    void connectAndCreateFixture() {
        api = new AdminApi(adminPort, EMAIL, PASSWORD);
        if (fixtureBackendId == null) {
            fixtureBackendId = api.createBackend("fixture", originA.address());
            fixtureSiteId = api.createSite("taken.example.test", "fixture");
        }
    }

    private static String name(String prefix) {
        return prefix + "-" + unique.incrementAndGet();
    }

    @Test
    void backendCrudUsesTheDocumentedJson() {
        long before = api.revision();
        api.post("/api/v1/backends", "{\"name\":\"app\",\"servers\":[{\"address\":\"127.0.0.1:18080\"}]}")
                .expectStatus().isCreated()
                .expectHeader().valueMatches(HttpHeaders.LOCATION, "/api/v1/backends/\\d+")
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.id").isNumber()
                .jsonPath("$.name").isEqualTo("app")
                .jsonPath("$.servers[0].address").isEqualTo("127.0.0.1:18080")
                .jsonPath("$.servers.length()").isEqualTo(1)
                .jsonPath("$.usedBySites").isEmpty()
                .jsonPath("$.createdAt").isNotEmpty()
                .jsonPath("$.updatedAt").isNotEmpty();
        long id = api.list("/api/v1/backends").stream().filter(b -> "app".equals(b.get("name")))
                .map(AdminApi::id).findFirst().orElseThrow();

        api.get("/api/v1/backends/" + id).expectStatus().isOk().expectBody()
                .jsonPath("$.name").isEqualTo("app");
        api.put("/api/v1/backends/" + id,
                        "{\"name\":\"app-renamed\",\"servers\":[\"127.0.0.1:18081\",{\"address\":\"localhost:18082\"}]}")
                .expectStatus().isOk().expectBody()
                .jsonPath("$.id").isEqualTo(id)
                .jsonPath("$.name").isEqualTo("app-renamed")
                .jsonPath("$.servers[0].address").isEqualTo("127.0.0.1:18081")
                .jsonPath("$.servers[1].address").isEqualTo("localhost:18082");
        api.delete("/api/v1/backends/" + id).expectStatus().isNoContent().expectBody().isEmpty();
        api.get("/api/v1/backends/" + id).expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("there is no backend with id " + id);

        assertThat(api.revision()).as("create, update and delete each publish one revision").isEqualTo(before + 3);
    }

    @Test
    void aNewSiteRoutesOnTheVeryFirstRequestAndEveryEditIsLiveAtOnce() {
        String backendA = name("route-a");
        String backendB = name("route-b");
        api.createBackend(backendA, originA.address());
        api.createBackend(backendB, originB.address());
        String host = name("route") + ".example.test";
        int proxyPort = api.proxyPort();
        assertThat(ProxyClient.get(proxyPort, host, "/").status()).as("unknown host before the site exists")
                .isEqualTo(404);

        Map<String, Object> site = api.create("/api/v1/sites",
                "{\"hostnames\":[\"" + host + "\"],\"backend\":\"" + backendA + "\"}");
        assertThat(site).containsEntry("hostnames", List.of(host)).containsEntry("backend", backendA)
                .containsEntry("enabled", true).containsKeys("createdAt", "updatedAt");
        long id = AdminApi.id(site);
        assertThat(ProxyClient.get(proxyPort, host, "/hello"))
                .isEqualTo(new ProxyClient.Answer(200, "origin a host " + host + " path /hello"));

        api.put("/api/v1/sites/" + id, "{\"hostnames\":[\"" + host + "\"],\"backend\":\"" + backendB + "\"}")
                .expectStatus().isOk().expectBody().jsonPath("$.backend").isEqualTo(backendB);
        assertThat(ProxyClient.get(proxyPort, host, "/x").body()).isEqualTo("origin b host " + host + " path /x");

        api.put("/api/v1/sites/" + id,
                        "{\"hostnames\":[\"" + host + "\"],\"backend\":\"" + backendB + "\",\"enabled\":false}")
                .expectStatus().isOk().expectBody().jsonPath("$.enabled").isEqualTo(false);
        assertThat(ProxyClient.get(proxyPort, host, "/").status()).as("disabled site").isEqualTo(404);

        api.put("/api/v1/sites/" + id, "{\"hostnames\":[\"" + host + "\"],\"backend\":\"" + backendA + "\"}")
                .expectStatus().isOk().expectBody().jsonPath("$.enabled").isEqualTo(false);
        api.put("/api/v1/sites/" + id,
                        "{\"hostnames\":[\"" + host + "\"],\"backend\":\"" + backendA + "\",\"enabled\":true}")
                .expectStatus().isOk();
        assertThat(ProxyClient.get(proxyPort, host, "/").body()).startsWith("origin a ");

        api.get("/api/v1/backends").expectStatus().isOk().expectBody()
                .jsonPath("$[?(@.name == '" + backendA + "')].usedBySites[0]").isEqualTo(host);

        api.delete("/api/v1/sites/" + id).expectStatus().isNoContent();
        assertThat(ProxyClient.get(proxyPort, host, "/").status()).as("deleted site").isEqualTo(404);
        api.get("/api/v1/sites/" + id).expectStatus().isNotFound();
    }

    @Test
    void wildcardSitesRouteOneLabelDeep() {
        String backend = name("wild");
        api.createBackend(backend, originB.address());
        String zone = name("zone") + ".example.test";
        api.createSite("*." + zone, backend);
        int proxyPort = api.proxyPort();
        assertThat(ProxyClient.get(proxyPort, "shop." + zone, "/").body()).startsWith("origin b host shop." + zone);
        assertThat(ProxyClient.get(proxyPort, zone, "/").status()).isEqualTo(404);
    }

    @Test
    void theRevisionMovesOncePerChangeAndNotForANoOp() {
        long start = api.revision();
        String backend = name("rev");
        long backendId = api.createBackend(backend, originA.address());
        assertThat(api.revision()).isEqualTo(start + 1);
        String host = name("rev") + ".example.test";
        long siteId = api.createSite(host, backend);
        assertThat(api.revision()).isEqualTo(start + 2);

        api.put("/api/v1/sites/" + siteId, "{\"hostnames\":[\"" + host.toUpperCase() + "\"],\"backend\":\"" + backend + "\"}")
                .expectStatus().isOk().expectBody().jsonPath("$.hostnames[0]").isEqualTo(host);
        assertThat(api.revision()).as("the same routing again is not a new revision").isEqualTo(start + 2);

        api.delete("/api/v1/sites/" + siteId).expectStatus().isNoContent();
        api.delete("/api/v1/backends/" + backendId).expectStatus().isNoContent();
        assertThat(api.revision()).isEqualTo(start + 4);
        Map<String, Object> status = api.status();
        assertThat(status).containsEntry("engineRunning", true).containsKeys("httpPort", "sites", "enabledSites",
                "backends", "revisionCreatedAt");
        assertThat(((Number) status.get("httpPort")).intValue()).isPositive();
    }

    /** One row per bad input: the call, the expected status, and what the answer must name. */
    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("malformed JSON", HttpMethod.POST, "/api/v1/sites", MediaType.APPLICATION_JSON,
                        "{\"hostnames\":[\"a.example.test\"", 400, "request body is not valid JSON", null),
                Arguments.of("no body", HttpMethod.POST, "/api/v1/backends", MediaType.APPLICATION_JSON, null, 400,
                        "request body is missing; send a JSON object", null),
                Arguments.of("wrong JSON type", HttpMethod.POST, "/api/v1/backends", MediaType.APPLICATION_JSON,
                        "{\"name\":\"typed\",\"servers\":\"127.0.0.1:8080\"}", 400,
                        "request body is not valid JSON: field 'servers' must be a list", "servers"),
                Arguments.of("unknown field", HttpMethod.POST, "/api/v1/sites", MediaType.APPLICATION_JSON,
                        "{\"hostnames\":[\"u.example.test\"],\"backend\":\"fixture\",\"hostname\":\"x\"}", 400,
                        "unknown field 'hostname'", "hostname"),
                Arguments.of("hostname with spaces", HttpMethod.POST, "/api/v1/sites", MediaType.APPLICATION_JSON,
                        "{\"hostnames\":[\"my site.example.test\"],\"backend\":\"fixture\"}", 400,
                        "hostnames[0] 'my site.example.test' must not contain spaces", "hostnames[0]"),
                Arguments.of("hostname with a scheme", HttpMethod.POST, "/api/v1/sites", MediaType.APPLICATION_JSON,
                        "{\"hostnames\":[\"ok.example.test\",\"http://a.com\"],\"backend\":\"fixture\"}", 400,
                        "hostnames[1] 'http://a.com' must not contain a scheme; enter just the host name, e.g. a.com",
                        "hostnames[1]"),
                Arguments.of("no hostnames", HttpMethod.POST, "/api/v1/sites", MediaType.APPLICATION_JSON,
                        "{\"hostnames\":[],\"backend\":\"fixture\"}", 400, "at least one hostname is required",
                        "hostnames"),
                Arguments.of("empty server list", HttpMethod.POST, "/api/v1/backends", MediaType.APPLICATION_JSON,
                        "{\"name\":\"empty\",\"servers\":[]}", 400, "at least one server is required", "servers"),
                Arguments.of("port out of range", HttpMethod.POST, "/api/v1/backends", MediaType.APPLICATION_JSON,
                        "{\"name\":\"big-port\",\"servers\":[{\"address\":\"host:99999\"}]}", 400,
                        "servers[0] 'host:99999' has port 99999; ports are 1-65535", "servers[0]"),
                Arguments.of("duplicate hostname", HttpMethod.POST, "/api/v1/sites", MediaType.APPLICATION_JSON,
                        "{\"hostnames\":[\"Taken.Example.Test\"],\"backend\":\"fixture\"}", 409,
                        "'taken.example.test' is already used by site {site}", "hostnames"),
                Arguments.of("unknown backend", HttpMethod.POST, "/api/v1/sites", MediaType.APPLICATION_JSON,
                        "{\"hostnames\":[\"ghost.example.test\"],\"backend\":\"ghost\"}", 400,
                        "no backend named 'ghost'", "backend"),
                Arguments.of("duplicate backend name", HttpMethod.POST, "/api/v1/backends", MediaType.APPLICATION_JSON,
                        "{\"name\":\"fixture\",\"servers\":[\"127.0.0.1:1\"]}", 409,
                        "a backend named 'fixture' already exists", "name"),
                Arguments.of("deleting a backend in use", HttpMethod.DELETE, "/api/v1/backends/{backend}", null, null,
                        409, "backend 'fixture' is used by site(s) taken.example.test", "name"),
                Arguments.of("the same hostname twice", HttpMethod.PUT, "/api/v1/sites/{site}",
                        MediaType.APPLICATION_JSON, "{\"hostnames\":[\"t.example.test\",\"t.example.test\"],"
                                + "\"backend\":\"fixture\"}", 409, "hostnames[1] 't.example.test' is listed twice",
                        "hostnames"),
                Arguments.of("not JSON", HttpMethod.POST, "/api/v1/backends", MediaType.TEXT_PLAIN, "name=x", 415,
                        "content type 'text/plain' is not supported", null),
                Arguments.of("no such site", HttpMethod.PUT, "/api/v1/sites/999999", MediaType.APPLICATION_JSON,
                        "{\"hostnames\":[\"n.example.test\"],\"backend\":\"fixture\"}", 404,
                        "there is no site with id 999999", null),
                Arguments.of("id that is not a number", HttpMethod.GET, "/api/v1/sites/abc", null, null, 400,
                        "'abc' is not a valid id", null),
                Arguments.of("unknown API path", HttpMethod.GET, "/api/v1/nothing-here", null, null, 404,
                        "there is no API resource at /api/v1/nothing-here", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputGetsAClearProblemAndChangesNothing(String title, HttpMethod method, String path,
                                                    MediaType contentType, String body, int status,
                                                    String expectedDetail, String expectedField) {
        String storedBackends = api.json("/api/v1/backends");
        String storedSites = api.json("/api/v1/sites");
        long revision = api.revision();

        String uri = path.replace("{backend}", String.valueOf(fixtureBackendId))
                .replace("{site}", String.valueOf(fixtureSiteId));
        WebTestClient.RequestBodySpec request = api.client().method(method).uri(uri);
        if (contentType != null) {
            request.contentType(contentType);
        }
        WebTestClient.ResponseSpec response = body == null ? request.exchange() : request.bodyValue(body).exchange();
        @SuppressWarnings("unchecked")
        Map<String, Object> problem = response.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(Map.class).returnResult().getResponseBody();

        String detail = expectedDetail.replace("{site}", String.valueOf(fixtureSiteId));
        assertThat(problem).containsEntry("status", status).containsEntry("instance", uri).containsKey("title");
        assertThat((String) problem.get("detail")).contains(detail);
        if (expectedField != null) {
            @SuppressWarnings("unchecked")
            List<Map<String, String>> errors = (List<Map<String, String>>) problem.get("errors");
            assertThat(errors).anySatisfy(error -> {
                assertThat(error).containsEntry("field", expectedField);
                assertThat(error.get("message")).isNotBlank();
            });
        }
        if (status == 409) {
            assertThat(problem).containsEntry("field", expectedField);
        }
        assertThat(problem.toString()).doesNotContain("Exception", "\tat ", "dev.gatehouse.");

        assertThat(api.json("/api/v1/backends")).as("backends unchanged").isEqualTo(storedBackends);
        assertThat(api.json("/api/v1/sites")).as("sites unchanged").isEqualTo(storedSites);
        assertThat(api.revision()).as("no new revision").isEqualTo(revision);
        assertThat(ProxyClient.get(api.proxyPort(), "taken.example.test", "/").body())
                .as("the fixture site still routes").startsWith("origin a ");
    }

    @Test
    void theApiNeedsAnAdministratorsCredentials() {
        WebTestClient anonymous = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + adminPort).build();
        anonymous.get().uri("/api/v1/sites").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"Gatehouse\"", "Basic realm=\"Gatehouse\"")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().doesNotExist(HttpHeaders.SET_COOKIE)
                .expectBody().jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.detail").isEqualTo("authentication required: send an API token (Authorization: Bearer ght_...) "
                        + "or an administrator's email and password with HTTP Basic");

        new AdminApi(adminPort, EMAIL, PASSWORD + "x").post("/api/v1/backends",
                        "{\"name\":\"sneaky\",\"servers\":[\"127.0.0.1:1\"]}")
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Gatehouse\"")
                .expectBody().jsonPath("$.detail").isEqualTo("wrong email or password");
        new AdminApi(adminPort, "nobody@example.test", PASSWORD).expectUnauthorized("/api/v1/status");

        assertThat(api.list("/api/v1/backends")).noneMatch(b -> "sneaky".equals(b.get("name")));
        api.get("/api/v1/status").expectStatus().isOk().expectHeader().doesNotExist(HttpHeaders.SET_COOKIE);
        new AdminApi(adminPort, EMAIL.toUpperCase(), PASSWORD).get("/api/v1/status").expectStatus().isOk();
    }

    /**
     * The acceptance measurement: from sending POST /api/v1/sites to the first request routed
     * by the new site, 20 times. The first request must already route (the engine swaps the table
     * before the API answers).
     */
    @Test
    void timeFromCreatingASiteToItsFirstRoutedRequest() {
        String backend = name("timing");
        api.createBackend(backend, originA.address());
        int proxyPort = api.proxyPort();
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String host = name("timing") + ".example.test";
            long started = System.nanoTime();
            api.createSite(host, backend);
            ProxyClient.Answer first = ProxyClient.get(proxyPort, host, "/t");
            long elapsed = (System.nanoTime() - started) / 1_000;
            assertThat(first).as("first request after creating " + host)
                    .isEqualTo(new ProxyClient.Answer(200, "origin a host " + host + " path /t"));
            micros.add(elapsed);
        }
        List<Long> sorted = micros.stream().sorted().toList();
        double median = (sorted.get(9) + sorted.get(10)) / 2000.0;
        double max = sorted.get(19) / 1000.0;
        System.out.printf("POST /api/v1/sites -> first routed request, 20 tries: median %.1f ms, max %.1f ms%n",
                median, max);
        assertThat(max).as("max ms").isLessThan(1000);
    }

    @Test
    void aBrowserLikeApiCallWithoutCredentialsIsNotSentToTheLoginPage() {
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + adminPort).build()
                .get().uri("/api/v1/sites").header(HttpHeaders.ACCEPT, MediaType.TEXT_HTML_VALUE).exchange()
                .expectStatus().isUnauthorized().expectHeader().doesNotExist(HttpHeaders.LOCATION);
    }
}
