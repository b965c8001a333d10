package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.config.DefaultSiteDefinition;
import dev.gatehouse.engine.config.RedirectDefinition;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.storage.revision.ConfigRevision;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import java.nio.file.Path;
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

/**
 * Redirection hosts, header rules and the default site through the REST API of the real application
 * (H2 file database, the real engine), checked with raw HTTP requests to the proxy port: a redirect
 * site answers 301 with the right Location, header rules reach a real origin and the client, and the
 * default site set to "close" answers an unknown host with nothing at all. Bad input is a 400 naming
 * the field that stores nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.admin-email=" + SiteRedirectsAndHeadersApiTest.EMAIL,
    "gatehouse.admin-password=" + SiteRedirectsAndHeadersApiTest.PASSWORD
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SiteRedirectsAndHeadersApiTest {

    static final String EMAIL = "redirect-admin@example.test";
    static final String PASSWORD = "redirects-test-passphrase-6";

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
    private static HeaderEchoOrigin origin;
    private static boolean backendCreated;

    private AdminApi api;

    @BeforeAll
    static void startOrigin() {
        origin = HeaderEchoOrigin.start();
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    @BeforeEach
    void connect() {
        api = new AdminApi(adminPort, EMAIL, PASSWORD);
        if (!backendCreated) {
            api.createBackend("origin", "127.0.0.1:" + origin.port());
            backendCreated = true;
        }
    }

    private static String host(String prefix) {
        return prefix + "-" + unique.incrementAndGet() + ".example.test";
    }

    @Test
    void aRedirectSiteIsStoredReadBackWithDefaultsAndAnswersWithItsLocation() {
        String host = host("old");
        long before = api.revision();

        Map<String, Object> created = api.create("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],"
                + "\"redirect\":{\"target\":\"https://new.example.test\"}}");
        long id = AdminApi.id(created);

        assertThat(created).containsEntry("backend", null).containsEntry("passHost", true)
                .containsEntry("requestHeaders", List.of()).containsEntry("responseHeaders", List.of())
                .containsEntry("redirect", Map.of("target", "https://new.example.test", "status", 301, "keepPath", true));
        assertThat(api.json("/api/v1/sites/" + id)).contains("\"redirect\":{\"target\":\"https://new.example.test\","
                + "\"status\":301,\"keepPath\":true}");
        assertThat(api.revision()).isEqualTo(before + 1);
        assertThat(api.json("/api/v1/backends")).as("the backends list copes with a site that has none").contains("origin");

        String answer = ProxyClient.raw(api.proxyPort(), "GET /a/b?c=1 HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 301").containsIgnoringCase("location: https://new.example.test/a/b?c=1\r\n");

        api.put("/api/v1/sites/" + id, "{\"hostnames\":[\"" + host + "\"],\"redirect\":{\"target\":"
                + "\"https://new.example.test/landing\",\"status\":302,\"keepPath\":false}}").expectStatus().isOk();
        assertThat(ProxyClient.raw(api.proxyPort(), "GET /a HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 302").containsIgnoringCase("location: https://new.example.test/landing\r\n");

        // and back to forwarding
        api.put("/api/v1/sites/" + id, "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\"}").expectStatus().isOk();
        assertThat(ProxyClient.raw(api.proxyPort(), "GET /a HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200");
    }

    @Test
    void headerRulesAreStoredAndReachTheOriginAndTheClient() {
        String host = host("headers");
        long id = AdminApi.id(api.create("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"passHost\":false,"
                + "\"requestHeaders\":[{\"action\":\"set\",\"name\":\"X-Env\",\"value\":\"prod\"},"
                + "{\"action\":\"REMOVE\",\"name\":\"X-Secret\"}],"
                + "\"responseHeaders\":[{\"action\":\"remove\",\"name\":\"X-Powered-By\"},"
                + "{\"action\":\"add\",\"name\":\"X-Frame-Options\",\"value\":\"DENY\"}]}"));

        assertThat(api.json("/api/v1/sites/" + id)).contains("\"passHost\":false",
                "\"requestHeaders\":[{\"action\":\"set\",\"name\":\"X-Env\",\"value\":\"prod\"},"
                        + "{\"action\":\"remove\",\"name\":\"X-Secret\",\"value\":null}]",
                "\"responseHeaders\":[{\"action\":\"remove\",\"name\":\"X-Powered-By\",\"value\":null},"
                        + "{\"action\":\"add\",\"name\":\"X-Frame-Options\",\"value\":\"DENY\"}]");

        String answer = ProxyClient.raw(api.proxyPort(), "GET / HTTP/1.1\r\nHost: " + host + "\r\nX-Secret: s3cret\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200").contains("x-env: prod\n").doesNotContain("s3cret")
                .as("passHost off: the origin gets the server's own address").contains("\nhost: 127.0.0.1:" + origin.port() + "\n")
                .containsIgnoringCase("x-frame-options: DENY").doesNotContainIgnoringCase("x-powered-by");
    }

    @Test
    void theDefaultSiteIsReadChangedPublishedAndClosesUnknownHostsWithoutAWord() {
        assertThat(api.json("/api/v1/settings/default-site")).isEqualTo("{\"action\":\"not-found\",\"redirect\":null}");
        int port = api.proxyPort();
        assertThat(ProxyClient.raw(port, "GET / HTTP/1.1\r\nHost: nobody.example.test\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404");
        long before = api.revision();

        api.put("/api/v1/settings/default-site", "{\"action\":\"close\"}").expectStatus().isOk();
        assertThat(api.revision()).isEqualTo(before + 1);
        assertThat(publishedDefaultSite()).isEqualTo(DefaultSiteDefinition.close());
        assertThat(ProxyClient.raw(port, "GET / HTTP/1.1\r\nHost: nobody.example.test\r\n\r\n")).as("no answer at all").isEmpty();

        api.put("/api/v1/settings/default-site", "{\"action\":\"redirect\",\"redirect\":{\"target\":"
                + "\"https://www.example.test\",\"status\":307,\"keepPath\":false}}").expectStatus().isOk();
        assertThat(api.json("/api/v1/settings/default-site")).isEqualTo("{\"action\":\"redirect\",\"redirect\":"
                + "{\"target\":\"https://www.example.test\",\"status\":307,\"keepPath\":false}}");
        assertThat(publishedDefaultSite()).isEqualTo(
                DefaultSiteDefinition.redirectTo(new RedirectDefinition("https://www.example.test", 307, false)));
        assertThat(ProxyClient.raw(port, "GET /x HTTP/1.1\r\nHost: nobody.example.test\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 307").containsIgnoringCase("location: https://www.example.test/\r\n");

        api.put("/api/v1/settings/default-site", "{\"action\":\"not-found\"}").expectStatus().isOk();
        assertThat(ProxyClient.raw(port, "GET / HTTP/1.1\r\nHost: nobody.example.test\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404");
    }

    static Stream<Arguments> badDefaultSites() {
        return Stream.of(
                Arguments.of("{\"action\":\"drop\"}", "action", "must be not-found, redirect or close"),
                Arguments.of("{\"action\":\"redirect\"}", "redirect.target", "needs a redirect"),
                Arguments.of("{\"action\":\"redirect\",\"redirect\":{\"target\":\"ftp://x.test\"}}", "redirect.target",
                        "must start with http:// or https://"),
                Arguments.of("{\"action\":\"redirect\",\"redirect\":{\"target\":\"https://x.test\",\"status\":303}}",
                        "redirect.status", "303 is not a redirect status"),
                Arguments.of("{\"action\":\"close\",\"redirect\":{\"target\":\"https://x.test\"}}", "redirect",
                        "only applies with action redirect"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDefaultSites")
    void aBadDefaultSiteIsA400NamingTheFieldAndChangesNothing(String body, String field, String message) {
        String stored = api.json("/api/v1/settings/default-site");
        long revision = api.revision();

        api.put("/api/v1/settings/default-site", body).expectStatus().isBadRequest().expectBody(String.class)
                .value(problem -> assertThat(problem).contains("\"field\":\"" + field + "\"").contains(message));

        assertThat(api.json("/api/v1/settings/default-site")).isEqualTo(stored);
        assertThat(api.revision()).isEqualTo(revision);
    }

    static Stream<Arguments> badSites() {
        return Stream.of(
                Arguments.of("both backend and redirect", "\"backend\":\"origin\",\"redirect\":{\"target\":\"https://n.test\"}",
                        "backend", "not both"),
                Arguments.of("neither", "\"passHost\":true", "backend", "or give a redirect instead"),
                Arguments.of("redirect target with a query", "\"redirect\":{\"target\":\"https://n.test/?a=1\"}",
                        "redirect.target", "must not have a query"),
                Arguments.of("redirect status", "\"redirect\":{\"target\":\"https://n.test\",\"status\":200}",
                        "redirect.status", "200 is not a redirect status"),
                Arguments.of("reserved header", "\"backend\":\"origin\",\"requestHeaders\":[{\"action\":\"set\","
                        + "\"name\":\"X-Ok\",\"value\":\"1\"},{\"action\":\"set\",\"name\":\"Host\",\"value\":\"x\"}]",
                        "requestHeaders[1].name", "managed by the proxy"),
                Arguments.of("value with a line break", "\"backend\":\"origin\",\"responseHeaders\":[{\"action\":\"add\","
                        + "\"name\":\"X-A\",\"value\":\"a\\r\\nSet-Cookie: x\"}]", "responseHeaders[0].value",
                        "line breaks are not allowed"),
                Arguments.of("unknown action", "\"backend\":\"origin\",\"requestHeaders\":[{\"action\":\"append\","
                        + "\"name\":\"X-A\",\"value\":\"1\"}]", "requestHeaders[0].action", "must be set, add or remove"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSites")
    void aBadSiteIsA400NamingTheFieldAndStoresNothing(String title, String fields, String field, String message) {
        String stored = api.json("/api/v1/sites");

        api.post("/api/v1/sites", "{\"hostnames\":[\"" + host("bad") + "\"]," + fields + "}").expectStatus().isBadRequest()
                .expectBody(String.class)
                .value(problem -> assertThat(problem).contains("\"field\":\"" + field + "\"").contains(message));

        assertThat(api.json("/api/v1/sites")).isEqualTo(stored);
    }

    /** The default site of the newest revision, which the engine runs. */
    private DefaultSiteDefinition publishedDefaultSite() {
        ConfigRevision latest = revisions.latest().orElseThrow();
        assertThat(engine.status().liveRevision()).isEqualTo(latest.number());
        return SnapshotJson.read(latest.number(), latest.snapshotJson()).defaultSite();
    }
}
