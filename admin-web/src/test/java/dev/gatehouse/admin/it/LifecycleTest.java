package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.gatehouse.admin.StartupFailures;
import dev.gatehouse.admin.certificate.bundle.TestPki;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.TlsTestClient;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.storage.DataDirectory;
import dev.gatehouse.storage.Databases;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * Starting and stopping the whole appliance on a data directory: what survives a restart, what a
 * second instance and the first-administrator settings do, and the setup and sign-in flow.
 */
class LifecycleTest {

    private static final String ADMIN = "first-admin@example.test";
    private static final String ADMIN_PASSWORD = "first-admin-passphrase";
    private static final String OTHER = "someone-else@example.test";
    private static final String OTHER_PASSWORD = "someone-elses-passphrase";

    @Test
    void restartsKeepSitesRevisionAndAdministrator_refuseASecondInstance_andSurviveABadRevision(@TempDir Path dataDir) {
        try (TestOrigin origin = TestOrigin.start("kept")) {
            long revision;
            String sitesBefore;
            try (RunningGatehouse first = RunningGatehouse.start(dataDir,
                    "gatehouse.admin-email=" + ADMIN, "gatehouse.admin-password=" + ADMIN_PASSWORD)) {
                AdminApi api = first.api(ADMIN, ADMIN_PASSWORD);
                assertThat(api.revision()).as("an empty database starts at revision 1").isEqualTo(1);
                api.createBackend("app", origin.address());
                api.createSite("kept.example.test", "app");
                revision = api.revision();
                sitesBefore = api.json("/api/v1/sites");

                assertThatThrownBy(() -> RunningGatehouse.start(dataDir).close())
                        .satisfies(failure -> assertThat(StartupFailures.reason(failure)).hasValueSatisfying(
                                reason -> assertThat(reason).contains(dataDir.toAbsolutePath().toString())
                                        .contains("is already in use by another running Gatehouse")));
                assertThat(ProxyClient.get(first.proxyPort(), "kept.example.test", "/").body())
                        .as("the first instance is untouched by the refused one").startsWith("origin kept ");
            }

            try (RunningGatehouse second = RunningGatehouse.start(dataDir,
                    "gatehouse.admin-email=" + OTHER, "gatehouse.admin-password=" + OTHER_PASSWORD)) {
                AdminApi api = second.api(ADMIN, ADMIN_PASSWORD);
                assertThat(api.revision()).as("the same revision serves after a restart").isEqualTo(revision);
                assertThat(api.json("/api/v1/sites")).isEqualTo(sitesBefore);
                assertThat(ProxyClient.get(second.proxyPort(), "kept.example.test", "/again"))
                        .isEqualTo(new ProxyClient.Answer(200, "origin kept host kept.example.test path /again"));
                second.api(OTHER, OTHER_PASSWORD).expectUnauthorized("/api/v1/status");
            }

            // A newest revision the engine rejects (here: a route to a backend that does not exist)
            // must not take the dashboard down: the proxy serves nothing, the next save repairs it.
            storeRevision(dataDir, new ConfigSnapshot(revision + 1, List.of(), List.of(new SiteDefinition("99",
                    List.of("kept.example.test"), true, List.of(new RouteDefinition("/", "ghost"))))));
            try (RunningGatehouse third = RunningGatehouse.start(dataDir)) {
                AdminApi api = third.api(ADMIN, ADMIN_PASSWORD);
                Map<String, Object> status = api.status();
                assertThat(status).containsEntry("engineRunning", true).containsEntry("revision", 0);
                assertThat(ProxyClient.get(third.proxyPort(), "kept.example.test", "/").status()).isEqualTo(404);
                assertThat(api.json("/api/v1/sites")).isEqualTo(sitesBefore);

                api.createBackend("spare", origin.address());
                assertThat(api.revision()).isEqualTo(revision + 2);
                assertThat(ProxyClient.get(third.proxyPort(), "kept.example.test", "/").body())
                        .startsWith("origin kept ");
            }
        }
    }

    /** Writes a revision straight into the database of a stopped Gatehouse. */
    private static void storeRevision(Path dataDir, ConfigSnapshot snapshot) {
        try (DataDirectory directory = DataDirectory.open(dataDir);
             HikariDataSource database = Databases.h2(directory, Databases.MINIMUM_POOL_SIZE)) {
            new ConfigRevisionRepository(database).insert(snapshot.revision(), SnapshotJson.write(snapshot), "test",
                    "a revision the engine rejects");
        }
    }

    @Test
    void certificatesAndTheDefaultCertificateSurviveARestart_andAnotherMasterKeyIsRefusedClearly(@TempDir Path dataDir)
            throws Exception {
        TestPki pki = TestPki.now();
        TestPki.Credential leaf = pki.rsaLeaf("secure.example.test");
        java.math.BigInteger defaultSerial;
        try (TestOrigin origin = TestOrigin.start("secure")) {
            try (RunningGatehouse first = RunningGatehouse.start(dataDir,
                    "gatehouse.admin-email=" + ADMIN, "gatehouse.admin-password=" + ADMIN_PASSWORD)) {
                AdminApi api = first.api(ADMIN, ADMIN_PASSWORD);
                api.createBackend("app", origin.address());
                api.create("/api/v1/certificates", "{\"name\":\"secure\",\"certificate\":" + jsonString(leaf.certificatePem())
                        + ",\"privateKey\":" + jsonString(leaf.pkcs8Pem()) + "}");
                api.create("/api/v1/sites", "{\"hostnames\":[\"secure.example.test\"],\"backend\":\"app\","
                        + "\"certificate\":\"secure\"}");
                defaultSerial = TlsTestClient.presentedCertificate(first.bean(ProxyEngine.class).httpsPort(), null)
                        .getSerialNumber();
            }
            try (RunningGatehouse second = RunningGatehouse.start(dataDir)) {
                int https = second.bean(ProxyEngine.class).httpsPort();
                assertThat(TlsTestClient.presentedCertificate(https, "secure.example.test").getSerialNumber())
                        .as("the stored revision runs again, its key read back from the encrypted table")
                        .isEqualTo(leaf.certificate().getSerialNumber());
                assertThat(TlsTestClient.presentedCertificate(https, null).getSerialNumber())
                        .as("the default certificate is generated once").isEqualTo(defaultSerial);
            }
        }
        String otherKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> RunningGatehouse.start(dataDir, "gatehouse.master-key=" + otherKey).close())
                .satisfies(failure -> assertThat(StartupFailures.reason(failure)).hasValueSatisfying(reason ->
                        assertThat(reason).contains("master key")));
    }

    private static String jsonString(String text) {
        return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(text);
    }

    @Test
    void aBadAdministratorPasswordStopsTheStart_thenSetupAndSignInWork(@TempDir Path dataDir) {
        assertThatThrownBy(() -> RunningGatehouse.start(dataDir,
                "gatehouse.admin-email=" + ADMIN, "gatehouse.admin-password=short").close())
                .satisfies(failure -> assertThat(StartupFailures.reason(failure)).hasValue(
                        "GATEHOUSE_ADMIN_PASSWORD: password must be at least 12 characters, was 5"));

        try (RunningGatehouse gatehouse = RunningGatehouse.start(dataDir)) {
            WebTestClient browser = gatehouse.browser();
            for (String page : List.of("/", "/sites", "/backends/new", "/login")) {
                browser.get().uri(page).exchange().expectStatus().isFound()
                        .expectHeader().valueEquals(HttpHeaders.LOCATION, "/setup");
            }
            browser.get().uri("/setup").exchange().expectStatus().isOk();
            gatehouse.api(ADMIN, ADMIN_PASSWORD).expectUnauthorized("/api/v1/status");

            SetupService setup = gatehouse.bean(SetupService.class);
            assertThatThrownBy(() -> setup.createFirstAdmin("not-an-email", "password1234").block())
                    .isInstanceOfSatisfying(ValidationException.class, rejected -> assertThat(rejected.problems())
                            .extracting(problem -> problem.field() + ": " + problem.message())
                            .containsExactly("email: email 'not-an-email' is not an email address, e.g. admin@example.com",
                                    "password: password is on a list of commonly used passwords; choose another"));
            assertThat(setup.needsSetup().block()).isTrue();
            setup.createFirstAdmin(ADMIN, ADMIN_PASSWORD).block();
            assertThatThrownBy(() -> setup.createFirstAdmin(OTHER, OTHER_PASSWORD).block())
                    .isInstanceOfSatisfying(ConflictException.class, done -> {
                        assertThat(done.field()).isEqualTo("email");
                        assertThat(done.getMessage()).startsWith("setup is already complete");
                    });
            browser.get().uri("/setup").exchange().expectStatus().isFound()
                    .expectHeader().valueEquals(HttpHeaders.LOCATION, "/login");
            browser.get().uri("/sites").exchange().expectStatus().isFound()
                    .expectHeader().valueEquals(HttpHeaders.LOCATION, "/login");
            gatehouse.api(ADMIN, ADMIN_PASSWORD).get("/api/v1/status").expectStatus().isOk();

            signInAndOut(browser);
        }
    }

    /**
     * The session login of the dashboard: CSRF token from the login page with its cookie (no session before the
     * sign-in), session cookie, logout.
     */
    private static void signInAndOut(WebTestClient browser) {
        EntityExchangeResult<String> loginPage = browser.get().uri("/login").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult();
        assertThat(loginPage.getResponseCookies()).as("no session for an anonymous visitor").doesNotContainKey("SESSION");
        String csrfCookie = cookie(loginPage, BrowserSession.CSRF_COOKIE);
        String csrf = hiddenCsrf(loginPage.getResponseBody());

        browser.post().uri("/login").cookie(BrowserSession.CSRF_COOKIE, csrfCookie).contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form(ADMIN, ADMIN_PASSWORD, null))).exchange()
                .expectStatus().isForbidden();
        // the token without its cookie
        browser.post().uri("/login").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form(ADMIN, ADMIN_PASSWORD, csrf))).exchange()
                .expectStatus().isForbidden();
        browser.post().uri("/login").cookie(BrowserSession.CSRF_COOKIE, csrfCookie).contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form(ADMIN, "wrong-password-123", csrf))).exchange()
                .expectStatus().isFound().expectHeader().valueEquals(HttpHeaders.LOCATION, "/login?error");

        EntityExchangeResult<byte[]> signedIn = browser.post().uri("/login").cookie(BrowserSession.CSRF_COOKIE, csrfCookie)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form(ADMIN.toUpperCase(), ADMIN_PASSWORD, csrf))).exchange()
                .expectStatus().isFound().expectHeader().valueEquals(HttpHeaders.LOCATION, "/")
                .expectBody().returnResult();
        String signedInSession = cookie(signedIn, "SESSION");

        EntityExchangeResult<String> dashboard = browser.get().uri("/").cookie("SESSION", signedInSession).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult();
        String pageCsrf = hiddenCsrf(dashboard.getResponseBody());

        browser.post().uri("/logout").cookie("SESSION", signedInSession)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("_csrf", pageCsrf)).exchange()
                .expectStatus().isFound().expectHeader().valueEquals(HttpHeaders.LOCATION, "/login?logout");
        browser.get().uri("/").cookie("SESSION", signedInSession).exchange()
                .expectStatus().isFound().expectHeader().valueEquals(HttpHeaders.LOCATION, "/login");
    }

    private static MultiValueMap<String, String> form(String username, String password, String csrf) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("username", username);
        form.add("password", password);
        if (csrf != null) {
            form.add("_csrf", csrf);
        }
        return form;
    }

    private static String cookie(EntityExchangeResult<?> result, String name) {
        Map<String, List<ResponseCookie>> cookies = result.getResponseCookies();
        assertThat(cookies).as("Set-Cookie " + name).containsKey(name);
        return cookies.get(name).get(0).getValue();
    }

    /** The hidden {@code _csrf} input Thymeleaf's {@code th:action} adds to every form. */
    private static String hiddenCsrf(String html) {
        Matcher input = Pattern.compile("<input[^>]*name=\"_csrf\"[^>]*>").matcher(html);
        assertThat(input.find()).as("a hidden _csrf input in the page").isTrue();
        Matcher value = Pattern.compile("value=\"([^\"]+)\"").matcher(input.group());
        assertThat(value.find()).isTrue();
        return value.group(1);
    }
}
