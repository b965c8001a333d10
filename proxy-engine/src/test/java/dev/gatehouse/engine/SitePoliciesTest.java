package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.engine.config.AccessListDefinition.AddressRule;
import dev.gatehouse.engine.config.AccessListDefinition.BasicAuthUser;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.engine.config.RateLimitDefinition;
import dev.gatehouse.engine.config.RequestLimits;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.config.SitePolicies;
import io.netty.handler.codec.http.HttpMethod;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Site policies through the real engine to a real origin: exploit blocking (on by default), access
 * lists by address and basic auth (satisfy any / all, trusted proxies), rate limits and size limits.
 * Every refused request must not reach the origin.
 */
class SitePoliciesTest {

    private static final String PASSWORD = "correct horse battery staple";

    private static TestOrigin origin;
    private static ProxyEngine engine;
    private static TestClient client;
    private static long revision;
    private static String hash;

    @BeforeAll
    static void start() {
        origin = TestOrigin.start("app");
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(2));
        client = new TestClient(engine.httpPort());
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        hash = OpenBSDBCrypt.generate(PASSWORD.toCharArray(), salt, 6);
    }

    @AfterAll
    static void stop() {
        client.close();
        engine.close();
        origin.close();
    }

    private static void apply(List<AccessListDefinition> lists, SiteDefinition... sites) {
        BackendDefinition app = backend("app", origin);
        ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(app), List.of(sites)).withAccessLists(lists));
        assertThat(result.outcome()).as(result.errors().toString()).isIn(Outcome.APPLIED, Outcome.UNCHANGED);
    }

    private static SiteDefinition site(String host, SitePolicies policies) {
        return Snapshots.site(host, host, "app").withPolicies(policies);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static TestClient.Response get(String host, String path, String... headerPairs) {
        return client.send(HttpMethod.GET, host, path, h -> {
            for (int i = 0; i < headerPairs.length; i += 2) {
                h.add(headerPairs[i], headerPairs[i + 1]);
            }
        }, null);
    }

    // ---------------------------------------------------------------- exploit blocking

    @Test
    void exploitsAreBlockedByDefaultAndNeverReachTheOrigin() {
        apply(List.of(), Snapshots.site("1", "plain.test", "app"));
        int before = origin.requests.get();
        for (String probe : List.of("/.env", "/.git/config", "/%2e%2e/%2e%2e/etc/passwd", "/..%252f..%252fetc/passwd",
                "/item?id=1%20UNION%20SELECT%20password", "/search?q=%3Cscript%3Ealert(1)%3C/script%3E")) {
            TestClient.Response response = get("plain.test", probe);
            assertThat(response.status()).as(probe).isEqualTo(403);
            assertThat(response.body()).contains("Request blocked");
        }
        assertThat(get("plain.test", "/", "User-Agent", "${jndi:ldap://evil.example/a}").status()).isEqualTo(403);
        assertThat(origin.requests.get()).isEqualTo(before);
        assertThat(get("plain.test", "/.well-known/acme-challenge/token").status()).isEqualTo(200);
        assertThat(get("plain.test", "/static/app.js?v=1.2").status()).isEqualTo(200);
    }

    @Test
    void aSiteCanTurnBlockingOff() {
        apply(List.of(), site("open.test", new SitePolicies(null, null, false, null)));
        assertThat(get("open.test", "/.env").status()).isEqualTo(200);
        assertThat(origin.lastSeen().uri()).isEqualTo("/.env");
    }

    // ---------------------------------------------------------------- access lists

    @Test
    void addressRulesAllowAndDeny() {
        apply(List.of(new AccessListDefinition("office", List.of(AddressRule.allow("10.0.0.0/8")), null, false, null),
                        new AccessListDefinition("loopback", List.of(AddressRule.allow("127.0.0.0/8")), null, false, null),
                        new AccessListDefinition("banned", List.of(AddressRule.deny("127.0.0.1")), null, false, null)),
                site("office.test", new SitePolicies("office", null, true, null)),
                site("loopback.test", new SitePolicies("loopback", null, true, null)),
                site("banned.test", new SitePolicies("banned", null, true, null)));
        int before = origin.requests.get();
        TestClient.Response refused = get("office.test", "/");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("Access denied");
        assertThat(get("banned.test", "/").status()).isEqualTo(403);
        assertThat(origin.requests.get()).isEqualTo(before);
        assertThat(get("loopback.test", "/").status()).isEqualTo(200);
    }

    @Test
    void basicAuthAsksChecksOffTheLoopAndRemembers() {
        apply(List.of(new AccessListDefinition("staff", null, List.of(new BasicAuthUser("ann", hash)), false, "Staff \"only\"")),
                site("auth.test", new SitePolicies("staff", null, true, null)));
        int before = origin.requests.get();
        TestClient.Response challenge = get("auth.test", "/");
        assertThat(challenge.status()).isEqualTo(401);
        assertThat(challenge.header("www-authenticate")).isEqualTo("Basic realm=\"Staff \\\"only\\\"\", charset=\"UTF-8\"");
        assertThat(get("auth.test", "/", "Authorization", basic("ann", "wrong")).status()).isEqualTo(401);
        assertThat(get("auth.test", "/", "Authorization", basic("bob", PASSWORD)).status()).isEqualTo(401);
        assertThat(get("auth.test", "/", "Authorization", "Basic !!!not-base64").status()).isEqualTo(401);
        assertThat(origin.requests.get()).isEqualTo(before);

        // A POST whose password is checked first: its body waits and arrives whole.
        TestClient.Response post = client.send(HttpMethod.POST, "auth.test", "/upload",
                h -> h.add("Authorization", basic("ann", PASSWORD)), "the body, held while the password was checked");
        assertThat(post.status()).isEqualTo(200);
        assertThat(origin.lastSeen().method()).isEqualTo("POST");
        assertThat(post.body()).isEqualTo("received=" + "the body, held while the password was checked".length());
        for (int i = 0; i < 5; i++) {
            assertThat(get("auth.test", "/again", "Authorization", basic("ann", PASSWORD)).status()).isEqualTo(200);
        }
    }

    @Test
    void satisfyAnyLetsAnAllowedAddressInWithoutPasswordAndSatisfyAllDoesNot() {
        List<AddressRule> loopback = List.of(AddressRule.allow("127.0.0.1"));
        List<BasicAuthUser> ann = List.of(new BasicAuthUser("ann", hash));
        apply(List.of(new AccessListDefinition("any", loopback, ann, false, null),
                        new AccessListDefinition("all", loopback, ann, true, null)),
                site("any.test", new SitePolicies("any", null, true, null)),
                site("all.test", new SitePolicies("all", null, true, null)));
        assertThat(get("any.test", "/").status()).isEqualTo(200);
        assertThat(get("all.test", "/").status()).isEqualTo(401);
        assertThat(get("all.test", "/", "Authorization", basic("ann", PASSWORD)).status()).isEqualTo(200);
    }

    @Test
    void behindATrustedProxyTheForwardedClientAddressDecides() {
        SitePolicies office = new SitePolicies("office", null, true, null);
        apply(List.of(new AccessListDefinition("office", List.of(AddressRule.allow("203.0.113.0/24")), null, false, null)),
                site("trusting.test", office).withHeaders(HeaderPolicy.DEFAULT.withForwarding(List.of("127.0.0.1"), false)),
                site("naive.test", office));
        assertThat(get("trusting.test", "/", "X-Forwarded-For", "203.0.113.9").status()).isEqualTo(200);
        assertThat(get("trusting.test", "/", "X-Forwarded-For", "198.51.100.1").status()).isEqualTo(403);
        // Without trust, a made-up X-Forwarded-For counts for nothing.
        assertThat(get("naive.test", "/", "X-Forwarded-For", "203.0.113.9").status()).isEqualTo(403);
    }

    // ---------------------------------------------------------------- rate limits

    @Test
    void aRateLimitAnswers429WithRetryAfterPerClient() {
        apply(List.of(), site("limited.test", new SitePolicies(null, new RateLimitDefinition(2, java.time.Duration.ofMinutes(1), 1), true, null))
                .withHeaders(HeaderPolicy.DEFAULT.withForwarding(List.of("127.0.0.1"), false)));
        List<Integer> statuses = new ArrayList<>();
        TestClient.Response last = null;
        for (int i = 0; i < 5; i++) {
            last = get("limited.test", "/", "X-Forwarded-For", "192.0.2.1");
            statuses.add(last.status());
        }
        // 2 per minute with a burst of 1: two requests pass at once, then the bucket is empty.
        assertThat(statuses).containsExactly(200, 200, 429, 429, 429);
        assertThat(Integer.parseInt(last.header("retry-after"))).isBetween(1, 60);
        assertThat(last.body()).contains("Slow down");
        // Another client has a bucket of its own.
        assertThat(get("limited.test", "/", "X-Forwarded-For", "192.0.2.2").status()).isEqualTo(200);
        // An unrelated apply keeps the limiter and so the first client's empty bucket.
        apply(List.of(), site("limited.test", new SitePolicies(null, new RateLimitDefinition(2, java.time.Duration.ofMinutes(1), 1), true, null))
                        .withHeaders(HeaderPolicy.DEFAULT.withForwarding(List.of("127.0.0.1"), false)),
                Snapshots.site("x", "unrelated.test", "app"));
        assertThat(get("limited.test", "/", "X-Forwarded-For", "192.0.2.1").status()).isEqualTo(429);
    }

    // ---------------------------------------------------------------- size limits

    @Test
    void sizeLimitsAnswer413414And431() throws IOException {
        apply(List.of(), site("small.test", new SitePolicies(null, null, true, new RequestLimits(100, 300, 30))));
        assertThat(get("small.test", "/long-" + "a".repeat(40)).status()).isEqualTo(414);
        assertThat(get("small.test", "/cookie", "Cookie", "c=" + "x".repeat(400)).status()).isEqualTo(431);
        // A declared Content-Length over the limit is refused before anything is forwarded.
        assertThat(TestClient.rawExchange(engine.httpPort(), "POST /too-big HTTP/1.1\r\nHost: small.test\r\n"
                + "Content-Length: 200\r\nConnection: close\r\n\r\n" + "y".repeat(200))).startsWith("HTTP/1.1 413 ");
        // (Counting the origin's requests would also count stragglers of other tests: look for these ones.)
        assertThat(origin.seen).extracting(TestOrigin.SeenRequest::uri).noneMatch(uri ->
                uri.startsWith("/long-") || uri.equals("/cookie") || uri.equals("/too-big"));
        String chunked = TestClient.rawExchange(engine.httpPort(), "POST /up HTTP/1.1\r\nHost: small.test\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + "40\r\n" + "z".repeat(64) + "\r\n" + "40\r\n" + "z".repeat(64) + "\r\n0\r\n\r\n");
        // A chunked body is streamed, so its head may reach the backend; past the limit the backend
        // connection is dropped (the backend never gets a whole request) and the client gets 413.
        assertThat(chunked).startsWith("HTTP/1.1 413 ").contains("connection: close");
        assertThat(client.send(HttpMethod.POST, "small.test", "/up", h -> { }, "y".repeat(90)).status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- validation

    @Test
    void badPoliciesAreRejectedByField() {
        ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(backend("app", origin)), List.of(
                site("v.test", new SitePolicies("missing", new RateLimitDefinition(0, null, -1), true, new RequestLimits(-1, 0, 9000)))))
                .withAccessLists(List.of(new AccessListDefinition("bad list!", List.of(AddressRule.allow("10.0.0.0/40")),
                        List.of(new BasicAuthUser("a:b", hash), new BasicAuthUser("ann", "plaintext")), false, null))));
        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.errors()).extracting(ConfigError::field).contains("name", "rules[0].address", "users[0].username",
                "users[1].passwordHash", "policies.accessList", "policies.rateLimit.requests", "policies.rateLimit.burst",
                "policies.limits.maxBodyBytes", "policies.limits.maxUrlLength");
    }
}
