package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.it.TwoFactorAccounts.Enrolled;
import dev.gatehouse.admin.security.MutableClock;
import dev.gatehouse.storage.user.UserRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A new password (an administrator's reset on the Users page or the API, or the user's own) ends the user's
 * other dashboard sessions at their next request: pages go back to the login form, the API answers 401; the
 * session that changed its own password stays signed in; a sign-in still waiting for its code when the
 * password changed does not outlive the change.
 */
class PasswordChangeEndsSessionsApiTest {

    private static final String ADMIN = "sessions-admin@example.test";
    private static final String NEW_PASSWORD = "brand-new-passphrase-77";

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

    /** Nothing left from the test before: no sign-in throttle, no code step of the same 30 seconds. */
    @BeforeEach
    void forgetEarlierAttempts() {
        clock.advance(Duration.ofHours(1));
    }

    private static String nextEmail() {
        return "sessions-user" + (++users) + "@example.test";
    }

    private static String newUser(String role) {
        String email = nextEmail();
        accounts.create(email, role);
        return email;
    }

    private static long id(String email) {
        return gatehouse.bean(UserRepository.class).findByEmail(email).orElseThrow().id();
    }

    private static String passwordForm(String email) {
        return "/users/" + id(email) + "/password";
    }

    private static void assertSignedOut(BrowserSession browser) {
        assertThat(BrowserSession.location(browser.get("/sites"))).as("a page of the ended session").endsWith("/login");
        assertThat(browser.session()).as("its cookie is cleared").isNull();
    }

    @Test
    void anAdministratorsResetEndsEverySessionOfThatUser() {
        String user = newUser("OPERATOR");
        BrowserSession laptop = accounts.signedIn(user);
        BrowserSession phone = accounts.signedIn(user);
        BrowserSession admin = accounts.signedIn(ADMIN);
        assertThat(laptop.get("/sites").getStatus()).isEqualTo(HttpStatus.OK);
        assertThat(phone.get("/api/v1/status").getStatus()).isEqualTo(HttpStatus.OK);

        EntityExchangeResult<String> reset = admin.submit(passwordForm(user), passwordForm(user),
                Map.of("password", NEW_PASSWORD));

        assertThat(BrowserSession.location(reset)).isEqualTo("/users");
        assertThat(phone.get("/api/v1/status").getStatus()).as("the API with the ended session").isEqualTo(HttpStatus.UNAUTHORIZED);
        assertSignedOut(laptop);
        assertSignedOut(phone);
        assertThat(admin.get("/users").getStatus()).as("the administrator's own session").isEqualTo(HttpStatus.OK);
        assertThat(BrowserSession.location(BrowserSession.of(gatehouse).signInWithPassword(user, TwoFactorAccounts.PASSWORD)))
                .isEqualTo("/login?error");
        BrowserSession again = BrowserSession.of(gatehouse);
        assertThat(BrowserSession.location(again.signInWithPassword(user, NEW_PASSWORD))).isEqualTo("/");
        assertThat(again.get("/sites").getStatus()).as("a sign-in after the reset").isEqualTo(HttpStatus.OK);
    }

    @Test
    void aResetThroughTheApiEndsTheSessionsToo() {
        String user = newUser("VIEWER");
        BrowserSession browser = accounts.signedIn(user);

        gatehouse.api(ADMIN, TwoFactorAccounts.PASSWORD).put("/api/v1/users/" + id(user) + "/password",
                "{\"password\":\"" + NEW_PASSWORD + "\"}").expectStatus().isOk();

        assertSignedOut(browser);
    }

    @Test
    void changingYourOwnPasswordKeepsThisSessionAndEndsTheOthers() {
        String user = newUser("ADMIN");
        BrowserSession here = accounts.signedIn(user);
        BrowserSession elsewhere = accounts.signedIn(user);

        EntityExchangeResult<String> changed = here.submit(passwordForm(user), passwordForm(user),
                Map.of("password", NEW_PASSWORD));

        assertThat(BrowserSession.location(changed)).isEqualTo("/users");
        assertThat(here.get("/users").getStatus()).as("the session that changed it").isEqualTo(HttpStatus.OK);
        assertSignedOut(elsewhere);

        // the same through the API with the session cookie (from the dashboard's own origin)
        BrowserSession third = BrowserSession.of(gatehouse);
        assertThat(BrowserSession.location(third.signInWithPassword(user, NEW_PASSWORD))).isEqualTo("/");
        BrowserSession.client("http://127.0.0.1:" + gatehouse.adminPort(), HttpClient.create(ConnectionProvider.newConnection()))
                .put().uri("/api/v1/users/" + id(user) + "/password").cookie(BrowserSession.COOKIE, here.session())
                .header(HttpHeaders.ORIGIN, "http://127.0.0.1:" + gatehouse.adminPort())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"password\":\"another-" + NEW_PASSWORD + "\"}")
                .exchange().expectStatus().isOk();

        assertThat(here.get("/sites").getStatus()).isEqualTo(HttpStatus.OK);
        assertSignedOut(third);
    }

    @Test
    void aSignInWaitingForItsCodeDoesNotOutliveAReset() {
        Enrolled user = accounts.createEnrolled(nextEmail(), "OPERATOR", clock);
        clock.advance(Duration.ofSeconds(30));
        BrowserSession browser = BrowserSession.of(gatehouse);
        assertThat(BrowserSession.location(browser.signInWithPassword(user.email(), TwoFactorAccounts.PASSWORD)))
                .isEqualTo("/login/two-factor");

        gatehouse.api(ADMIN, TwoFactorAccounts.PASSWORD).put("/api/v1/users/" + id(user.email()) + "/password",
                "{\"password\":\"" + NEW_PASSWORD + "\"}").expectStatus().isOk();
        assertThat(BrowserSession.location(browser.enterCode(user.code(clock)))).as("the code itself is right").isEqualTo("/");

        assertSignedOut(browser);
    }
}
