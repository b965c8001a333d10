package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.tls.TestCertificates;
import dev.gatehouse.engine.tls.TestCertificates.Issued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

import static dev.gatehouse.engine.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starting, reporting and stopping the HTTPS listener; applies that carry certificates. */
class HttpsLifecycleTest {

    private static final Issued DEFAULT = TestCertificates.selfSigned("gatehouse.invalid");

    private static EngineSettings loopback() {
        return EngineSettings.defaults().host("127.0.0.1").httpPort(0).httpsPort(0).eventLoopThreads(1);
    }

    @Test
    void withoutADefaultCertificateThereIsNoHttpsListener() {
        try (ProxyEngine engine = ProxyEngine.start(loopback())) {
            assertThat(engine.httpsPort()).isEqualTo(-1);
            assertThat(engine.status().httpsPort()).isEqualTo(-1);
            assertThat(engine.status().httpPort()).isEqualTo(engine.httpPort());
        }
    }

    @Test
    void statusReportsTheHttpsPortAndCloseStopsBothListeners() throws Exception {
        ProxyEngine engine = ProxyEngine.start(loopback().defaultCertificate(DEFAULT.definition("default")));
        int httpPort = engine.httpPort();
        int httpsPort = engine.httpsPort();
        assertThat(httpsPort).isPositive().isNotEqualTo(httpPort);
        assertThat(engine.status().httpsPort()).isEqualTo(httpsPort);
        assertThat(TlsTestClient.presentedSerial(httpsPort, null)).isEqualTo(DEFAULT.serial());
        engine.close();
        assertThat(engine.status().httpsPort()).isEqualTo(-1);
        for (int port : new int[] {httpPort, httpsPort}) {
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void anHttpsPortInUseFailsNamingItAndReleasesTheHttpPort() throws IOException {
        int httpPort;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            httpPort = probe.getLocalPort();
        }
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int httpsPort = busy.getLocalPort();
            assertThatThrownBy(() -> ProxyEngine.start(loopback().httpPort(httpPort).httpsPort(httpsPort)
                    .defaultCertificate(DEFAULT.definition("default"))))
                    .isInstanceOf(EngineStartException.class)
                    .hasMessage("HTTPS port " + httpsPort + " on 127.0.0.1 is already in use; "
                            + "stop the program using it or choose another HTTPS port");
        }
        try (ServerSocket again = new ServerSocket(httpPort, 50, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).as("the HTTP listener bound first was closed again").isEqualTo(httpPort);
        }
    }

    @Test
    void anApplyWithABadCertificateIsRejectedAndTheOldCertificatesKeepServing() throws Exception {
        Issued good = TestCertificates.selfSigned("a.test");
        try (TestOrigin origin = TestOrigin.start("a");
             ProxyEngine engine = ProxyEngine.start(loopback().defaultCertificate(DEFAULT.definition("default")))) {
            SiteDefinition site = new SiteDefinition("1", List.of("a.test"), true, List.of(new RouteDefinition("/", "a")),
                    "a", true, null);
            assertThat(engine.apply(new ConfigSnapshot(1, List.of(backend("a", origin)), List.of(site),
                    List.of(good.definition("a")))).outcome()).isEqualTo(Outcome.APPLIED);

            CertificateDefinition mismatched = new CertificateDefinition("a", TestCertificates.selfSigned("a.test").chainPem(),
                    good.keyPem());
            ConfigSnapshot bad = new ConfigSnapshot(2, List.of(backend("a", origin)), List.of(site), List.of(mismatched));
            assertThat(engine.validate(bad).outcome()).isEqualTo(Outcome.REJECTED);
            ApplyResult rejected = engine.apply(bad);
            assertThat(rejected.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(rejected.liveRevision()).isEqualTo(1);
            assertThat(rejected.errors()).singleElement().satisfies(error -> {
                assertThat(error.object()).isEqualTo("certificate a");
                assertThat(error.field()).isEqualTo("privateKeyPem");
                assertThat(error.message()).startsWith("the private key does not match the certificate CN=a.test");
            });
            assertThat(TlsTestClient.presentedSerial(engine.httpsPort(), "a.test")).isEqualTo(good.serial());
        }
    }

    @ParameterizedTest(name = "publicHttpsPort {0} -> {1}")
    @CsvSource({"443, https://a.test/x?y=1", "9443, https://a.test:9443/x?y=1", "0, BOUND"})
    void redirectsGoToThePublicHttpsPort(int publicPort, String expected) throws Exception {
        Issued certificate = TestCertificates.selfSigned("a.test");
        try (TestOrigin origin = TestOrigin.start("a");
             ProxyEngine engine = ProxyEngine.start(loopback().publicHttpsPort(publicPort)
                     .defaultCertificate(DEFAULT.definition("default")));
             TestClient client = new TestClient(engine.httpPort())) {
            SiteDefinition site = new SiteDefinition("1", List.of("a.test"), true, List.of(new RouteDefinition("/", "a")),
                    "a", true, null);
            engine.apply(new ConfigSnapshot(1, List.of(backend("a", origin)), List.of(site), List.of(certificate.definition("a"))));
            TestClient.Response response = client.get("a.test:8080", "/x?y=1");
            assertThat(response.status()).isEqualTo(301);
            assertThat(response.header("location"))
                    .isEqualTo(expected.equals("BOUND") ? "https://a.test:" + engine.httpsPort() + "/x?y=1" : expected);
        }
    }

    @Test
    void theSettingsNeverShowTheKey() {
        EngineSettings settings = loopback().defaultCertificate(DEFAULT.definition("default"));
        assertThat(settings.toString()).contains("defaultCertificate=CertificateDefinition[name=default, chain=1 certificate(s)]")
                .doesNotContain("PRIVATE KEY");
    }
}
