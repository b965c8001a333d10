package dev.gatehouse.admin.certificate.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.certificate.bundle.CertificateDetails.Status;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SelfSignedCertificatesTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void generatesAServerCertificateThatReadsBackThroughTheReader() throws Exception {
        CertificateBundle generated = SelfSignedCertificates.generate("gatehouse.invalid", Duration.ofDays(365), CLOCK);

        CertificateBundle read = new CertificateBundleReader(CLOCK).read(
                CertificateInput.pem(generated.chainPem(), generated.privateKeyPkcs8Pem(), null));

        assertThat(read.chain()).containsExactlyElementsOf(generated.chain());
        assertThat(read.fingerprintSha256()).isEqualTo(generated.fingerprintSha256());
        assertThat(read.privateKey().getEncoded()).isEqualTo(generated.privateKey().getEncoded());

        X509Certificate leaf = generated.leaf();
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=gatehouse.invalid");
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(leaf.getSubjectX500Principal());
        leaf.verify(leaf.getPublicKey());
        assertThat(leaf.getPublicKey()).isInstanceOfSatisfying(ECPublicKey.class,
                key -> assertThat(key.getParams().getCurve().getField().getFieldSize()).isEqualTo(256));
        assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1); // CA=false
        assertThat(leaf.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        boolean[] keyUsage = leaf.getKeyUsage();
        assertThat(keyUsage[0]).as("digitalSignature").isTrue();
        for (int i = 1; i < keyUsage.length; i++) {
            assertThat(keyUsage[i]).as("key usage bit " + i).isFalse();
        }
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, "gatehouse.invalid"));
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
        assertThat(HostnameCoverage.covers(leaf, "gatehouse.invalid")).isTrue();

        CertificateDetails details = CertificateDetails.of(generated.chain(), CLOCK);
        assertThat(details.selfSigned()).isTrue();
        assertThat(details.status()).isEqualTo(Status.VALID);
        assertThat(details.keyType()).isEqualTo("EC");
        assertThat(details.keySize()).isEqualTo(256);
    }

    @Test
    void serialsAreRandomPositive128BitNumbersAndKeysAreFresh() {
        CertificateBundle first = SelfSignedCertificates.generate("gatehouse.invalid", Duration.ofDays(1), CLOCK);
        CertificateBundle second = SelfSignedCertificates.generate("gatehouse.invalid", Duration.ofDays(1), CLOCK);

        for (CertificateBundle bundle : List.of(first, second)) {
            BigInteger serial = bundle.leaf().getSerialNumber();
            assertThat(serial.signum()).isPositive();
            assertThat(serial.bitLength()).isLessThanOrEqualTo(128);
        }
        assertThat(first.leaf().getSerialNumber()).isNotEqualTo(second.leaf().getSerialNumber());
        assertThat(first.privateKey().getEncoded()).isNotEqualTo(second.privateKey().getEncoded());
        assertThat(first.fingerprintSha256()).isNotEqualTo(second.fingerprintSha256());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "two words", "bücher.example"})
    void rejectsCommonNamesThatAreNotAsciiDnsNames(String commonName) {
        assertThatThrownBy(() -> SelfSignedCertificates.generate(commonName, Duration.ofDays(1), CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("commonName");
    }

    @Test
    void rejectsNonPositiveValidity() {
        assertThatThrownBy(() -> SelfSignedCertificates.generate("gatehouse.invalid", Duration.ZERO, CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("validity must be positive");
    }
}
