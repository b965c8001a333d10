package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.engine.config.HeaderPolicy.HeaderRule;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.routing.RoutingTableCompiler;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/** A site's header policy: Host passing and header changes both ways, through the real engine. */
class HeaderPolicyTest {

    private ProxyEngine engine;
    private TestOrigin origin;
    private TestClient client;
    private long revision;

    @BeforeEach
    void start() {
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(1));
        origin = TestOrigin.start("app");
        client = new TestClient(engine.httpPort());
    }

    @AfterEach
    void stop() {
        client.close();
        engine.close();
        origin.close();
    }

    private void apply(HeaderPolicy policy) {
        SiteDefinition site = site("1", "app.test", "app").withHeaders(policy);
        ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(new BackendDefinition("app",
                List.of(origin.server()))), List.of(site)));
        assertThat(result.outcome()).as(result.errors().toString()).isEqualTo(ApplyResult.Outcome.APPLIED);
    }

    private HttpHeaders lastSeen() {
        return origin.seen.stream().reduce((a, b) -> b).orElseThrow().headers();
    }

    @Test
    void requestHeadersAreSetAddedAndRemovedInOrder() {
        apply(new HeaderPolicy(true, List.of(HeaderRule.set("X-App-Tenant", "shop"), HeaderRule.add("X-Trace", "gatehouse"),
                HeaderRule.remove("Cookie")), List.of()));
        client.send(HttpMethod.GET, "app.test", "/", h -> h.set("cookie", "session=secret").set("x-trace", "client")
                .set("x-app-tenant", "forged"), null);
        HttpHeaders seen = lastSeen();
        assertThat(seen.getAll("x-app-tenant")).containsExactly("shop");
        assertThat(seen.getAll("x-trace")).containsExactly("client", "gatehouse");
        assertThat(seen.contains("cookie")).isFalse();
        assertThat(seen.get("host")).isEqualTo("app.test");
        assertThat(seen.get("x-forwarded-host")).isEqualTo("app.test");
    }

    @Test
    void responseHeadersAreChangedBeforeTheClientSeesThem() {
        apply(new HeaderPolicy(true, List.of(), List.of(HeaderRule.remove("x-origin"),
                HeaderRule.set("X-Frame-Options", "DENY"), HeaderRule.add("Set-Cookie", "site=1"))));
        TestClient.Response response = client.get("app.test", "/");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("x-origin")).isNull();
        assertThat(response.header("x-frame-options")).isEqualTo("DENY");
        assertThat(response.headers().getAll("set-cookie")).contains("site=1");
    }

    @Test
    void withoutPassingHostTheBackendGetsItsOwnAddress() {
        apply(new HeaderPolicy(false, List.of(), List.of()));
        client.get("app.test", "/");
        assertThat(lastSeen().get("host")).isEqualTo("127.0.0.1:" + origin.port());
        assertThat(lastSeen().get("x-forwarded-host")).as("the original stays visible").isEqualTo("app.test");
    }

    @Test
    void aTrustedProxyInFrontIsBelievedAndForwardedIsSent() {
        apply(HeaderPolicy.DEFAULT.withForwarding(List.of("127.0.0.0/8", "::1"), true));
        client.send(HttpMethod.GET, "app.test", "/", h -> h.set("x-forwarded-for", "198.51.100.9")
                .set("x-forwarded-proto", "https").set("forwarded", "for=198.51.100.9;proto=https"), null);
        HttpHeaders seen = lastSeen();
        assertThat(seen.get("x-forwarded-for")).isEqualTo("198.51.100.9, 127.0.0.1");
        assertThat(seen.get("x-forwarded-proto")).isEqualTo("https");
        assertThat(seen.get("forwarded")).isEqualTo("for=198.51.100.9;proto=https, for=127.0.0.1;proto=https;host=\"app.test\"");
    }

    @Test
    void anUntrustedClientCannotMakeUpItsAddress() {
        apply(HeaderPolicy.DEFAULT.withForwarding(List.of("10.0.0.0/8"), false));
        client.send(HttpMethod.GET, "app.test", "/", h -> h.set("x-forwarded-for", "198.51.100.9").set("x-real-ip", "1.2.3.4"), null);
        assertThat(lastSeen().get("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(lastSeen().contains("x-real-ip")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"10.0.0.0/33", "not-an-ip", "10.0.0.0/x", "2001:db8::/129", " ",
            "::ffff:10.0.0.0/120", "::ffff:10.0.0.1"})
    void badTrustedProxiesAreNamed(String entry) {
        SiteDefinition site = site("1", "app.test", "app").withHeaders(HeaderPolicy.DEFAULT.withForwarding(List.of(entry), false));
        assertThat(RoutingTableCompiler.validate(new ConfigSnapshot(1, List.of(new BackendDefinition("app",
                List.of(origin.server()))), List.of(site)))).anySatisfy(error ->
                assertThat(error.field()).isEqualTo("headers.trustedProxies[0]"));
    }

    static Stream<Arguments> badRules() {
        return Stream.of(
                Arguments.of(HeaderRule.set("Host", "evil.test"), "is managed by the proxy"),
                Arguments.of(HeaderRule.remove("X-Forwarded-For"), "is managed by the proxy"),
                Arguments.of(HeaderRule.set("Content-Length", "0"), "is managed by the proxy"),
                Arguments.of(HeaderRule.set("Bad Name", "x"), "is not a valid header name"),
                Arguments.of(HeaderRule.set("X-Injected", "a\r\nX-Evil: 1"), "contains control characters"),
                Arguments.of(HeaderRule.add("X-Empty", null), "needs a value"),
                Arguments.of(new HeaderRule(null, "X-A", "b"), "has no action"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badRules")
    void badRulesNameTheProblem(HeaderRule rule, String message) {
        SiteDefinition site = site("1", "app.test", "app").withHeaders(new HeaderPolicy(true, List.of(), List.of(rule)));
        assertThat(RoutingTableCompiler.validate(new ConfigSnapshot(1, List.of(new BackendDefinition("app",
                List.of(origin.server()))), List.of(site)))).anySatisfy(error -> {
                    assertThat(error.field()).isEqualTo("headers.response[0]");
                    assertThat(error.message()).contains(message);
                });
    }
}
