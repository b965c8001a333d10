package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.admin.StartupFailures;
import dev.gatehouse.admin.certificate.bundle.TestPki;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard over HTTPS with its own certificate ({@code gatehouse.admin.tls.*}), seen by the JDK's HTTP
 * client trusting only that certificate: the configured certificate is the one served, cookies are
 * {@code Secure}, answers carry HSTS, plain HTTP gets nowhere, a certificate written over the files is served
 * without a restart, and a key that does not belong to the certificate stops the start naming both files.
 */
class AdminTlsApiTest {

    private static final String ADMIN = "https-admin@example.test";
    private static final String PASSWORD = "https-test-passphrase-42";
    private static final Pattern CSRF_INPUT = Pattern.compile("<input[^>]*name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @TempDir
    static Path dataDir;
    @TempDir
    static Path keys;

    private static TestPki pki;
    private static TestPki.Credential first;
    private static Path certificateFile;
    private static Path keyFile;
    private static RunningGatehouse gatehouse;

    @BeforeAll
    static void start() throws IOException {
        pki = TestPki.now();
        first = pki.rsaLeaf("localhost");
        certificateFile = Files.writeString(keys.resolve("admin.crt"), first.certificatePem());
        keyFile = Files.writeString(keys.resolve("admin.key"), first.pkcs8Pem());
        gatehouse = RunningGatehouse.start(dataDir, "gatehouse.admin-email=" + ADMIN, "gatehouse.admin-password=" + PASSWORD,
                "gatehouse.admin.tls.certificate=" + certificateFile, "gatehouse.admin.tls.private-key=" + keyFile,
                // notice a replaced file within a second instead of Spring Boot's default 10 s
                "spring.ssl.bundle.watch.file.quiet-period=500ms");
    }

    @AfterAll
    static void stop() {
        if (gatehouse != null) {
            gatehouse.close();
        }
    }

    /** A client trusting exactly these certificates, with a TLS context (and session cache) of its own. */
    private static HttpClient trusting(X509Certificate... certificates) throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (int i = 0; i < certificates.length; i++) {
            trusted.setCertificateEntry("admin-" + i, certificates[i]);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static URI https(String path) {
        return URI.create("https://localhost:" + gatehouse.adminPort() + path);
    }

    private static X509Certificate served(HttpResponse<?> answer) throws IOException {
        Certificate[] chain = answer.sslSession().orElseThrow().getPeerCertificates();
        return (X509Certificate) chain[0];
    }

    /** The value of cookie {@code name} in {@code answer}'s Set-Cookie headers, with its attributes. */
    private static String setCookie(HttpResponse<?> answer, String name) {
        return answer.headers().allValues("Set-Cookie").stream().filter(header -> header.startsWith(name + "="))
                .findFirst().orElseThrow(() -> new AssertionError("no Set-Cookie " + name + " in " + answer.headers()));
    }

    private static String cookieValue(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    @Test
    void theConfiguredCertificateIsServedAndTheCookiesAreSecure() throws Exception {
        HttpClient client = trusting(first.certificate());

        HttpResponse<String> login = client.send(HttpRequest.newBuilder(https("/login")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(served(login)).isEqualTo(first.certificate());
        assertThat(login.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(hsts ->
                assertThat(hsts).startsWith("max-age="));
        String csrfCookie = setCookie(login, BrowserSession.CSRF_COOKIE);
        assertThat(csrfCookie.toLowerCase(Locale.ROOT)).contains("; secure", "; httponly", "; samesite=strict");

        Matcher token = CSRF_INPUT.matcher(login.body());
        assertThat(token.find()).isTrue();
        String form = "username=" + URLEncoder.encode(ADMIN, StandardCharsets.UTF_8) + "&password=" + PASSWORD
                + "&_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> signedIn = client.send(HttpRequest.newBuilder(https("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", BrowserSession.CSRF_COOKIE + "=" + cookieValue(csrfCookie))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/");
        String session = setCookie(signedIn, BrowserSession.COOKIE);
        assertThat(session.toLowerCase(Locale.ROOT)).contains("; secure", "; httponly", "; samesite=lax");
        HttpResponse<String> dashboard = client.send(HttpRequest.newBuilder(https("/"))
                .header("Cookie", BrowserSession.COOKIE + "=" + cookieValue(session)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("id=\"logout\"");
    }

    @Test
    void plainHttpGetsNoAnswer() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://localhost:" + gatehouse.adminPort()
                + "/login")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aCertificateWrittenOverTheFilesIsServedWithoutARestart() throws Exception {
        TestPki.Credential renewed = pki.rsaLeaf("localhost");
        // as certbot and most tools do: each file written aside, then renamed into place
        replace(keyFile, renewed.pkcs8Pem());
        replace(certificateFile, renewed.certificatePem());

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            HttpResponse<Void> answer = trusting(first.certificate(), renewed.certificate())
                    .send(HttpRequest.newBuilder(https("/login")).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(served(answer)).isEqualTo(renewed.certificate());
        });
        HttpResponse<Void> answer = trusting(renewed.certificate())
                .send(HttpRequest.newBuilder(https("/login")).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(answer.statusCode()).isEqualTo(200);
        // the other tests, whichever order they run in, expect what is served now
        first = renewed;
    }

    @Test
    void aKeyOfAnotherCertificateStopsTheStartNamingBothFiles(@TempDir Path otherData, @TempDir Path otherKeys)
            throws IOException {
        Path certificate = Files.writeString(otherKeys.resolve("admin.crt"), pki.rsaLeaf("localhost").certificatePem());
        Path wrongKey = Files.writeString(otherKeys.resolve("admin.key"), pki.rsaLeaf("localhost").pkcs8Pem());

        assertThatThrownBy(() -> RunningGatehouse.start(otherData, "gatehouse.admin.tls.certificate=" + certificate,
                "gatehouse.admin.tls.private-key=" + wrongKey).close())
                .satisfies(failure -> assertThat(StartupFailures.reason(failure)).hasValueSatisfying(reason ->
                        assertThat(reason).startsWith("the dashboard's TLS private key file " + wrongKey)
                                .contains("does not hold the key of the certificate CN=localhost in " + certificate)));
    }

    private static void replace(Path file, String content) throws IOException {
        Path aside = Files.writeString(file.resolveSibling(file.getFileName() + ".new"), content);
        Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
