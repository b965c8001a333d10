package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.it.TwoFactorAccounts.Enrolled;
import dev.gatehouse.admin.security.MutableClock;
import dev.gatehouse.admin.web.Html;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sessions on the running appliance over real HTTP, with the application's clock moved instead of
 * waiting: the idle timeout (background refreshes do not count as use) and the absolute one, the
 * password asked again before sensitive pages, the Origin check for API changes made with the session
 * cookie, and the "two-factor for everyone" policy.
 */
class SessionHardeningApiTest {

    private static final String ADMIN = "session-admin@example.test";
    private static final String API_CHANGE = "/api/v1/backends";

    @TempDir
    static Path dataDir;

    private static MutableClock clock;
    private static RunningGatehouse gatehouse;
    private static TwoFactorAccounts accounts;
    private static int users;

    @BeforeAll
    static void start() {
        clock = TwoFactorAccounts.clockAtStartOfCodeStep();
        gatehouse = TwoFactorAccounts.startGatehouse(dataDir, clock, ADMIN);
        accounts = new TwoFactorAccounts(gatehouse);
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
    }

    @BeforeEach
    void forgetEarlierAttempts() {
        clock.advance(Duration.ofHours(1));
    }

    private static String newUser() {
        return "session-user" + (++users) + "@example.test";
    }

    @Test
    void aSessionNobodyUsesForThirtyMinutesIsSignedOut() {
        BrowserSession browser = accounts.signedIn(ADMIN);
        clock.advance(Duration.ofMinutes(29));
        assertThat(browser.get("/").getStatus()).isEqualTo(HttpStatus.OK);
        clock.advance(Duration.ofMinutes(29));
        assertThat(browser.get("/sites").getStatus()).as("each use starts the 30 minutes again").isEqualTo(HttpStatus.OK);
        String session = browser.session();

        clock.advance(Duration.ofMinutes(30));
        EntityExchangeResult<String> expired = browser.get("/sites");

        assertThat(BrowserSession.location(expired)).isEqualTo("/login?expired");
        assertThat(browser.session()).as("the cookie is cleared").isNull();
        assertThat(browser.get("/login?expired").getResponseBody()).contains("Your session ended; please sign in again.");
        BrowserSession replay = BrowserSession.of(gatehouse);
        replay.useSession(session);
        assertThat(BrowserSession.location(replay.get("/"))).endsWith("/login");
    }

    @Test
    void theDashboardsBackgroundRefreshesDoNotKeepASessionAlive() {
        BrowserSession browser = accounts.signedIn(ADMIN);
        clock.advance(Duration.ofMinutes(20));
        EntityExchangeResult<String> poll = browser.get("/dashboard/status", headers -> headers.set("HX-Request", "true"));
        assertThat(poll.getStatus()).isEqualTo(HttpStatus.OK);

        clock.advance(Duration.ofMinutes(10));

        assertThat(BrowserSession.location(browser.get("/dashboard/status", headers -> headers.set("HX-Request", "true"))))
                .isEqualTo("/login?expired");
    }

    @Test
    void anExpiredSessionNoLongerOpensTheApi() {
        BrowserSession browser = accounts.signedIn(ADMIN);
        assertThat(browser.get("/api/v1/status").getStatus()).isEqualTo(HttpStatus.OK);

        clock.advance(Duration.ofMinutes(31));

        assertThat(browser.get("/api/v1/status").getStatus()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void aSessionEndsTwelveHoursAfterTheSignInHoweverBusy() {
        BrowserSession browser = accounts.signedIn(ADMIN);
        Instant signedIn = clock.instant();

        while (browser.get("/").getStatus() == HttpStatus.OK) {
            clock.advance(Duration.ofMinutes(25));
            assertThat(Duration.between(signedIn, clock.instant())).as("still signed in").isLessThan(Duration.ofHours(13));
        }

        assertThat(Duration.between(signedIn, clock.instant())).isBetween(Duration.ofHours(12), Duration.ofMinutes(12 * 60 + 25));
        assertThat(browser.session()).isNull();
    }

    @Test
    void sensitivePagesAskForThePasswordAgainAfterFiveMinutes() {
        BrowserSession browser = accounts.signedIn(ADMIN);
        assertThat(browser.get("/account/security/two-factor").getStatus()).as("just signed in").isEqualTo(HttpStatus.OK);
        clock.advance(Duration.ofMinutes(5));

        EntityExchangeResult<String> page = browser.get("/account/security/two-factor");
        assertThat(BrowserSession.location(page)).isEqualTo("/account/reauthenticate?next=/account/security/two-factor");
        assertThat(BrowserSession.location(browser.get("/users"))).isEqualTo("/account/reauthenticate?next=/users");
        EntityExchangeResult<String> post = browser.submit("/account", "/account/security/recovery-codes", Map.of());
        assertThat(post.getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(BrowserSession.location(post)).isEqualTo("/account/reauthenticate?next=/account");

        String form = "/account/reauthenticate?next=/account/security/two-factor";
        EntityExchangeResult<String> wrong = browser.submit(form, "/account/reauthenticate",
                Map.of("password", "not-the-password-at-all", "next", "/account/security/two-factor"));
        assertThat(wrong.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(Html.formErrors(wrong.getResponseBody())).containsExactly("The password or the code is not right.");
        assertThat(wrong.getResponseBody()).doesNotContain("not-the-password-at-all");

        EntityExchangeResult<String> right = browser.submit(form, "/account/reauthenticate",
                Map.of("password", TwoFactorAccounts.PASSWORD, "next", "/account/security/two-factor"));

        assertThat(BrowserSession.location(right)).isEqualTo("/account/security/two-factor");
        assertThat(browser.get("/account/security/two-factor").getStatus()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void anEncodedPathDoesNotSkipTheConfirmation() {
        BrowserSession browser = accounts.signedIn(ADMIN);
        clock.advance(Duration.ofMinutes(5));

        for (String encoded : List.of("/%75sers", "/account/%73ecurity/two-factor")) {
            // a URI, not a template: the percent signs go out as they are
            assertThat(client().get().uri(URI.create(base() + encoded)).cookie(BrowserSession.COOKIE, browser.session())
                    .exchange().expectStatus().isFound().returnResult(String.class).getResponseHeaders().getLocation())
                    .as(encoded).asString().startsWith("/account/reauthenticate?next=");
        }
    }

    @Test
    void userManagementThroughTheApiWithTheSessionCookieAsksForTheConfirmationToo() {
        BrowserSession browser = accounts.signedIn(ADMIN);
        String self = "http://127.0.0.1:" + gatehouse.adminPort();
        client().get().uri("/api/v1/users").cookie(BrowserSession.COOKIE, browser.session())
                .exchange().expectStatus().isOk();
        clock.advance(Duration.ofMinutes(5));

        problem(client().get().uri("/api/v1/users").cookie(BrowserSession.COOKIE, browser.session()).exchange(),
                HttpStatus.FORBIDDEN).contains("/account/reauthenticate");
        problem(client().get().uri(URI.create(base() + "/api/v1/%75sers")).cookie(BrowserSession.COOKIE, browser.session()).exchange(),
                HttpStatus.FORBIDDEN).contains("/account/reauthenticate");
        problem(client().delete().uri("/api/v1/users/999").cookie(BrowserSession.COOKIE, browser.session())
                .header(HttpHeaders.ORIGIN, self).exchange(), HttpStatus.FORBIDDEN).contains("/account/reauthenticate");
        // the rest of the API, and scripts with credentials, are not asked
        client().get().uri("/api/v1/status").cookie(BrowserSession.COOKIE, browser.session()).exchange().expectStatus().isOk();
        gatehouse.api(ADMIN, TwoFactorAccounts.PASSWORD).client().get().uri("/api/v1/users").exchange().expectStatus().isOk();
    }

    @Test
    void reauthenticationWithTwoFactorTakesACodeAndNeverLeadsOffSite() {
        Enrolled user = accounts.createEnrolled(newUser(), "ADMIN", clock);
        clock.advance(Duration.ofSeconds(30));
        BrowserSession browser = BrowserSession.of(gatehouse);
        browser.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD);
        browser.enterCode(user.code(clock));
        clock.advance(Duration.ofMinutes(6));
        String form = "/account/reauthenticate?next=https://evil.example/";
        assertThat(browser.get(form).getResponseBody()).contains("name=\"code\"").contains("value=\"/account\"");

        EntityExchangeResult<String> withoutCode = browser.submit(form, "/account/reauthenticate",
                Map.of("password", TwoFactorAccounts.PASSWORD, "next", "https://evil.example/"));
        assertThat(withoutCode.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);

        EntityExchangeResult<String> withCode = browser.submit(form, "/account/reauthenticate",
                Map.of("password", TwoFactorAccounts.PASSWORD, "code", user.code(clock), "next", "//evil.example/"));

        assertThat(BrowserSession.location(withCode)).isEqualTo("/account");
        assertThat(browser.get("/account/security/two-factor/disable").getStatus()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void anApiChangeWithTheSessionCookieMustComeFromTheDashboardsOrigin() {
        BrowserSession browser = accounts.signedIn(ADMIN);
        String self = "http://127.0.0.1:" + gatehouse.adminPort();

        problem(sessionPost(browser, headers -> headers.setOrigin("https://evil.example")), HttpStatus.FORBIDDEN)
                .contains("cross-site request refused");
        problem(sessionPost(browser, headers -> { }), HttpStatus.FORBIDDEN).contains("neither Origin nor Referer");
        problem(sessionPost(browser, headers -> headers.set(HttpHeaders.REFERER, "https://evil.example/x")), HttpStatus.FORBIDDEN)
                .contains("the request's Referer is another site");
        problem(sessionPost(browser, headers -> headers.setOrigin("null")), HttpStatus.FORBIDDEN);
        problem(sessionPost(browser, headers -> headers.setOrigin("http://127.0.0.1:1")), HttpStatus.FORBIDDEN);

        // from the dashboard itself the session is a caller like any other: its (empty) backend is refused as such
        sessionPost(browser, headers -> headers.setOrigin(self)).expectStatus().isBadRequest();
        sessionPost(browser, headers -> headers.set(HttpHeaders.REFERER, self + "/backends/new")).expectStatus().isBadRequest();
        // reading is not a change
        client().get().uri("/api/v1/status").cookie(BrowserSession.COOKIE, browser.session())
                .header(HttpHeaders.ORIGIN, "https://evil.example").exchange().expectStatus().isOk();
    }

    @Test
    void tokensAndHttpBasicAreNotSubjectToTheOriginCheck() {
        BrowserSession browser = accounts.signedIn(ADMIN);

        gatehouse.api(ADMIN, TwoFactorAccounts.PASSWORD).client().post().uri(API_CHANGE)
                .contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.ORIGIN, "https://evil.example")
                .cookie(BrowserSession.COOKIE, browser.session())
                .bodyValue("{}").exchange().expectStatus().isBadRequest();
    }

    @Test
    void whenTwoFactorIsRequiredAUserWithoutItReachesOnlyTheSetUpPage() {
        Enrolled admin = accounts.createEnrolled(newUser(), "ADMIN", clock);
        String operator = newUser();
        accounts.create(operator, "OPERATOR");
        clock.advance(Duration.ofSeconds(30));
        BrowserSession adminBrowser = BrowserSession.of(gatehouse);
        adminBrowser.signInWithPassword(admin.email(), TwoFactorAccounts.PASSWORD);
        adminBrowser.enterCode(admin.code(clock));
        BrowserSession withoutTwoFactor = accounts.signedIn(ADMIN);
        assertThat(BrowserSession.location(withoutTwoFactor.submit("/account", "/account/security/policy",
                Map.of("twoFactorRequired", "true")))).isEqualTo("/account");
        assertThat(Html.flash(withoutTwoFactor.get("/account").getResponseBody()))
                .isEqualTo("Turn on two-factor sign-in for your own account first, then require it of everyone.");

        assertThat(BrowserSession.location(adminBrowser.submit("/account", "/account/security/policy",
                Map.of("twoFactorRequired", "true")))).isEqualTo("/account");
        try {
            BrowserSession browser = accounts.signedIn(operator);
            for (String page : new String[] {"/", "/sites", "/account", "/tokens/new"}) {
                assertThat(BrowserSession.location(browser.get(page))).as(page).isEqualTo("/account/security/two-factor");
            }
            assertThat(browser.get("/account/security/two-factor").getResponseBody())
                    .contains("Two-factor sign-in is required for every user");
            client().get().uri("/api/v1/status").cookie(BrowserSession.COOKIE, browser.session()).exchange()
                    .expectStatus().isForbidden()
                    .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail)
                            .startsWith("two-factor sign-in is required for every user"));
            gatehouse.api(operator, TwoFactorAccounts.PASSWORD).get("/api/v1/status").expectStatus().isOk();

            TwoFactorAccounts.enrol(browser, operator, clock);

            assertThat(browser.get("/").getStatus()).isEqualTo(HttpStatus.OK);
        } finally {
            assertThat(BrowserSession.location(adminBrowser.submit("/account", "/account/security/policy", Map.of())))
                    .isEqualTo("/account");
        }
        assertThat(accounts.signedIn(ADMIN).get("/").getStatus()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void onlyAdministratorsSetThePolicy() {
        String operator = newUser();
        accounts.create(operator, "OPERATOR");
        BrowserSession browser = accounts.signedIn(operator);

        assertThat(browser.get("/account").getResponseBody()).doesNotContain("id=\"policy-form\"");
        EntityExchangeResult<String> refused = browser.submit("/account", "/account/security/policy",
                Map.of("twoFactorRequired", "false"));

        assertThat(refused.getStatus()).isEqualTo(HttpStatus.FORBIDDEN);
    }

    private static String base() {
        return "http://127.0.0.1:" + gatehouse.adminPort();
    }

    private static WebTestClient client() {
        return BrowserSession.client("http://127.0.0.1:" + gatehouse.adminPort(), HttpClient.create(ConnectionProvider.newConnection()));
    }

    private static WebTestClient.ResponseSpec sessionPost(BrowserSession browser, Consumer<HttpHeaders> headers) {
        return client().post().uri(API_CHANGE).cookie(BrowserSession.COOKIE, browser.session())
                .contentType(MediaType.APPLICATION_JSON).headers(headers).bodyValue("{}").exchange();
    }

    private static AbstractStringAssert<?> problem(WebTestClient.ResponseSpec answer, HttpStatus status) {
        String body = answer.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
        return assertThat(body);
    }
}
