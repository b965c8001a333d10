package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionManager;

/**
 * Anonymous traffic keeps no session on the server (its CSRF token and the page to return to are cookies), so
 * however much of it there is it cannot fill the session store ({@code gatehouse.session.max-sessions}, 5 here)
 * and keep a real administrator from signing in.
 */
class AnonymousSessionFloodApiTest {

    private static final String ADMIN = "flood-admin@example.test";
    private static final String PASSWORD = "flood-test-passphrase-42";
    private static final int MAX_SESSIONS = 5;
    /** Spring Security's cookie request cache's cookie. */
    private static final String REDIRECT_COOKIE = "REDIRECT_URI";

    @TempDir
    static Path dataDir;
    private static RunningGatehouse gatehouse;

    @BeforeAll
    static void start() {
        gatehouse = RunningGatehouse.start(dataDir, "gatehouse.admin-email=" + ADMIN, "gatehouse.admin-password=" + PASSWORD,
                "gatehouse.session.max-sessions=" + MAX_SESSIONS);
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
    }

    private static InMemoryWebSessionStore store() {
        return (InMemoryWebSessionStore) ((DefaultWebSessionManager) gatehouse.bean(WebSessionManager.class)).getSessionStore();
    }

    @Test
    void aFloodOfAnonymousRequestsLeavesRoomForARealSignIn() {
        int before = store().getSessions().size();
        for (int i = 0; i < 4 * MAX_SESSIONS; i++) {
            // each a new visitor, as a script would be: no cookie kept from one request to the next
            for (String page : List.of("/login", "/login?error", "/sites", "/login/two-factor", "/setup", "/no-such-page")) {
                BrowserSession visitor = BrowserSession.of(gatehouse);
                EntityExchangeResult<String> answer = visitor.get(page);
                assertThat(answer.getStatus().value()).as(page).isIn(200, 302, 303, 404);
            }
            BrowserSession withMadeUpCookie = BrowserSession.of(gatehouse);
            withMadeUpCookie.useSession(UUID.randomUUID().toString());
            assertThat(withMadeUpCookie.get("/login").getStatus().value()).as("/login with a made-up session id").isEqualTo(200);
        }
        // a few wrong passwords too (more from this one address would throttle the administrator's sign-in below)
        for (int i = 0; i < 3; i++) {
            BrowserSession guesser = BrowserSession.of(gatehouse);
            assertThat(BrowserSession.location(guesser.signInWithPassword("nobody" + i + "@example.test", "wrong-password-" + i)))
                    .isEqualTo("/login?error");
        }
        assertThat(store().getSessions()).as("sessions kept for anonymous visitors").hasSize(before);

        BrowserSession admin = BrowserSession.of(gatehouse);
        assertThat(BrowserSession.location(admin.signInWithPassword(ADMIN, PASSWORD))).isEqualTo("/");
        assertThat(admin.get("/sites").getStatus()).isEqualTo(HttpStatus.OK);
        assertThat(BrowserSession.location(admin.submit("/account", "/logout", Map.of()))).isEqualTo("/login?logout");
        assertThat(store().getSessions()).hasSize(before);
    }

    /** Where an anonymous visitor was going is a cookie too; only a path on this server is followed back. */
    @Test
    void thePageAskedForBeforeSigningInIsKeptInACookie() {
        WebTestClient browser = gatehouse.browser();
        EntityExchangeResult<String> sites = browser.get().uri("/sites").accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().isFound().expectBody(String.class).returnResult();
        assertThat(sites.getResponseCookies()).doesNotContainKey(BrowserSession.COOKIE);
        String saved = DashboardSession.cookie(sites, REDIRECT_COOKIE);
        String offSite = Base64.getEncoder().encodeToString("//evil.example/".getBytes(StandardCharsets.UTF_8));

        assertThat(signInWith(browser, saved)).isEqualTo("/sites");
        assertThat(signInWith(browser, offSite)).as("a cookie planted to lead elsewhere").isEqualTo("/");
    }

    /** Signs in carrying {@code redirectCookie}; where the sign-in leads. */
    private static String signInWith(WebTestClient browser, String redirectCookie) {
        EntityExchangeResult<String> login = browser.get().uri("/login").exchange().expectBody(String.class).returnResult();
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("username", ADMIN);
        form.add("password", PASSWORD);
        form.add("_csrf", DashboardSession.csrf(login.getResponseBody()));
        return browser.post().uri("/login").cookie(REDIRECT_COOKIE, redirectCookie)
                .cookie(BrowserSession.CSRF_COOKIE, DashboardSession.cookie(login, BrowserSession.CSRF_COOKIE))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(BodyInserters.fromFormData(form)).exchange()
                .expectStatus().isFound().returnResult(Void.class).getResponseHeaders().getFirst(HttpHeaders.LOCATION);
    }
}
