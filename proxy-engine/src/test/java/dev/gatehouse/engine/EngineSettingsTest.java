package dev.gatehouse.engine;

import dev.gatehouse.engine.EngineSettings.TlsProvider;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.tls.TestCertificates;
import dev.gatehouse.engine.tls.TestCertificates.Issued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EngineSettingsTest {

    @Test
    void defaultsAreDocumented() {
        EngineSettings defaults = EngineSettings.defaults();
        assertThat(defaults.host()).isEqualTo("0.0.0.0");
        assertThat(defaults.httpPort()).isEqualTo(8080);
        assertThat(defaults.eventLoopThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(defaults.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void settersReturnCopies() {
        EngineSettings defaults = EngineSettings.defaults();
        EngineSettings custom = defaults.host("127.0.0.1").httpPort(0).eventLoopThreads(3).shutdownGrace(Duration.ZERO);
        assertThat(custom.host()).isEqualTo("127.0.0.1");
        assertThat(custom.httpPort()).isZero();
        assertThat(custom.eventLoopThreads()).isEqualTo(3);
        assertThat(custom.shutdownGrace()).isZero();
        assertThat(defaults).isEqualTo(EngineSettings.defaults());
        assertThat(custom).isNotEqualTo(defaults);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536, 100000})
    void rejectsPortsOutOfRange(int port) {
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().httpPort(port))
                .withMessage("httpPort " + port + " is out of range; ports are 1-65535 (0 = any free port)");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2, 1025})
    void rejectsEventLoopCountsOutOfRange(int threads) {
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().eventLoopThreads(threads))
                .withMessage("eventLoopThreads " + threads + " is out of range; expected 1-1024");
    }

    @Test
    void rejectsBadHostsAndGrace() {
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().host(" "))
                .withMessageContaining("host must not be empty");
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().host("a b"))
                .withMessage("host 'a b' is not an address or host name");
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().shutdownGrace(Duration.ofSeconds(-1)))
                .withMessage("shutdownGrace PT-1S must be zero or more");
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().shutdownGrace(null))
                .withMessage("shutdownGrace null must be zero or more");
    }

    @Test
    void tlsDefaultsAreDocumented() {
        EngineSettings defaults = EngineSettings.defaults();
        assertThat(defaults.httpsPort()).isEqualTo(8443);
        assertThat(defaults.defaultCertificate()).isNull();
        assertThat(defaults.httpsEnabled()).isFalse();
        assertThat(defaults.publicHttpsPort()).isZero();
        assertThat(defaults.tlsProvider()).isEqualTo(TlsProvider.AUTO);
    }

    @Test
    void tlsSettersReturnValidatedCopies() {
        Issued certificate = TestCertificates.selfSigned("gatehouse.invalid");
        EngineSettings defaults = EngineSettings.defaults();
        EngineSettings custom = defaults.httpsPort(0).publicHttpsPort(443).tlsProvider(TlsProvider.JDK)
                .defaultCertificate(certificate.definition("default"));
        assertThat(custom.httpsPort()).isZero();
        assertThat(custom.publicHttpsPort()).isEqualTo(443);
        assertThat(custom.tlsProvider()).isEqualTo(TlsProvider.JDK);
        assertThat(custom.defaultCertificate()).isEqualTo(certificate.definition("default"));
        assertThat(custom.httpsEnabled()).isTrue();
        assertThat(defaults).isEqualTo(EngineSettings.defaults());
        assertThat(custom).isNotEqualTo(defaults).isEqualTo(defaults.httpsPort(0).publicHttpsPort(443)
                .tlsProvider(TlsProvider.JDK).defaultCertificate(certificate.definition("default")));
        assertThat(custom.hashCode()).isEqualTo(defaults.httpsPort(0).publicHttpsPort(443)
                .tlsProvider(TlsProvider.JDK).defaultCertificate(certificate.definition("default")).hashCode());
        assertThat(custom.defaultCertificate(null).httpsEnabled()).isFalse();
        assertThat(custom.toString()).contains("httpsPort=0", "publicHttpsPort=443", "tlsProvider=JDK")
                .doesNotContain("PRIVATE KEY");
    }

    @ParameterizedTest
    @CsvSource({
            "httpsPort, -1, httpsPort -1 is out of range; ports are 1-65535 (0 = any free port)",
            "httpsPort, 65536, httpsPort 65536 is out of range; ports are 1-65535 (0 = any free port)",
            "publicHttpsPort, -1, publicHttpsPort -1 is out of range; ports are 1-65535 (0 = the bound HTTPS port)",
            "publicHttpsPort, 70000, publicHttpsPort 70000 is out of range; ports are 1-65535 (0 = the bound HTTPS port)",
    })
    void rejectsTlsPortsOutOfRange(String setter, int port, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> {
            if (setter.equals("httpsPort")) {
                EngineSettings.defaults().httpsPort(port);
            } else {
                EngineSettings.defaults().publicHttpsPort(port);
            }
        }).withMessage(message);
    }

    @Test
    void rejectsANullTlsProvider() {
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().tlsProvider(null))
                .withMessage("tlsProvider must not be null; use AUTO, OPENSSL or JDK");
    }

    @Test
    void rejectsADefaultCertificateThatDoesNotParseOrMatch() {
        Issued certificate = TestCertificates.selfSigned("gatehouse.invalid");
        CertificateDefinition mismatched = new CertificateDefinition("default", certificate.chainPem(),
                TestCertificates.unrelatedKeyPem(TestCertificates.KeyType.EC));
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().defaultCertificate(mismatched))
                .withMessage("defaultCertificate 'default' is not usable: the private key does not match the certificate "
                        + "CN=gatehouse.invalid");
        CertificateDefinition garbage = new CertificateDefinition("default", "not a certificate", certificate.keyPem());
        assertThatIllegalArgumentException().isThrownBy(() -> EngineSettings.defaults().defaultCertificate(garbage))
                .withMessage("defaultCertificate 'default' is not usable: the certificate chain holds no "
                        + "-----BEGIN CERTIFICATE----- block")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PRIVATE KEY"));
    }
}
