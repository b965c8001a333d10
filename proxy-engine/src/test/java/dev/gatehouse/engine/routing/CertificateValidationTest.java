package dev.gatehouse.engine.routing;

import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.HstsPolicy;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.tls.TestCertificates;
import dev.gatehouse.engine.tls.TestCertificates.Issued;
import dev.gatehouse.engine.tls.TestCertificates.KeyType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Table-driven: each snapshot and the exact errors (object, field, message start) the compiler reports. */
class CertificateValidationTest {

    private static final BackendDefinition BACKEND = new BackendDefinition("app", List.of(new ServerDefinition("127.0.0.1", 9000)));
    private static final Issued EC = TestCertificates.selfSigned(KeyType.EC, "a.test");
    private static final Issued RSA = TestCertificates.selfSigned(KeyType.RSA, "a.test");
    private static final HstsPolicy HSTS = new HstsPolicy(HstsPolicy.DEFAULT_MAX_AGE_SECONDS, false, false);

    private static SiteDefinition site(String certificate, boolean forceHttps, HstsPolicy hsts) {
        return new SiteDefinition("1", List.of("a.test"), true, List.of(new RouteDefinition("/", "app")), certificate, forceHttps, hsts);
    }

    private static ConfigSnapshot snapshot(SiteDefinition site, CertificateDefinition... certificates) {
        return new ConfigSnapshot(1, List.of(BACKEND), List.of(site), List.of(certificates));
    }

    private static CertificateDefinition cert(String name, String chain, String key) {
        return new CertificateDefinition(name, chain, key);
    }

    static Stream<Arguments> cases() {
        SiteDefinition plain = site(null, false, null);
        SiteDefinition secure = site("a", true, HSTS);
        return Stream.of(
                arguments("valid: certificate, force HTTPS and HSTS", snapshot(secure, EC.definition("a")), List.of()),
                arguments("valid: RSA certificate", snapshot(secure, RSA.definition("a")), List.of()),
                arguments("valid: a chain with its intermediate", snapshot(secure,
                        TestCertificates.chain(KeyType.EC, "a.test").definition("a")), List.of()),
                arguments("valid: expired, and not covering the site's name (the dashboard warns)",
                        snapshot(secure, TestCertificates.expired("other.test").definition("a")), List.of()),
                arguments("valid: an unused certificate", snapshot(plain, EC.definition("spare")), List.of()),
                arguments("duplicate certificate names", snapshot(secure, EC.definition("a"), RSA.definition("a")),
                        List.of("certificate a|name|certificate name 'a' is used by more than one certificate")),
                arguments("missing certificate name", snapshot(plain, EC.definition(" ")),
                        List.of("certificates[0]|name|certificate name is missing")),
                arguments("empty chain", snapshot(plain, cert("a", null, EC.keyPem())),
                        List.of("certificate a|certificateChainPem|the certificate chain is empty")),
                arguments("chain that is not PEM", snapshot(plain, cert("a", "hello", EC.keyPem())),
                        List.of("certificate a|certificateChainPem|the certificate chain holds no -----BEGIN CERTIFICATE----- block")),
                arguments("chain block that is not a certificate", snapshot(plain,
                                cert("a", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", EC.keyPem())),
                        List.of("certificate a|certificateChainPem|certificate 1 of the chain is not a valid X.509 certificate")),
                arguments("chain without END line", snapshot(plain, cert("a", "-----BEGIN CERTIFICATE-----\nAAAA\n", EC.keyPem())),
                        List.of("certificate a|certificateChainPem|the certificate chain has a -----BEGIN CERTIFICATE----- line "
                                + "without its -----END CERTIFICATE----- line")),
                arguments("second certificate of the chain broken", snapshot(plain, cert("a", EC.chainPem()
                                + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", EC.keyPem())),
                        List.of("certificate a|certificateChainPem|certificate 2 of the chain is not a valid X.509 certificate")),
                arguments("empty key", snapshot(plain, cert("a", EC.chainPem(), "")),
                        List.of("certificate a|privateKeyPem|the private key is empty")),
                arguments("key that is not PEM", snapshot(plain, cert("a", EC.chainPem(), "secret")),
                        List.of("certificate a|privateKeyPem|the private key holds no -----BEGIN PRIVATE KEY----- block")),
                arguments("key in PKCS#1 form", snapshot(plain, cert("a", RSA.chainPem(),
                                TestCertificates.toTraditionalPem(RSA.keyPair().getPrivate()))),
                        List.of("certificate a|privateKeyPem|the private key is in PKCS#1/SEC1 form; the engine needs PKCS#8")),
                arguments("encrypted key", snapshot(plain, cert("a", EC.chainPem(),
                                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")),
                        List.of("certificate a|privateKeyPem|the private key is encrypted")),
                arguments("key that is not a key", snapshot(plain, cert("a", EC.chainPem(),
                                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")),
                        List.of("certificate a|privateKeyPem|the private key is not a valid PKCS#8 RSA or EC key")),
                arguments("key of another certificate", snapshot(plain, cert("a", EC.chainPem(),
                                TestCertificates.unrelatedKeyPem(KeyType.EC))),
                        List.of("certificate a|privateKeyPem|the private key does not match the certificate CN=a.test")),
                arguments("RSA key for an EC certificate", snapshot(plain, cert("a", EC.chainPem(), RSA.keyPem())),
                        List.of("certificate a|privateKeyPem|the private key does not match the certificate CN=a.test "
                                + "(a RSA key for a EC certificate)")),
                arguments("chain and key both broken", snapshot(plain, cert("a", "x", "y")),
                        List.of("certificate a|certificateChainPem|the certificate chain holds no",
                                "certificate a|privateKeyPem|the private key holds no")),
                arguments("site names a missing certificate", snapshot(site("x", false, null), EC.definition("a")),
                        List.of("site 1|certificate|no certificate named 'x'")),
                arguments("force HTTPS without certificate", snapshot(site(null, true, null)),
                        List.of("site 1|forceHttps|force HTTPS needs a certificate on the site")),
                arguments("HSTS without certificate", snapshot(site(null, false, HSTS)),
                        List.of("site 1|hsts|HSTS needs a certificate on the site")),
                arguments("force HTTPS and HSTS without certificate", snapshot(site(null, true, HSTS)),
                        List.of("site 1|forceHttps|force HTTPS needs a certificate on the site",
                                "site 1|hsts|HSTS needs a certificate on the site")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsEveryProblemNamingObjectAndField(String description, ConfigSnapshot snapshot, List<String> expected) {
        List<ConfigError> errors = RoutingTableCompiler.validate(snapshot);
        assertThat(errors).as(errors.toString()).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            String[] parts = expected.get(i).split("\\|", 3);
            ConfigError error = errors.get(i);
            assertThat(error.object()).isEqualTo(parts[0]);
            assertThat(error.field()).isEqualTo(parts[1]);
            assertThat(error.message()).startsWith(parts[2]).doesNotContain("PRIVATE KEY-----\n");
        }
    }
}
