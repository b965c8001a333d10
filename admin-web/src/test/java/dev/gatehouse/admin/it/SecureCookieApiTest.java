package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.certificate.bundle.TestPki;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * The dashboard served over TLS ({@code gatehouse.admin.tls.*} with a certificate made in the test):
 * the session cookie is {@code Secure}, so a browser never sends it in clear text, and the answers carry
 * HSTS; the Origin check takes the https origin as the dashboard's own.
 */
class SecureCookieApiTest {

    private static final String ADMIN = "tls-admin@example.test";
    private static final String PASSWORD = "tls-test-passphrase-42";

    @TempDir
    static Path dataDir;
    @TempDir
    static Path keys;

    private static RunningGatehouse gatehouse;
    private static SslContext trustThisServer;

    @BeforeAll
    static void start() throws IOException {
        TestPki.Credential server = TestPki.now().rsaLeaf("localhost");
        Path certificate = Files.writeString(keys.resolve("admin.crt"), server.certificatePem());
        Path key = Files.writeString(keys.resolve("admin.key"), server.pkcs8Pem());
        trustThisServer = SslContextBuilder.forClient().trustManager(server.certificate()).build();
        gatehouse = RunningGatehouse.start(dataDir, "gatehouse.admin-email=" + ADMIN, "gatehouse.admin-password=" + PASSWORD,
                "gatehouse.admin.tls.certificate=" + certificate, "gatehouse.admin.tls.private-key=" + key);
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
    }

    private static WebTestClient https() {
        return BrowserSession.client("https://localhost:" + gatehouse.adminPort(),
                HttpClient.create(ConnectionProvider.newConnection()).secure(tls -> tls.sslContext(trustThisServer)));
    }

    @Test
    void overTlsTheSessionCookieIsSecureHttpOnlyAndSameSite() {
        BrowserSession browser = new BrowserSession(https());
        EntityExchangeResult<String> loginPage = browser.get("/login");
        String before = browser.session();

        EntityExchangeResult<String> signedIn = browser.signInWithPassword(ADMIN, PASSWORD);

        assertThat(BrowserSession.location(signedIn)).isEqualTo("/");
        assertThat(browser.session()).isNotNull().isNotEqualTo(before);
        assertThat(BrowserSession.sessionSetCookie(signedIn).toLowerCase(Locale.ROOT))
                .contains("; secure", "; httponly", "; samesite=lax");
        // the login page's CSRF cookie (anonymous visitors have no session)
        assertThat(BrowserSession.setCookie(loginPage, BrowserSession.CSRF_COOKIE).toLowerCase(Locale.ROOT))
                .contains("; secure", "; httponly", "; samesite=strict");
        assertThat(browser.get("/").getResponseHeaders().getFirst("Strict-Transport-Security")).startsWith("max-age=");
    }

    @Test
    void theOriginCheckKnowsTheHttpsOrigin() {
        BrowserSession browser = new BrowserSession(https());
        browser.signInWithPassword(ADMIN, PASSWORD);

        post(browser, "https://localhost:" + gatehouse.adminPort()).expectStatus().isBadRequest();
        post(browser, "http://localhost:" + gatehouse.adminPort()).expectStatus().isEqualTo(HttpStatus.FORBIDDEN);
    }

    private static WebTestClient.ResponseSpec post(BrowserSession browser, String origin) {
        return https().post().uri("/api/v1/backends").cookie(BrowserSession.COOKIE, browser.session())
                .header(HttpHeaders.ORIGIN, origin).contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange();
    }
}
