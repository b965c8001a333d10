package dev.gatehouse.engine;

import dev.gatehouse.engine.EngineSettings.TlsProvider;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.HstsPolicy;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.errorpage.ErrorPage;
import dev.gatehouse.engine.tls.TestCertificates;
import dev.gatehouse.engine.tls.TestCertificates.Issued;
import dev.gatehouse.engine.tls.TestCertificates.KeyType;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static dev.gatehouse.engine.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Black-box tests of the HTTPS listener through the real engine, real origins on loopback, and real
 * clients (curl, openssl s_client, the JDK's TLS): one subclass per TLS provider, so every behaviour
 * is proven with OpenSSL (BoringSSL via netty-tcnative) and with the JDK alike.
 *
 * <p>Sites: {@code a.test} (certificate "a": a CA → intermediate → leaf RSA chain; force HTTPS;
 * HSTS with preload), {@code b.test} and {@code *.b.test} (certificate "b", self-signed EC),
 * {@code hsts.test} (certificate "b", HSTS without force), {@code sts.test} (certificate "b", HSTS of
 * 60 s, behind an origin that sends its own), {@code down.test} (HSTS, its backend refuses
 * connections), {@code plain.test} (no certificate), and {@code off.test} (disabled, certificate "a").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpsListenerContract {

    private static final String A_HSTS = "max-age=31536000; includeSubDomains; preload";

    @TempDir
    Path tmp;

    private TestOrigin originA;
    private TestOrigin originPlain;
    private TestOrigin originSts;
    private ProxyEngine engine;
    private TestClient http;
    private Issued defaultCert;
    private Issued certA;
    private Issued certB;
    private int httpsPort;

    abstract TlsProvider provider();

    @BeforeAll
    void start() throws Exception {
        assertTrue(Tools.available(Tools.CURL) && Tools.available(Tools.OPENSSL),
                "needs /usr/bin/curl and /usr/bin/openssl (apt-get install curl openssl; .ci/run installs them)");
        originA = TestOrigin.start("a");
        originPlain = TestOrigin.start("plain");
        originSts = TestOrigin.start("sts", (request, response) -> response
                .header("strict-transport-security", "max-age=5")
                .sendString(Mono.just("origin=sts")).then());
        defaultCert = TestCertificates.selfSigned(KeyType.EC, "gatehouse.invalid");
        certA = TestCertificates.chain(KeyType.RSA, "a.test");
        certB = TestCertificates.selfSigned(KeyType.EC, "b.test", "*.b.test", "hsts.test", "sts.test");
        int refused;
        try (ServerSocket closed = new ServerSocket(0)) {
            refused = closed.getLocalPort();
        }
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).httpsPort(0).eventLoopThreads(2)
                .tlsProvider(provider()).defaultCertificate(defaultCert.definition("default")));
        httpsPort = engine.httpsPort();
        List<BackendDefinition> backends = List.of(backend("a", originA), backend("plain", originPlain),
                backend("sts", originSts), backend("down", new ServerDefinition("127.0.0.1", refused)));
        HstsPolicy preload = new HstsPolicy(HstsPolicy.DEFAULT_MAX_AGE_SECONDS, true, true);
        List<SiteDefinition> sites = List.of(
                site("1", List.of("a.test"), true, "a", "a", true, preload),
                site("2", List.of("b.test", "*.b.test"), true, "a", "b", false, null),
                site("3", List.of("hsts.test"), true, "a", "b", false, new HstsPolicy(600, false, false)),
                site("4", List.of("sts.test"), true, "sts", "b", false, new HstsPolicy(60, false, false)),
                site("5", List.of("down.test"), true, "down", "b", false, new HstsPolicy(60, false, false)),
                site("6", List.of("plain.test"), true, "plain", null, false, null),
                site("7", List.of("off.test"), false, "a", "a", false, null));
        ApplyResult applied = engine.apply(new ConfigSnapshot(1, backends, sites,
                List.of(certA.definition("a"), certB.definition("b"))));
        assertThat(applied.errors()).isEmpty();
        assertThat(applied.outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
        http = new TestClient(engine.httpPort());
    }

    private static SiteDefinition site(String id, List<String> hostnames, boolean enabled, String backend, String certificate,
                                       boolean forceHttps, HstsPolicy hsts) {
        return new SiteDefinition(id, hostnames, enabled, List.of(new RouteDefinition("/", backend)), certificate, forceHttps, hsts);
    }

    @AfterAll
    void stop() {
        if (http != null) {
            http.close();
        }
        if (engine != null) {
            engine.close();
        }
        for (TestOrigin origin : new TestOrigin[] {originA, originPlain, originSts}) {
            if (origin != null) {
                origin.close();
            }
        }
    }

    // ------------------------------------------------------------------ certificates and SNI

    @Test
    void curlVerifiesTheSitesChainAndGetsTheOriginsBody() {
        Path ca = certA.writeTrustFile(tmp, "a-root.pem");
        Tools.Result curl = Tools.run(List.of(Tools.CURL, "-sS", "--max-time", "20",
                "--resolve", "a.test:" + httpsPort + ":127.0.0.1", "--cacert", ca.toString(),
                "https://a.test:" + httpsPort + "/x?y=1"));
        assertThat(curl.exitCode()).as(curl.all()).isZero();
        assertThat(curl.stdout()).isEqualTo("origin=a path=/x?y=1");
    }

    @Test
    void curlRejectsTheDefaultCertificateForASiteWithoutOne() {
        // Proves curl really verifies: plain.test is served the default certificate, which names another host.
        Path ca = Path.of(defaultCert.writeTrustFile(tmp, "default.pem").toString());
        Tools.Result curl = Tools.run(List.of(Tools.CURL, "-sS", "--max-time", "20",
                "--resolve", "plain.test:" + httpsPort + ":127.0.0.1", "--cacert", ca.toString(),
                "https://plain.test:" + httpsPort + "/"));
        assertThat(curl.exitCode()).as(curl.all()).isEqualTo(60);
    }

    @Test
    void opensslSeesEachSitesOwnCertificateBySni() {
        assertThat(sClientSerial("a.test")).isEqualTo(certA.serial());
        assertThat(sClientSerial("b.test")).isEqualTo(certB.serial());
        assertThat(sClientSerial("x.b.test")).as("wildcard").isEqualTo(certB.serial());
        assertThat(sClientSerial("unknown.test")).isEqualTo(defaultCert.serial());
    }

    @Test
    void theChainIsSentLeafFirstWithItsIntermediate() {
        Tools.Result result = sClient(List.of("-servername", "a.test", "-showcerts"));
        List<X509Certificate> sent = certificates(result.stdout());
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).getSerialNumber()).isEqualTo(certA.serial());
        assertThat(sent.get(1)).isEqualTo(certA.chain().get(1));
    }

    @Test
    void unknownNamesNoSniDisabledSitesAndSitesWithoutCertificateGetTheDefaultCertificate() throws Exception {
        assertThat(TlsTestClient.presentedSerial(httpsPort, null)).isEqualTo(defaultCert.serial());
        assertThat(TlsTestClient.presentedSerial(httpsPort, "unknown.test")).isEqualTo(defaultCert.serial());
        assertThat(TlsTestClient.presentedSerial(httpsPort, "off.test")).as("disabled site").isEqualTo(defaultCert.serial());
        assertThat(TlsTestClient.presentedSerial(httpsPort, "plain.test")).as("no certificate").isEqualTo(defaultCert.serial());
        assertThat(TlsTestClient.presentedSerial(httpsPort, "A.TEST")).as("case-insensitive").isEqualTo(certA.serial());
    }

    @Test
    void unknownHostsOverHttpsGetTheDefaultSitePage() throws Exception {
        for (String sni : new String[] {null, "unknown.test"}) {
            TlsTestClient.Exchange exchange = TlsTestClient.get(httpsPort, sni, "unknown.test", "/");
            assertThat(exchange.status()).isEqualTo(404);
            assertThat(exchange.body()).isEqualTo(new String(ErrorPage.NO_SITE.bytes(), StandardCharsets.UTF_8));
            assertThat(exchange.serial()).isEqualTo(defaultCert.serial());
        }
    }

    @Test
    void aSiteWithoutCertificateStillRoutesOverHttpsAndHttp() throws Exception {
        TlsTestClient.Exchange exchange = TlsTestClient.get(httpsPort, "plain.test", "plain.test", "/p");
        assertThat(exchange.status()).isEqualTo(200);
        assertThat(exchange.body()).isEqualTo("origin=plain path=/p");
        assertThat(http.get("plain.test", "/p").body()).isEqualTo("origin=plain path=/p");
    }

    // ------------------------------------------------------------------ protocol versions and ciphers

    @Test
    void tls13AndTls12WithAnAeadEcdheSuiteAreAccepted() {
        Tools.Result tls13 = sClient(List.of("-servername", "a.test", "-tls1_3"));
        assertThat(tls13.exitCode()).as(tls13.all()).isZero();
        assertThat(tls13.stdout()).contains("TLSv1.3");
        Tools.Result tls12 = sClient(List.of("-servername", "a.test", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"));
        assertThat(tls12.exitCode()).as(tls12.all()).isZero();
        assertThat(tls12.stdout()).contains("ECDHE-RSA-AES128-GCM-SHA256").contains("TLSv1.2");
        Tools.Result ecdsa = sClient(List.of("-servername", "b.test", "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"));
        assertThat(ecdsa.exitCode()).as(ecdsa.all()).isZero();
    }

    @Test
    void tls10AndTls11AreRefusedByTheServer() {
        for (String version : new String[] {"-tls1", "-tls1_1"}) {
            // SECLEVEL=0 lets Debian's OpenSSL 3 offer the old versions at all: the refusal must be the server's.
            Tools.Result old = sClient(List.of("-servername", "a.test", version, "-cipher", "DEFAULT:@SECLEVEL=0"));
            assertThat(old.exitCode()).as(old.all()).isNotZero();
            assertThat(old.all()).as(old.all()).doesNotContain("no protocols available").contains("alert");
            assertThat(old.stdout()).doesNotContain("BEGIN CERTIFICATE");
        }
    }

    @Test
    void cbcAndRsaKeyExchangeSuitesAreRefused() {
        for (String cipher : new String[] {"AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA"}) {
            Tools.Result weak = sClient(List.of("-servername", "a.test", "-tls1_2", "-cipher", cipher + ":@SECLEVEL=0"));
            assertThat(weak.exitCode()).as(cipher + ": " + weak.all()).isNotZero();
            assertThat(weak.all()).as(weak.all()).contains("alert").doesNotContain("no ciphers available");
        }
    }

    // ------------------------------------------------------------------ ALPN

    @Test
    void alpnNegotiatesHttp2OrHttp11() {
        Path ca = certA.writeTrustFile(tmp, "alpn-root.pem");
        for (String[] flagAndVersion : new String[][] {{"--http2", "2"}, {"--http1.1", "1.1"}}) {
            Tools.Result curl = Tools.run(List.of(Tools.CURL, "-sS", "--max-time", "20", flagAndVersion[0],
                    "--resolve", "a.test:" + httpsPort + ":127.0.0.1", "--cacert", ca.toString(),
                    "-w", "\n%{http_version}", "https://a.test:" + httpsPort + "/alpn"));
            assertThat(curl.exitCode()).as(curl.all()).isZero();
            assertThat(curl.stdout()).isEqualTo("origin=a path=/alpn\n" + flagAndVersion[1]);
        }
    }

    @Test
    void h2loadOverTlsNegotiatesH2AndEveryRequestSucceeds() {
        // An IP in the URL: h2load sends no SNI (default certificate, which it does not verify); :authority routes.
        Tools.Result run = Tools.run(List.of(Tools.H2LOAD, "-n", "2000", "-c", "4", "-m", "10", "-H", ":authority: a.test",
                "https://127.0.0.1:" + httpsPort + "/h2load"));
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.stdout()).as(run.all()).contains("Application protocol: h2")
                .contains("2000 succeeded, 0 failed").contains("status codes: 2000 2xx");
    }

    // ------------------------------------------------------------------ X-Forwarded-Proto

    @Test
    void xForwardedProtoIsHttpsOverTlsAndHttpOverPlain() throws Exception {
        TlsTestClient.get(httpsPort, "plain.test", "plain.test", "/xfp-tls");
        http.get("plain.test", "/xfp-plain");
        Path ca = certA.writeTrustFile(tmp, "xfp-root.pem");
        Tools.Result h2 = Tools.run(List.of(Tools.CURL, "-sS", "--max-time", "20", "--http2",
                "--resolve", "a.test:" + httpsPort + ":127.0.0.1", "--cacert", ca.toString(),
                "-H", "X-Forwarded-Proto: spoofed", "https://a.test:" + httpsPort + "/xfp-h2"));
        assertThat(h2.exitCode()).as(h2.all()).isZero();
        assertThat(seen(originPlain, "/xfp-tls").headers().get("x-forwarded-proto")).isEqualTo("https");
        assertThat(seen(originPlain, "/xfp-plain").headers().get("x-forwarded-proto")).isEqualTo("http");
        assertThat(seen(originA, "/xfp-h2").headers().getAll("x-forwarded-proto")).containsExactly("https");
    }

    private static TestOrigin.SeenRequest seen(TestOrigin origin, String uri) {
        return origin.seen.stream().filter(r -> r.uri().equals(uri)).reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError(uri + " did not reach origin " + origin.name));
    }

    // ------------------------------------------------------------------ force HTTPS

    @Test
    void forceHttpsRedirectsGetAndHeadWith301KeepingPathAndQuery() {
        int before = originA.requests.get();
        for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.HEAD}) {
            TestClient.Response response = http.send(method, "a.test:" + engine.httpPort(), "/shop/cart?item=7&x=%20",
                    headers -> { }, null);
            assertThat(response.status()).isEqualTo(301);
            assertThat(response.header("location")).isEqualTo("https://a.test:" + httpsPort + "/shop/cart?item=7&x=%20");
            assertThat(response.header("content-length")).isEqualTo("0");
            assertThat(response.header("connection")).isNull();
            assertThat(response.header("strict-transport-security")).as("never over plain HTTP").isNull();
        }
        assertThat(originA.requests.get()).as("nothing reaches the backend").isEqualTo(before);
    }

    @Test
    void forceHttpsRedirectsOtherMethodsWith308() {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE}) {
            TestClient.Response response = http.send(method, "a.test", "/form", headers -> { }, "field=value");
            assertThat(response.status()).as(method.name()).isEqualTo(308);
            assertThat(response.header("location")).isEqualTo("https://a.test:" + httpsPort + "/form");
        }
    }

    @Test
    void aRedirectKeepsTheConnectionAlive() throws Exception {
        String exchange = TestClient.rawExchange(engine.httpPort(),
                "POST /one HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhello"
                        + "GET /two HTTP/1.1\r\nHost: plain.test\r\nConnection: close\r\n\r\n");
        assertThat(exchange).startsWith("HTTP/1.1 308 Permanent Redirect\r\n")
                .contains("location: https://a.test:" + httpsPort + "/one\r\n")
                .contains("HTTP/1.1 200 OK").endsWith("origin=plain path=/two");
    }

    @Test
    void acmeChallengesAreNotRedirected() {
        TestClient.Response response = http.get("a.test", "/.well-known/acme-challenge/token-123");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("origin=a path=/.well-known/acme-challenge/token-123");
        assertThat(http.get("a.test", "/.well-known/other").status()).isEqualTo(301);
    }

    @Test
    void nothingIsRedirectedOverHttps() throws Exception {
        TlsTestClient.Exchange exchange = TlsTestClient.get(httpsPort, "a.test", "a.test", "/over-tls?q=1");
        assertThat(exchange.status()).isEqualTo(200);
        assertThat(exchange.body()).isEqualTo("origin=a path=/over-tls?q=1");
    }

    // ------------------------------------------------------------------ HSTS

    @Test
    void hstsIsSentOverHttpsOnly() throws Exception {
        assertThat(TlsTestClient.get(httpsPort, "a.test", "a.test", "/").header("strict-transport-security"))
                .isEqualTo(A_HSTS);
        TlsTestClient.Exchange hsts = TlsTestClient.get(httpsPort, "hsts.test", "hsts.test", "/");
        assertThat(hsts.status()).isEqualTo(200);
        assertThat(hsts.header("strict-transport-security")).isEqualTo("max-age=600");
        TestClient.Response plain = http.get("hsts.test", "/");
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.headers().contains("strict-transport-security")).isFalse();
        assertThat(TlsTestClient.get(httpsPort, "b.test", "b.test", "/").header("strict-transport-security"))
                .as("site without HSTS").isNull();
    }

    @Test
    void theSitesHstsPolicyReplacesTheBackends() throws Exception {
        TlsTestClient.Exchange exchange = TlsTestClient.get(httpsPort, "sts.test", "sts.test", "/");
        assertThat(exchange.body()).isEqualTo("origin=sts");
        assertThat(exchange.header("strict-transport-security")).isEqualTo("max-age=60");
    }

    @Test
    void hstsIsOnTheEnginesErrorPagesForTheSite() throws Exception {
        TlsTestClient.Exchange exchange = TlsTestClient.get(httpsPort, "down.test", "down.test", "/");
        assertThat(exchange.status()).isEqualTo(502);
        assertThat(exchange.header("strict-transport-security")).isEqualTo("max-age=60");
    }

    @Test
    void hstsReachesHttp2Responses() {
        Path ca = certA.writeTrustFile(tmp, "h2-hsts.pem");
        Tools.Result curl = Tools.run(List.of(Tools.CURL, "-sS", "--max-time", "20", "--http2", "-D", "-", "-o", "/dev/null",
                "--resolve", "a.test:" + httpsPort + ":127.0.0.1", "--cacert", ca.toString(), "https://a.test:" + httpsPort + "/"));
        assertThat(curl.exitCode()).as(curl.all()).isZero();
        assertThat(curl.stdout()).startsWith("HTTP/2 200").contains("strict-transport-security: " + A_HSTS);
    }

    // ------------------------------------------------------------------ helpers

    private Tools.Result sClient(List<String> options) {
        List<String> command = new ArrayList<>(List.of(Tools.OPENSSL, "s_client", "-connect", "127.0.0.1:" + httpsPort));
        command.addAll(options);
        return Tools.run(command);
    }

    private BigInteger sClientSerial(String serverName) {
        Tools.Result result = sClient(List.of("-servername", serverName));
        assertThat(result.exitCode()).as(result.all()).isZero();
        return certificates(result.stdout()).get(0).getSerialNumber();
    }

    /** Every PEM certificate printed by s_client, in order. */
    private static List<X509Certificate> certificates(String output) {
        List<X509Certificate> certificates = new ArrayList<>();
        String begin = "-----BEGIN CERTIFICATE-----";
        String end = "-----END CERTIFICATE-----";
        for (int at = output.indexOf(begin); at >= 0; at = output.indexOf(begin, at + 1)) {
            String pem = output.substring(at, output.indexOf(end, at) + end.length());
            try {
                certificates.add((X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
            } catch (java.security.cert.CertificateException e) {
                throw new AssertionError("s_client printed a certificate that does not parse: " + pem, e);
            }
        }
        return certificates;
    }
}
