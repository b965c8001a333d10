package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.DefaultSiteDefinition;
import dev.gatehouse.engine.config.RedirectDefinition;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.routing.RoutingTableCompiler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Redirection hosts and the configurable default site, through the real engine. */
class RedirectAndDefaultSiteTest {

    private ProxyEngine engine;
    private long revision;

    @BeforeEach
    void start() {
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(1));
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private void apply(List<SiteDefinition> sites, DefaultSiteDefinition defaultSite) {
        ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(), sites, List.of(), defaultSite));
        // An empty configuration equals the one the engine started with.
        assertThat(result.outcome()).as(result.errors().toString())
                .isIn(ApplyResult.Outcome.APPLIED, ApplyResult.Outcome.UNCHANGED);
    }

    private String exchange(String method, String host, String target) throws Exception {
        return TestClient.rawExchange(engine.httpPort(), method + " " + target + " HTTP/1.1\r\nHost: " + host
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }

    @Test
    void aRedirectionHostSendsEveryRequestToTheNewAddressKeepingPathAndQuery() throws Exception {
        apply(List.of(SiteDefinition.redirecting("1", List.of("old.test", "*.old.test"),
                RedirectDefinition.to("https://new.example.com"))), null);
        String response = exchange("GET", "www.old.test", "/shop/item?id=7&x=%20");
        assertThat(response).startsWith("HTTP/1.1 301 Moved Permanently")
                .contains("location: https://new.example.com/shop/item?id=7&x=%20");
        assertThat(exchange("POST", "old.test", "/form")).startsWith("HTTP/1.1 301 ")
                .contains("location: https://new.example.com/form");
    }

    @Test
    void aRedirectCanDropThePathAndUseAnotherStatus() throws Exception {
        apply(List.of(SiteDefinition.redirecting("1", List.of("old.test"),
                new RedirectDefinition("https://new.example.com/welcome", 307, false))), null);
        assertThat(exchange("POST", "old.test", "/anything?q=1")).startsWith("HTTP/1.1 307 Temporary Redirect")
                .contains("location: https://new.example.com/welcome\r\n");
    }

    @Test
    void unknownHostsGetTheNotFoundPageByDefault() throws Exception {
        apply(List.of(), null);
        assertThat(exchange("GET", "nobody.test", "/")).startsWith("HTTP/1.1 404 Not Found").contains("No site here");
    }

    @Test
    void unknownHostsCanBeRedirected() throws Exception {
        apply(List.of(), DefaultSiteDefinition.redirectTo(new RedirectDefinition("https://www.example.com", 302, false)));
        assertThat(exchange("GET", "nobody.test", "/wp-login.php")).startsWith("HTTP/1.1 302 Found")
                .contains("location: https://www.example.com/\r\n");
    }

    @Test
    void unknownHostsCanGetTheirConnectionClosedWithoutAWord() throws Exception {
        apply(List.of(), DefaultSiteDefinition.close());
        assertThat(exchange("GET", "nobody.test", "/")).isEmpty();
    }

    @Test
    void configuredSitesAreUnaffectedByTheDefaultSite() throws Exception {
        try (TestOrigin origin = TestOrigin.start("app")) {
            ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(new BackendDefinition("app",
                    List.of(origin.server()))), List.of(new SiteDefinition("1", List.of("app.test"), true,
                    List.of(new RouteDefinition("/", "app")))), List.of(), DefaultSiteDefinition.close()));
            assertThat(result.outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
            assertThat(exchange("GET", "app.test", "/")).startsWith("HTTP/1.1 200 OK");
            assertThat(exchange("GET", "other.test", "/")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} keepPath={1} {2} -> {3}")
    @CsvSource({
            "https://new.example.com,      true,  /a?b=1, https://new.example.com/a?b=1",
            "https://new.example.com/,     true,  /a,     https://new.example.com/a",
            "https://new.example.com/shop, true,  /a,     https://new.example.com/shop/a",
            "https://new.example.com,      false, /a?b=1, https://new.example.com/",
            "https://new.example.com/shop, false, /a,     https://new.example.com/shop",
            "http://new.example.com:8080,  true,  /,      http://new.example.com:8080/",
    })
    void locations(String target, boolean keepPath, String request, String location) {
        assertThat(new RedirectDefinition(target, 301, keepPath).location(request)).isEqualTo(location);
    }

    @ParameterizedTest(name = "{0} / {1}: {3}")
    @CsvSource({
            "ftp://files.example.com, 301, redirect.target, must start with http:// or https://",
            "https://example.com/?a=1, 301, redirect.target, must not have a query or fragment",
            "https://user:pw@example.com, 301, redirect.target, must not contain a user name or password",
            "https:///path, 301, redirect.target, has no host name",
            "https://example.com, 303, redirect.status, is not one of 301, 302, 307, 308",
    })
    void badRedirectsNameTheProblem(String target, int status, String field, String message) {
        ConfigSnapshot snapshot = new ConfigSnapshot(1, List.of(), List.of(SiteDefinition.redirecting("1",
                List.of("old.test"), new RedirectDefinition(target, status, true))));
        assertThat(RoutingTableCompiler.validate(snapshot)).anySatisfy(error -> {
            assertThat(error.object()).isEqualTo("site 1");
            assertThat(error.field()).isEqualTo(field);
            assertThat(error.message()).contains(message);
        });
        ConfigSnapshot defaultSite = new ConfigSnapshot(1, List.of(), List.of(), List.of(),
                DefaultSiteDefinition.redirectTo(new RedirectDefinition(target, status, true)));
        assertThat(RoutingTableCompiler.validate(defaultSite)).anySatisfy(error -> {
            assertThat(error.object()).isEqualTo("default site");
            assertThat(error.field()).isEqualTo(field);
        });
    }

    @Test
    void aRedirectingSiteHasNoRoutes() {
        SiteDefinition both = new SiteDefinition("1", List.of("old.test"), true, List.of(new RouteDefinition("/", "app")),
                null, false, null, false, null, RedirectDefinition.to("https://new.example.com"));
        assertThat(RoutingTableCompiler.validate(new ConfigSnapshot(1, List.of(), List.of(both))))
                .anySatisfy(error -> assertThat(error.message()).contains("forwards nothing: it has no routes"));
    }
}
