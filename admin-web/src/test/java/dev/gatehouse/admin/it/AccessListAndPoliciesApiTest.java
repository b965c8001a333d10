package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.storage.revision.ConfigRevision;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Access lists, site policies and the listeners' PROXY protocol sources through the REST API of the real
 * application (H2 file database, the real engine): stored, published, and enforced on requests sent through
 * the appliance with raw sockets to an origin that answers with the request headers it got. Bad input is a
 * 400 naming the field with nothing stored; a password is never in an answer or in the database files.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.admin-email=" + AccessListAndPoliciesApiTest.EMAIL,
    "gatehouse.admin-password=" + AccessListAndPoliciesApiTest.PASSWORD
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AccessListAndPoliciesApiTest {

    static final String EMAIL = "policies-admin@example.test";
    static final String PASSWORD = "policies-test-passphrase-7";
    /** Every basic-auth password the tests set: none may appear in an answer or a database file. */
    private static final List<String> PASSWORDS = new ArrayList<>();

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
    DataSource dataSource;

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

    private static String unique(String prefix) {
        return prefix + "-" + unique.incrementAndGet();
    }

    private static String password(String prefix) {
        String password = prefix + "-Secr3t-" + unique.incrementAndGet() + "-pw";
        PASSWORDS.add(password);
        return password;
    }

    @Test
    void aSiteGuardedByUsersAsksForThePasswordAndLetsTheRightOneIn() {
        String name = unique("staff");
        String user = unique("alice");
        String secret = password("alice");
        String created = api.post("/api/v1/access-lists", "{\"name\":\"" + name + "\",\"users\":[{\"username\":\"" + user
                        + "\",\"password\":\"" + secret + "\"}],\"realm\":\"Staff only\"}")
                .expectStatus().isCreated().expectHeader().valueMatches("Location", "/api/v1/access-lists/\\d+")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(created).contains("\"name\":\"" + name + "\"", "\"users\":[{\"username\":\"" + user + "\"}]",
                "\"satisfyAll\":false", "\"realm\":\"Staff only\"", "\"rules\":[]", "\"usedBySites\":[]")
                .doesNotContain(secret).doesNotContain("password").doesNotContain("$2a$");
        String host = unique("guarded") + ".example.test";
        long siteId = AdminApi.id(api.create("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"accessList\":\"" + name + "\"}}"));

        String anonymous = raw(request(host, "/", null));
        assertThat(anonymous).startsWith("HTTP/1.1 401").contains("www-authenticate: Basic realm=\"Staff only\"");
        assertThat(raw(request(host, "/", basic(user, "wrong-password")))).startsWith("HTTP/1.1 401");
        assertThat(raw(request(host, "/", basic(user, secret)))).startsWith("HTTP/1.1 200").contains("path: /");

        assertThat(api.json("/api/v1/sites/" + siteId)).contains("\"policies\":{\"accessList\":\"" + name + "\",\"rateLimit\":null,"
                + "\"blockExploits\":true,\"limits\":{\"maxBodyBytes\":0,\"maxHeaderBytes\":0,\"maxUrlLength\":0}}");
        assertThat(api.list("/api/v1/access-lists")).anySatisfy(list -> {
            assertThat(list).containsEntry("name", name).containsEntry("usedBySites", List.of(host));
        });
    }

    @Test
    void aPutWithoutAPasswordKeepsTheUsersOwnAndANewPasswordReplacesIt() {
        String name = unique("keep");
        String secret = password("first");
        long listId = AdminApi.id(api.create("/api/v1/access-lists", "{\"name\":\"" + name + "\",\"users\":[{\"username\":"
                + "\"bob\",\"password\":\"" + secret + "\"}]}"));
        String host = unique("kept") + ".example.test";
        api.create("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"accessList\":\"" + name + "\"}}");

        api.put("/api/v1/access-lists/" + listId, "{\"name\":\"" + name + "\",\"users\":[{\"username\":\"bob\"}],"
                + "\"realm\":\"Renamed realm\"}").expectStatus().isOk();
        assertThat(raw(request(host, "/", basic("bob", secret)))).as("the kept password").startsWith("HTTP/1.1 200");
        assertThat(raw(request(host, "/", null))).contains("realm=\"Renamed realm\"");

        String newSecret = password("second");
        api.put("/api/v1/access-lists/" + listId, "{\"name\":\"" + name + "\",\"users\":[{\"username\":\"bob\","
                + "\"password\":\"" + newSecret + "\"}]}").expectStatus().isOk();
        assertThat(raw(request(host, "/", basic("bob", newSecret)))).startsWith("HTTP/1.1 200");
        assertThat(raw(request(host, "/", basic("bob", secret)))).as("the old password").startsWith("HTTP/1.1 401");
    }

    @Test
    void addressRulesDenyWithA403AndAnAllowedAddressNeedsNoPasswordUnlessAllIsRequired() {
        String denied = unique("blocked");
        api.create("/api/v1/access-lists", "{\"name\":\"" + denied + "\",\"rules\":[{\"action\":\"deny\","
                + "\"address\":\"127.0.0.0/8\"},{\"action\":\"allow\",\"address\":\"0.0.0.0/0\"}]}");
        String blockedHost = unique("denied") + ".example.test";
        api.create("/api/v1/sites", "{\"hostnames\":[\"" + blockedHost + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"accessList\":\"" + denied + "\"}}");
        int before = origin.requests.get();
        assertThat(raw(request(blockedHost, "/", null))).startsWith("HTTP/1.1 403");
        assertThat(origin.requests.get()).as("nothing reached the origin").isEqualTo(before);

        String office = unique("office");
        String secret = password("carol");
        long officeId = AdminApi.id(api.create("/api/v1/access-lists", "{\"name\":\"" + office + "\",\"rules\":[{\"action\":"
                + "\"allow\",\"address\":\"127.0.0.1\"}],\"users\":[{\"username\":\"carol\",\"password\":\"" + secret + "\"}]}"));
        String officeHost = unique("office") + ".example.test";
        api.create("/api/v1/sites", "{\"hostnames\":[\"" + officeHost + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"accessList\":\"" + office + "\"}}");
        assertThat(raw(request(officeHost, "/", null))).as("satisfy any: the office address is enough")
                .startsWith("HTTP/1.1 200");

        api.put("/api/v1/access-lists/" + officeId, "{\"name\":\"" + office + "\",\"rules\":[{\"action\":\"allow\","
                + "\"address\":\"127.0.0.1\"}],\"users\":[{\"username\":\"carol\"}],\"satisfyAll\":true}").expectStatus().isOk();
        assertThat(raw(request(officeHost, "/", null))).as("satisfy all: the password too").startsWith("HTTP/1.1 401");
        assertThat(raw(request(officeHost, "/", basic("carol", secret)))).startsWith("HTTP/1.1 200");
    }

    @Test
    void aListASiteUsesCannotBeDeletedUntilTheSiteLetsGoOfIt() {
        String name = unique("used");
        long listId = AdminApi.id(api.create("/api/v1/access-lists", "{\"name\":\"" + name + "\",\"rules\":[{\"action\":"
                + "\"allow\",\"address\":\"10.0.0.0/8\"}]}"));
        String host = unique("user") + ".example.test";
        long siteId = AdminApi.id(api.create("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"accessList\":\"" + name + "\"}}"));
        long revision = api.revision();

        api.delete("/api/v1/access-lists/" + listId).expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody(String.class).value(problem -> assertThat(problem).contains("\"field\":\"name\"",
                        "access list '" + name + "' is used by site(s) " + host));
        assertThat(api.revision()).isEqualTo(revision);
        api.get("/api/v1/access-lists/" + listId).expectStatus().isOk();

        // a PUT without policies restores the defaults: no access list
        api.put("/api/v1/sites/" + siteId, "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\"}").expectStatus().isOk();
        api.delete("/api/v1/access-lists/" + listId).expectStatus().isNoContent();
        api.get("/api/v1/access-lists/" + listId).expectStatus().isNotFound();
    }

    @Test
    void aRateLimitedSiteAnswers429WithRetryAfterOnceTheBurstIsSpent() {
        String host = unique("limited") + ".example.test";
        Map<String, Object> created = api.create("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"rateLimit\":{\"requests\":1,\"periodSeconds\":60,\"burst\":1}}}");
        @SuppressWarnings("unchecked")
        Map<String, Object> policies = (Map<String, Object>) created.get("policies");
        assertThat(policies).containsEntry("rateLimit", Map.of("requests", 1, "periodSeconds", 60, "burst", 1))
                .containsEntry("blockExploits", true);
        assertThat(api.json("/api/v1/sites/" + AdminApi.id(created))).contains(
                "\"rateLimit\":{\"requests\":1,\"periodSeconds\":60,\"burst\":1}");

        assertThat(raw(request(host, "/", null))).startsWith("HTTP/1.1 200");
        assertThat(raw(request(host, "/", null))).as("the burst").startsWith("HTTP/1.1 200");
        String limited = raw(request(host, "/", null));
        assertThat(limited).startsWith("HTTP/1.1 429").containsPattern("(?i)\nretry-after: [1-9][0-9]*\r?\n");
    }

    @Test
    void commonExploitsAreBlockedByDefaultAndForwardedOnceSwitchedOff() {
        String host = unique("exploits") + ".example.test";
        long siteId = api.createSite(host, "origin");
        int before = origin.requests.get();

        assertThat(raw(request(host, "/.env", null))).startsWith("HTTP/1.1 403");
        assertThat(raw(request(host, "/static/..%2f..%2fetc/passwd", null))).startsWith("HTTP/1.1 403");
        assertThat(origin.requests.get()).as("nothing reached the origin").isEqualTo(before);
        assertThat(raw(request(host, "/index.html", null))).startsWith("HTTP/1.1 200");

        api.put("/api/v1/sites/" + siteId, "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"blockExploits\":false}}").expectStatus().isOk()
                .expectBody(String.class).value(site -> assertThat(site).contains("\"blockExploits\":false"));
        assertThat(raw(request(host, "/.env", null))).startsWith("HTTP/1.1 200").contains("path: /.env");
    }

    @Test
    void sizeLimitsAnswer413And414And431() {
        String host = unique("small") + ".example.test";
        api.create("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"limits\":{\"maxBodyBytes\":10,\"maxHeaderBytes\":1024,\"maxUrlLength\":64}}}");

        assertThat(raw("POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 11\r\nConnection: close\r\n\r\n"
                + "hello world")).startsWith("HTTP/1.1 413");
        assertThat(raw(request(host, "/" + "a".repeat(100), null))).startsWith("HTTP/1.1 414");
        assertThat(raw("GET / HTTP/1.1\r\nHost: " + host + "\r\nX-Big: " + "b".repeat(2000) + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 431");
        assertThat(raw(request(host, "/", null))).startsWith("HTTP/1.1 200");
    }

    @Test
    void theListenersSettingRoundTripsAndATrustedBalancersProxyHeaderNamesTheClient() {
        String host = unique("behind-lb") + ".example.test";
        api.createSite(host, "origin");
        assertThat(api.json("/api/v1/settings/listeners")).isEqualTo("{\"proxyProtocolFrom\":[]}");
        long revision = api.revision();

        assertThat(api.put("/api/v1/settings/listeners", "{\"proxyProtocolFrom\":[\" 127.0.0.1 \",\"10.0.0.0/8\"]}")
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody())
                .isEqualTo("{\"proxyProtocolFrom\":[\"127.0.0.1\",\"10.0.0.0/8\"]}");
        assertThat(api.json("/api/v1/settings/listeners")).isEqualTo("{\"proxyProtocolFrom\":[\"127.0.0.1\",\"10.0.0.0/8\"]}");
        assertThat(api.revision()).isEqualTo(revision + 1);
        assertThat(published().listeners().proxyProtocolFrom()).containsExactly("127.0.0.1", "10.0.0.0/8");
        try {
            String seen = raw("PROXY TCP4 203.0.113.7 127.0.0.1 56324 " + api.proxyPort() + "\r\n" + request(host, "/", null));
            assertThat(seen).startsWith("HTTP/1.1 200").contains("\nx-forwarded-for: 203.0.113.7\n");
            // its connections without a header are served as they are (a balancer's health check)
            assertThat(raw(request(host, "/", null))).startsWith("HTTP/1.1 200").contains("\nx-forwarded-for: 127.0.0.1\n");
        } finally {
            api.put("/api/v1/settings/listeners", "{\"proxyProtocolFrom\":[]}").expectStatus().isOk();
        }
        String untrusted = raw("PROXY TCP4 203.0.113.7 127.0.0.1 56324 " + api.proxyPort() + "\r\n" + request(host, "/", null));
        assertThat(untrusted).as("from anyone else a PROXY header is not believed").doesNotStartWith("HTTP/1.1 200")
                .doesNotContain("203.0.113.7");
    }

    @Test
    void aBadListenerEntryIsA400NamingItAndNothingIsStored() {
        String stored = api.json("/api/v1/settings/listeners");
        long revision = api.revision();

        api.put("/api/v1/settings/listeners", "{\"proxyProtocolFrom\":[\"10.0.0.1\",\"lb.example.test\"]}")
                .expectStatus().isBadRequest().expectBody(String.class)
                .value(problem -> assertThat(problem).contains("\"field\":\"proxyProtocolFrom[1]\"",
                        "address 'lb.example.test' is not an IP address or CIDR block"));

        assertThat(api.json("/api/v1/settings/listeners")).isEqualTo(stored);
        assertThat(api.revision()).isEqualTo(revision);
    }

    @Test
    void badAccessListsAreRefusedNamingTheFieldWithNothingStored() {
        api.expectRejected("/api/v1/access-lists", "{\"name\":\"" + unique("bad") + "\",\"rules\":[{\"action\":\"allow\","
                + "\"address\":\"10.0.0.0/33\"}]}", "rules[0].address", "address '10.0.0.0/33' has prefix /33; use 0-32");
        String shortPassword = "short-1";
        api.expectRejected("/api/v1/access-lists", "{\"name\":\"" + unique("bad") + "\",\"users\":[{\"username\":\"dave\","
                + "\"password\":\"" + shortPassword + "\"}]}", "users[0].password",
                "users[0].password of user 'dave' is too short: use at least 8 characters");
        api.post("/api/v1/access-lists", "{\"name\":\"x\",\"users\":[{\"username\":\"dave\",\"password\":\""
                + shortPassword + "\"}]}").expectStatus().isBadRequest().expectBody(String.class)
                .value(problem -> assertThat(problem).doesNotContain(shortPassword));
        api.expectRejected("/api/v1/access-lists", "{\"name\":\"" + unique("bad") + "\",\"users\":[{\"username\":\"erin\"}]}",
                "users[0].password", "users[0].password is required for new user 'erin'");
        api.expectRejected("/api/v1/access-lists", "{\"name\":\"with space\",\"rules\":[{\"action\":\"allow\","
                + "\"address\":\"10.0.0.1\"}]}", "name", "name 'with space' must be 1-64 letters");
        api.expectRejected("/api/v1/access-lists", "{\"name\":\"" + unique("empty") + "\"}", "rules",
                "an access list needs at least one address rule or user");

        String name = unique("taken");
        api.create("/api/v1/access-lists", "{\"name\":\"" + name + "\",\"rules\":[{\"action\":\"allow\",\"address\":\"::1\"}]}");
        long revision = api.revision();
        api.post("/api/v1/access-lists", "{\"name\":\"" + name + "\",\"rules\":[{\"action\":\"deny\",\"address\":\"::1\"}]}")
                .expectStatus().isEqualTo(HttpStatus.CONFLICT);
        assertThat(api.revision()).isEqualTo(revision);
    }

    @Test
    void badSitePoliciesAreRefusedNamingTheFieldWithNothingStored() {
        String host = unique("bad-policy") + ".example.test";
        api.expectRejected("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"accessList\":\"no-such-list\"}}", "policies.accessList",
                "policies.accessList: no access list named 'no-such-list'");
        api.expectRejected("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"rateLimit\":{\"requests\":0}}}", "policies.rateLimit.requests",
                "policies.rateLimit.requests 0 is out of range; use 1-1000000");
        api.expectRejected("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"rateLimit\":{\"requests\":5,\"periodSeconds\":7200}}}", "policies.rateLimit.periodSeconds",
                "policies.rateLimit.periodSeconds 7200 is out of range");
        api.expectRejected("/api/v1/sites", "{\"hostnames\":[\"" + host + "\"],\"backend\":\"origin\","
                + "\"policies\":{\"limits\":{\"maxHeaderBytes\":99999}}}", "policies.limits.maxHeaderBytes",
                "policies.limits.maxHeaderBytes 99999 is out of range");
        api.get("/api/v1/sites").expectBody(String.class).value(sites -> assertThat(sites).doesNotContain(host));
    }

    /**
     * After every test above ran in this class's appliance (JUnit runs this one in any order, so it makes a
     * list of its own first): no answer and no database file holds a basic-auth password.
     */
    @Test
    void noAnswerAndNoDatabaseFileHoldsAPassword() throws Exception {
        String user = unique("frank");
        String secret = password("frank");
        String created = api.post("/api/v1/access-lists", "{\"name\":\"" + unique("dump") + "\",\"users\":[{\"username\":\""
                + user + "\",\"password\":\"" + secret + "\"}]}").expectStatus().isCreated()
                .expectBody(String.class).returnResult().getResponseBody();
        List<String> answers = List.of(created, api.json("/api/v1/access-lists"), api.json("/api/v1/sites"),
                api.json("/api/v1/status"), api.json("/api/v1/access-lists/" + AdminApi.id(api.list("/api/v1/access-lists")
                        .stream().filter(list -> list.toString().contains(user)).findFirst().orElseThrow())));
        for (String answer : answers) {
            assertThat(answer).doesNotContain("password").doesNotContain("$2a$");
            PASSWORDS.forEach(password -> assertThat(answer).doesNotContain(password));
        }
        assertThat(answers.get(1)).contains(user);

        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        }
        boolean userOnDisk = false;
        try (var files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
                String utf8 = new String(bytes, StandardCharsets.UTF_8);
                for (String password : PASSWORDS) {
                    assertThat(latin1).as("raw bytes of %s", file.getFileName()).doesNotContain(password);
                    assertThat(utf8).as("raw bytes of %s", file.getFileName()).doesNotContain(password);
                }
                userOnDisk |= latin1.contains(user);
            }
        }
        assertThat(userOnDisk).as("the files are searchable as text: the user name is found in them").isTrue();
    }

    /** The newest revision's snapshot, which the engine runs. */
    private ConfigSnapshot published() {
        ConfigRevision latest = revisions.latest().orElseThrow();
        assertThat(engine.status().liveRevision()).isEqualTo(latest.number());
        return SnapshotJson.read(latest.number(), latest.snapshotJson());
    }

    private static String request(String host, String path, String authorization) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Connection: close\r\n\r\n";
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code request} as it is to the proxy and reads until it closes the connection; header names
     * lower-cased so assertions do not depend on the engine's spelling. A password check runs off the
     * event loop, so the answer may take a moment: the read waits up to 10 s.
     */
    /** The proxy's raw answer to {@code request}, header names in lower case. */
    private String raw(String request) {
        String text = ProxyClient.raw(api.proxyPort(), request);
        int headEnd = text.indexOf("\r\n\r\n");
        return headEnd < 0 ? text : lowerCaseNames(text.substring(0, headEnd)) + text.substring(headEnd);
    }

    private static String lowerCaseNames(String head) {
        StringBuilder out = new StringBuilder();
        String[] lines = head.split("\r\n", -1);
        out.append(lines[0]);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            out.append("\r\n").append(colon < 0 ? lines[i] : lines[i].substring(0, colon).toLowerCase() + lines[i].substring(colon));
        }
        return out.toString();
    }
}
