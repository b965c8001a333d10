package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.config.SiteDefinition;
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
 * Trusted proxies, the RFC 7239 Forwarded header and HTTP/2 per site through the REST API of the real
 * application (H2 file database, the real engine): stored and read back, published to the engine, and
 * seen by a real origin (which answers with the request headers it got) and by curl over HTTPS. Bad
 * entries are a 400 naming the entry, storing nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.admin-email=" + SiteForwardingAndHttp2ApiTest.EMAIL,
    "gatehouse.admin-password=" + SiteForwardingAndHttp2ApiTest.PASSWORD
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SiteForwardingAndHttp2ApiTest {

    static final String EMAIL = "forwarding-admin@example.test";
    static final String PASSWORD = "forwarding-test-passphrase-7";

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
    void aSiteBehindATrustedProxyKeepsTheChainAndSendsForwardedUntilAPutRestoresTheDefaults() {
        String host = host("lb");
        long before = api.revision();

        Map<String, Object> created = api.create("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"trustedProxies\":[\" 127.0.0.1 \",\"10.0.0.0/8\",\"2001:db8::/32\"],\"forwardedHeader\":true,"
                + "\"http2\":false}");
        long id = AdminApi.id(created);

        assertThat(created).containsEntry("trustedProxies", List.of("127.0.0.1", "10.0.0.0/8", "2001:db8::/32"))
                .containsEntry("forwardedHeader", true).containsEntry("http2", false);
        assertThat(api.json("/api/v1/sites/" + id)).contains(
                "\"http2\":false,\"trustedProxies\":[\"127.0.0.1\",\"10.0.0.0/8\",\"2001:db8::/32\"],\"forwardedHeader\":true");
        assertThat(api.revision()).isEqualTo(before + 1);
        SiteDefinition published = publishedSite(id);
        assertThat(published.http2()).isFalse();
        assertThat(published.headers().trustedProxies()).containsExactly("127.0.0.1", "10.0.0.0/8", "2001:db8::/32");
        assertThat(published.headers().forwardedHeader()).isTrue();

        // This test connects from 127.0.0.1, a proxy the site trusts: what it says about its client is kept.
        String seen = ProxyClient.raw(api.proxyPort(), "GET / HTTP/1.1\r\nHost: " + host + "\r\nX-Forwarded-For: 203.0.113.9\r\n"
                + "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n");
        assertThat(seen).startsWith("HTTP/1.1 200")
                .contains("\nx-forwarded-for: 203.0.113.9, 127.0.0.1\n", "\nx-forwarded-proto: https\n",
                        "\nforwarded: for=127.0.0.1;proto=https;host=\"" + host + "\"\n");

        // A PUT without the fields restores the defaults: the chain is replaced and no Forwarded is sent.
        Map<String, Object> replaced = api.put("/api/v1/sites/" + id, "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\"}")
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(replaced).containsEntry("trustedProxies", List.of()).containsEntry("forwardedHeader", false)
                .containsEntry("http2", true);
        String untrusted = ProxyClient.raw(api.proxyPort(), "GET / HTTP/1.1\r\nHost: " + host + "\r\nX-Forwarded-For: 203.0.113.9\r\n"
                + "Forwarded: for=203.0.113.9\r\nConnection: close\r\n\r\n");
        assertThat(untrusted).startsWith("HTTP/1.1 200").contains("\nx-forwarded-for: 127.0.0.1\n", "\nx-forwarded-proto: http\n")
                .doesNotContain("203.0.113.9").doesNotContain("\nforwarded:");
    }

    @Test
    void aNewSiteHasHttp2OnNoTrustedProxiesAndNoForwardedHeader() {
        Map<String, Object> created = api.create("/api/v1/sites", "{\"hostnames\":[\"" + host("plain")
                + "\"],\"backend\":\"origin\"}");

        assertThat(created).containsEntry("http2", true).containsEntry("trustedProxies", List.of())
                .containsEntry("forwardedHeader", false);
    }

    @Test
    void http2OffMakesHttpsClientsUseHttp11ForThatSiteOnlyAndAPutSwitchesItBack() throws Exception {
        String off = host("h1");
        String on = host("h2");
        long id = AdminApi.id(api.create("/api/v1/sites", "{\"hostnames\":[\"" + off + "\"],\"backend\":\"origin\","
                + "\"http2\":false}"));
        api.createSite(on, "origin");

        // Neither has a certificate of its own: HTTPS clients get the appliance's default one (-k).
        assertThat(httpsStatusLine(off)).startsWith("HTTP/1.1 200");
        assertThat(httpsStatusLine(on)).startsWith("HTTP/2 200");

        api.put("/api/v1/sites/" + id, "{\"hostnames\":[\"" + off + "\"],\"backend\":\"origin\",\"http2\":true}")
                .expectStatus().isOk();
        assertThat(httpsStatusLine(off)).startsWith("HTTP/2 200");
    }

    static Stream<Arguments> badTrustedProxies() {
        return Stream.of(
                Arguments.of("a prefix too long for IPv4", "[\"127.0.0.1\",\"10.0.0.0/33\"]", "trustedProxies[1]",
                        "trustedProxies[1]: trusted proxy '10.0.0.0/33' has prefix /33; use 0-32"),
                Arguments.of("a host name", "[\"lb.example.com\"]", "trustedProxies[0]",
                        "trusted proxy 'lb.example.com' is not an IP address or CIDR block"),
                Arguments.of("a prefix that is no number", "[\"10.0.0.0/eight\"]", "trustedProxies[0]",
                        "has a prefix length that is not a number"),
                Arguments.of("an empty entry", "[\"10.0.0.1\",\"\"]", "trustedProxies[1]", "a trusted proxy entry is empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTrustedProxies")
    void aBadTrustedProxyIsA400NamingTheEntryAndStoresNothing(String title, String entries, String field, String message) {
        api.expectRejected("/api/v1/sites", "{\"hostnames\":[\"" + host("bad") + "\"],\"backend\":\"origin\","
                + "\"trustedProxies\":" + entries + ",\"forwardedHeader\":true}", field, message);
    }

    @Test
    void aBadTrustedProxyInAPutLeavesTheSiteAsItWas() {
        String host = host("kept");
        long id = AdminApi.id(api.create("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"trustedProxies\":[\"10.0.0.1\"]}"));
        String stored = api.json("/api/v1/sites/" + id);
        long revision = api.revision();

        api.put("/api/v1/sites/" + id, "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                        + "\"trustedProxies\":[\"10.0.0.1\",\"::1/200\"],\"http2\":false}")
                .expectStatus().isBadRequest().expectBody(String.class)
                .value(problem -> assertThat(problem).contains("\"field\":\"trustedProxies[1]\"",
                        "trusted proxy '::1/200' has prefix /200; use 0-128"));

        assertThat(api.json("/api/v1/sites/" + id)).isEqualTo(stored);
        assertThat(api.revision()).isEqualTo(revision);
    }

    /** The site of the newest revision, which the engine runs. */
    private SiteDefinition publishedSite(long id) {
        ConfigRevision latest = revisions.latest().orElseThrow();
        assertThat(engine.status().liveRevision()).isEqualTo(latest.number());
        return SnapshotJson.read(latest.number(), latest.snapshotJson()).sites().stream()
                .filter(site -> site.id().equals(String.valueOf(id))).findFirst().orElseThrow();
    }

    /** curl offering h2 and http/1.1 to the HTTPS port; the first line of the answer, e.g. "HTTP/2 200". */
    private String httpsStatusLine(String host) throws Exception {
        int https = engine.httpsPort();
        Curl.Answer answer = Curl.run("https://" + host + ":" + https + "/", host, https, null, "-k", "--http2");
        assertThat(answer.exitCode()).as(answer.stderr()).isZero();
        return answer.headers().lines().findFirst().orElse("");
    }
}
