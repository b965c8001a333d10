package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.security.MutableClock;
import dev.gatehouse.admin.token.TokenCommand;
import dev.gatehouse.admin.token.TokenService;
import dev.gatehouse.storage.user.UserRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Brute force against the running appliance: wrong passwords on HTTP Basic and on the login form are
 * throttled per account and address, with 429 and {@code Retry-After} on the API and a message on the
 * login page; the window passes (a moved clock, not minutes of sleep), other accounts and API tokens
 * carry on.
 */
class LoginThrottlingApiTest {

    private static final String ADMIN = "throttle-admin@example.test";
    private static final String PASSWORD = "throttle-test-passphrase-42";
    private static final String OTHER = "second-admin@example.test";
    private static final String OTHER_PASSWORD = "second-admin-passphrase-42";
    private static final String WRONG = "not-the-password-at-all";

    @TempDir
    static Path dataDir;

    private static MutableClock clock;
    private static RunningGatehouse gatehouse;

    @BeforeAll
    static void start() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        gatehouse = RunningGatehouse.start(dataDir, clock, "gatehouse.admin-email=" + ADMIN,
                "gatehouse.admin-password=" + PASSWORD);
        gatehouse.bean(UserRepository.class).insert(OTHER, gatehouse.bean(PasswordEncoder.class).encode(OTHER_PASSWORD), "ADMIN");
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
    }

    /** Every test starts with nothing remembered: an hour is longer than any window. */
    @BeforeEach
    void forgetEarlierAttempts() {
        clock.advance(Duration.ofHours(1));
    }

    private static AdminApi basic(String email, String password) {
        return gatehouse.api(email, password);
    }

    @Test
    void sixWrongPasswordsThenTheRightOneIsThrottledWith429AndRetryAfterUntilTheWindowPasses() {
        for (int i = 1; i <= 5; i++) {
            basic(ADMIN, WRONG).get("/api/v1/status").expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.detail").isEqualTo("wrong email or password");
        }
        throttled(basic(ADMIN, WRONG), 1);
        Map<String, Object> problem = throttled(basic(ADMIN, PASSWORD), 1);
        assertThat(problem).containsEntry("status", 429).containsEntry("title", "Too many requests")
                .containsEntry("detail", "too many failed sign-ins; try again in 1 second");

        basic(OTHER, OTHER_PASSWORD).get("/api/v1/status").expectStatus().isOk();
        String token = gatehouse.bean(TokenService.class).create(new TokenCommand("unthrottled", "read-only", ""), ADMIN)
                .block().secret();
        AdminApi.withToken(gatehouse.adminPort(), token).get("/api/v1/status").expectStatus().isOk();

        clock.advance(Duration.ofSeconds(1));
        basic(ADMIN, WRONG).get("/api/v1/status").expectStatus().isUnauthorized();
        throttled(basic(ADMIN, PASSWORD), 2);
        clock.advance(Duration.ofSeconds(2));
        basic(ADMIN, WRONG).get("/api/v1/status").expectStatus().isUnauthorized();
        throttled(basic(ADMIN, PASSWORD), 4);

        clock.advance(Duration.ofMinutes(15).plusSeconds(4));
        basic(ADMIN, PASSWORD).get("/api/v1/status").expectStatus().isOk();
        for (int i = 1; i <= 5; i++) {
            basic(ADMIN, WRONG).get("/api/v1/status").expectStatus().isUnauthorized(); // the success started the count over
        }
    }

    @Test
    void theLoginPageSaysHowLongToWaitAndOtherAccountsStillSignIn() {
        WebTestClient browser = gatehouse.browser();
        for (int i = 1; i <= 5; i++) {
            assertThat(location(DashboardSession.postLogin(browser, ADMIN, WRONG))).isEqualTo("/login?error");
        }
        assertThat(location(DashboardSession.postLogin(browser, ADMIN, PASSWORD))).isEqualTo("/login?throttled=1");
        basic(ADMIN, PASSWORD).get("/api/v1/status").expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);

        String page = browser.get().uri("/login?throttled=1").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("Too many failed sign-ins; try again in 1 second.").doesNotContain("Invalid email or password");

        DashboardSession.signIn(browser, OTHER, OTHER_PASSWORD).page("/");

        clock.advance(Duration.ofMinutes(16));
        DashboardSession.signIn(browser, ADMIN, PASSWORD).page("/");
    }

    @Test
    void accountsThatDoNotExistAreThrottledExactlyLikeRealOnes() {
        String nobody = "nobody-here@example.test";
        for (int i = 1; i <= 5; i++) {
            basic(nobody, WRONG).get("/api/v1/status").expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.detail").isEqualTo("wrong email or password");
        }
        Map<String, Object> unknown = throttled(basic(nobody, WRONG), 1);
        for (int i = 1; i <= 5; i++) {
            basic(ADMIN, WRONG).get("/api/v1/status").expectStatus().isUnauthorized();
        }
        Map<String, Object> real = throttled(basic(ADMIN, WRONG), 1);

        assertThat(unknown.get("detail")).isEqualTo(real.get("detail"));
        assertThat(location(DashboardSession.postLogin(gatehouse.browser(), nobody, WRONG))).isEqualTo("/login?throttled=1");
    }

    /** 429 with Retry-After: the given seconds, as a problem detail; returns it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> throttled(AdminApi api, long retryAfterSeconds) {
        return api.get("/api/v1/status")
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().doesNotExist(HttpHeaders.WWW_AUTHENTICATE)
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private static String location(EntityExchangeResult<byte[]> answer) {
        return answer.getResponseHeaders().getFirst(HttpHeaders.LOCATION);
    }
}
