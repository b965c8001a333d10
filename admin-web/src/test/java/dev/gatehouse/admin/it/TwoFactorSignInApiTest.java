package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.it.TwoFactorAccounts.Enrolled;
import dev.gatehouse.admin.security.MutableClock;
import dev.gatehouse.admin.web.Html;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * Two-factor sign-in on the running appliance over real HTTP: after the password the session opens no
 * page and no API call until the code is right; wrong codes are refused and count against the sign-in
 * throttle; a recovery code works once; every sign-in step gives the session a new id; turning it off
 * takes the password and a code. The application's clock is moved instead of waiting for codes to change.
 */
class TwoFactorSignInApiTest {

    private static final String ADMIN = "two-factor-admin@example.test";

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

    /** Nothing remembered from the test before: an hour is longer than every throttle window and the code step. */
    @BeforeEach
    void forgetEarlierAttempts() {
        clock.advance(Duration.ofHours(1));
    }

    private static String newUser() {
        return "user" + (++users) + "@example.test";
    }

    /** The next 30-second step: codes used before are not accepted again. */
    private static void nextStep() {
        clock.advance(Duration.ofSeconds(30));
    }

    @Test
    void signingInGivesTheSessionANewIdInAnHttpOnlySameSiteCookie() {
        // an attacker's own session id, planted in the victim's browser before the victim signs in
        String attackersAccount = newUser();
        accounts.create(attackersAccount, "VIEWER");
        String planted = accounts.signedIn(attackersAccount).session();
        BrowserSession browser = BrowserSession.of(gatehouse);
        EntityExchangeResult<String> loginPage = browser.get("/login");
        assertThat(browser.session()).as("no session for an anonymous visitor").isNull();
        assertHardened(BrowserSession.setCookie(loginPage, BrowserSession.CSRF_COOKIE), "strict");
        browser.useSession(planted);

        EntityExchangeResult<String> signedIn = browser.signInWithPassword(ADMIN, TwoFactorAccounts.PASSWORD);

        assertThat(BrowserSession.location(signedIn)).isEqualTo("/");
        assertHardened(BrowserSession.sessionSetCookie(signedIn), "lax");
        assertThat(browser.session()).isNotNull().isNotEqualTo(planted);
        assertThat(browser.get("/").getStatus()).isEqualTo(HttpStatus.OK);
        BrowserSession attacker = BrowserSession.of(gatehouse);
        attacker.useSession(planted);
        assertThat(BrowserSession.location(attacker.get("/"))).as("the id planted before the sign-in").endsWith("/login");
    }

    private static void assertHardened(String setCookie, String sameSite) {
        assertThat(setCookie).as("Set-Cookie").isNotNull();
        String attributes = setCookie.toLowerCase(Locale.ROOT);
        assertThat(attributes).contains("; httponly", "; samesite=" + sameSite, "; path=/")
                .as("plain HTTP: a Secure cookie would never come back").doesNotContain("; secure")
                .doesNotContain("domain=", "max-age", "expires");
    }

    @Test
    void thePasswordAloneOpensNothingUntilTheRightCode() {
        Enrolled user = accounts.createEnrolled(newUser(), "ADMIN", clock);
        nextStep();
        BrowserSession browser = BrowserSession.of(gatehouse);

        EntityExchangeResult<String> password = browser.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD);

        assertThat(BrowserSession.location(password)).isEqualTo("/login/two-factor");
        String halfway = browser.session();
        for (String page : new String[] {"/", "/sites", "/account", "/tokens", "/dashboard/status"}) {
            assertThat(BrowserSession.location(browser.get(page))).as(page).endsWith("/login");
        }
        assertThat(browser.get("/api/v1/status").getStatus()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(browser.get("/login/two-factor").getResponseBody()).contains("id=\"two-factor-form\"");

        String wrong = user.wrongCode(clock);
        assertThat(BrowserSession.location(browser.enterCode(wrong))).isEqualTo("/login/two-factor?error");
        assertThat(browser.get("/login/two-factor?error").getResponseBody()).contains("That code is not right");
        assertThat(BrowserSession.location(browser.get("/"))).endsWith("/login");

        EntityExchangeResult<String> code = browser.enterCode(user.code(clock));

        assertThat(BrowserSession.location(code)).isEqualTo("/");
        assertThat(browser.session()).as("a new id when the sign-in completes").isNotEqualTo(halfway);
        assertThat(browser.get("/").getStatus()).isEqualTo(HttpStatus.OK);
        assertThat(browser.get("/api/v1/status").getStatus()).as("the session on the API").isEqualTo(HttpStatus.OK);
        BrowserSession stale = BrowserSession.of(gatehouse);
        stale.useSession(halfway);
        assertThat(BrowserSession.location(stale.get("/"))).endsWith("/login");
    }

    @Test
    void aCodeWorksOnceEvenWithinItsThirtySeconds() {
        Enrolled user = accounts.createEnrolled(newUser(), "ADMIN", clock);
        nextStep();
        String code = user.code(clock);
        BrowserSession first = BrowserSession.of(gatehouse);
        first.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD);
        assertThat(BrowserSession.location(first.enterCode(code))).isEqualTo("/");

        BrowserSession replay = BrowserSession.of(gatehouse);
        replay.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD);

        assertThat(BrowserSession.location(replay.enterCode(code))).isEqualTo("/login/two-factor?error");
        nextStep();
        assertThat(BrowserSession.location(replay.enterCode(user.code(clock)))).isEqualTo("/");
    }

    @Test
    void aRecoveryCodeSignsInOnceInAnySpelling() {
        Enrolled user = accounts.createEnrolled(newUser(), "ADMIN", clock);
        String recovery = user.recoveryCodes().get(3);
        BrowserSession browser = BrowserSession.of(gatehouse);
        browser.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD);

        assertThat(BrowserSession.location(browser.enterCode(recovery.toUpperCase(Locale.ROOT).replace("-", " "))))
                .isEqualTo("/");
        assertThat(Html.flash(browser.get("/").getResponseBody())).startsWith("Signed in with a recovery code, which is now used up.");
        assertThat(browser.get("/account").getResponseBody()).contains("9 of 10 recovery codes left.");

        BrowserSession again = BrowserSession.of(gatehouse);
        again.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD);
        assertThat(BrowserSession.location(again.enterCode(recovery))).isEqualTo("/login/two-factor?error");
        assertThat(BrowserSession.location(again.enterCode(user.recoveryCodes().get(4)))).isEqualTo("/");
    }

    @Test
    void wrongCodesCountTowardTheSignInThrottleLikeWrongPasswords() {
        Enrolled user = accounts.createEnrolled(newUser(), "ADMIN", clock);
        nextStep();
        BrowserSession browser = BrowserSession.of(gatehouse);
        browser.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD);
        String wrong = user.wrongCode(clock);

        // the password counts until a code is right: with four wrong codes that makes the five failures allowed
        for (int i = 1; i <= 4; i++) {
            assertThat(BrowserSession.location(browser.enterCode(wrong))).isEqualTo("/login/two-factor?error");
        }
        assertThat(BrowserSession.location(browser.enterCode(user.code(clock)))).isEqualTo("/login/two-factor?throttled=1");
        assertThat(browser.get("/login/two-factor?throttled=1").getResponseBody())
                .contains("Too many failed sign-ins; try again in 1 second.");
        assertThat(BrowserSession.location(browser.get("/"))).endsWith("/login");
        gatehouse.api(user.email(), TwoFactorAccounts.PASSWORD).get("/api/v1/status")
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1");

        clock.advance(Duration.ofSeconds(1));
        assertThat(BrowserSession.location(browser.enterCode(user.code(clock)))).isEqualTo("/");
    }

    @Test
    void knowingThePasswordDoesNotResetTheCountOfWrongCodes() {
        Enrolled user = accounts.createEnrolled(newUser(), "ADMIN", clock);
        nextStep();
        String wrong = user.wrongCode(clock);
        BrowserSession attacker = BrowserSession.of(gatehouse);
        attacker.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD);
        for (int i = 1; i <= 4; i++) {
            attacker.enterCode(wrong);
        }

        // a fresh password step is itself refused, instead of starting a new count
        assertThat(BrowserSession.location(attacker.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD)))
                .isEqualTo("/login?throttled=1");
    }

    @Test
    void theCodeStepLastsFiveMinutes() {
        Enrolled user = accounts.createEnrolled(newUser(), "ADMIN", clock);
        BrowserSession browser = BrowserSession.of(gatehouse);
        browser.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD);

        clock.advance(Duration.ofMinutes(5));

        assertThat(BrowserSession.location(browser.get("/login/two-factor"))).isEqualTo("/login?expired");
        assertThat(browser.get("/login?expired").getResponseBody()).contains("Your session ended; please sign in again.");
    }

    @Test
    void withoutAPasswordFirstTheCodeStepSendsBackToTheLoginPage() {
        BrowserSession browser = BrowserSession.of(gatehouse);
        browser.get("/login");

        assertThat(BrowserSession.location(browser.get("/login/two-factor"))).isEqualTo("/login?expired");
    }

    @Test
    void turningTwoFactorOffTakesThePasswordAndACode() {
        Enrolled user = accounts.createEnrolled(newUser(), "ADMIN", clock);
        nextStep();
        BrowserSession browser = BrowserSession.of(gatehouse);
        browser.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD);
        browser.enterCode(user.code(clock));
        nextStep();
        String disable = "/account/security/two-factor/disable";

        EntityExchangeResult<String> wrongPassword = browser.submit(disable, disable,
                Map.of("password", "not-the-password-at-all", "code", user.code(clock)));
        EntityExchangeResult<String> wrongCode = browser.submit(disable, disable,
                Map.of("password", TwoFactorAccounts.PASSWORD, "code", user.wrongCode(clock)));

        assertThat(wrongPassword.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(Html.formErrors(wrongPassword.getResponseBody())).containsExactly("The password or the code is not right.");
        assertThat(wrongPassword.getResponseBody()).doesNotContain("not-the-password-at-all");
        assertThat(wrongCode.getStatus()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(browser.get("/account").getResponseBody()).contains("id=\"two-factor-on\"");

        EntityExchangeResult<String> off = browser.submit(disable, disable,
                Map.of("password", TwoFactorAccounts.PASSWORD, "code", user.code(clock)));

        assertThat(BrowserSession.location(off)).isEqualTo("/account");
        assertThat(browser.get("/account").getResponseBody()).contains("id=\"two-factor-off\"");
        assertThat(BrowserSession.location(BrowserSession.of(gatehouse)
                .signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD))).isEqualTo("/");
    }

    @Test
    void httpBasicStaysOneFactorForScripts() {
        Enrolled user = accounts.createEnrolled(newUser(), "ADMIN", clock);

        gatehouse.api(user.email(), TwoFactorAccounts.PASSWORD).get("/api/v1/status").expectStatus().isOk();
    }

    @Test
    void theSecretIsStoredSealedAndTheRecoveryCodesOnlyAsHashes() {
        Enrolled user = accounts.createEnrolled(newUser(), "ADMIN", clock);
        JdbcClient jdbc = JdbcClient.create(gatehouse.bean(DataSource.class));

        String everything = String.join("\n", jdbc.sql("SELECT secret_sealed FROM user_two_factor").query(String.class).list())
                + String.join("\n", jdbc.sql("SELECT code_hash FROM user_recovery_code").query(String.class).list());

        assertThat(everything).doesNotContain(user.secret());
        for (String code : user.recoveryCodes()) {
            assertThat(everything).doesNotContain(code).doesNotContain(code.replace("-", ""));
        }
    }
}
