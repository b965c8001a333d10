package dev.gatehouse.admin.certificate.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.gatehouse.admin.certificate.bundle.CertificateDetails.ChainEntry;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails.Status;
import dev.gatehouse.admin.certificate.bundle.TestPki.Chain;
import dev.gatehouse.admin.certificate.bundle.TestPki.Credential;
import dev.gatehouse.admin.certificate.bundle.TestPki.KeyType;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class CertificateDetailsTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final TestPki PKI = TestPki.at(NOW);

    @Test
    void describesTheLeafAndTheChain() throws Exception {
        Chain chain = PKI.chain(KeyType.RSA_2048, "shop.example.com");
        Credential leaf = PKI.leaf("shop.example.com")
                .subject("CN=shop.example.com, O=Example\\, Inc., C=DE")
                .sans("shop.example.com", "www.shop.example.com", "*.cdn.example.com")
                .ipSans("192.0.2.10", "2001:db8::1")
                .serial(new BigInteger("0ABCDEF012", 16))
                .keyType(KeyType.RSA_2048)
                .validity(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-06-01T00:00:00Z"))
                .issuedBy(chain.intermediate())
                .issue();

        CertificateDetails details = CertificateDetails.of(
                List.of(leaf.certificate(), chain.intermediate().certificate(), chain.root().certificate()), PKI.clock());

        assertThat(details.subject()).isEqualTo("CN=shop.example.com, O=Example\\, Inc., C=DE");
        assertThat(details.subjectAlternativeNames()).containsExactly("shop.example.com", "www.shop.example.com",
                "*.cdn.example.com", "192.0.2.10", "2001:db8:0:0:0:0:0:1");
        assertThat(details.issuer()).isEqualTo("CN=Gatehouse Test Intermediate CA");
        assertThat(details.notBefore()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(details.notAfter()).isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));
        assertThat(details.daysLeft()).isEqualTo(91); // 2026-03-01T12:00 -> 2026-06-01T00:00 = 91.5 days
        assertThat(details.status()).isEqualTo(Status.VALID);
        assertThat(details.keyType()).isEqualTo("RSA");
        assertThat(details.keySize()).isEqualTo(2048);
        assertThat(details.serialNumber()).isEqualTo("0ABCDEF012");
        assertThat(details.selfSigned()).isFalse();
        String expectedFingerprint = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.certificate().getEncoded()));
        assertThat(details.fingerprintSha256()).isEqualTo(expectedFingerprint)
                .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(details.chain()).extracting(ChainEntry::subject, ChainEntry::issuer).containsExactly(
                org.assertj.core.groups.Tuple.tuple("CN=shop.example.com, O=Example\\, Inc., C=DE",
                        "CN=Gatehouse Test Intermediate CA"),
                org.assertj.core.groups.Tuple.tuple("CN=Gatehouse Test Intermediate CA", "CN=Gatehouse Test Root CA"),
                org.assertj.core.groups.Tuple.tuple("CN=Gatehouse Test Root CA", "CN=Gatehouse Test Root CA"));
        assertThat(details.chain().get(0).fingerprintSha256()).isEqualTo(expectedFingerprint);
        assertThat(details.chain().get(2).notAfter()).isEqualTo(chain.root().certificate().getNotAfter().toInstant());
    }

    static Stream<Arguments> keyTypes() {
        return Stream.of(
                arguments(KeyType.RSA_2048, "RSA", 2048),
                arguments(KeyType.RSA_3072, "RSA", 3072),
                arguments(KeyType.EC_P256, "EC", 256),
                arguments(KeyType.EC_P384, "EC", 384),
                arguments(KeyType.ED25519, "Ed25519", 256));
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @MethodSource("keyTypes")
    void namesKeyTypeAndSize(KeyType type, String keyType, int keySize) {
        Credential credential = PKI.leaf("k.example.com").keyType(type).issue();

        CertificateDetails details = CertificateDetails.of(List.of(credential.certificate()), PKI.clock());

        assertThat(details.keyType()).isEqualTo(keyType);
        assertThat(details.keySize()).isEqualTo(keySize);
        assertThat(details.selfSigned()).isTrue();
    }

    static Stream<Arguments> statusThresholds() {
        Duration day = Duration.ofDays(1);
        return Stream.of(
                arguments("31 days left", NOW.plus(day.multipliedBy(31)), NOW.minus(day), 31, Status.VALID),
                arguments("30 days and 1 second left", NOW.plus(day.multipliedBy(30)).plusSeconds(1), NOW.minus(day),
                        30, Status.EXPIRING_SOON),
                arguments("30 days left", NOW.plus(day.multipliedBy(30)), NOW.minus(day), 30, Status.EXPIRING_SOON),
                arguments("1 day left", NOW.plus(day), NOW.minus(day), 1, Status.EXPIRING_SOON),
                arguments("expires this very second", NOW, NOW.minus(day), 0, Status.EXPIRING_SOON),
                arguments("expired a second ago", NOW.minusSeconds(1), NOW.minus(day), -1, Status.EXPIRED),
                arguments("expired 10 days ago", NOW.minus(day.multipliedBy(10)), NOW.minus(day.multipliedBy(20)), -10,
                        Status.EXPIRED),
                arguments("starts tomorrow", NOW.plus(day.multipliedBy(365)), NOW.plus(day), 365,
                        Status.NOT_YET_VALID));
    }

    @ParameterizedTest(name = "{0}: daysLeft {3}, {4}")
    @MethodSource("statusThresholds")
    void statusAndDaysLeftFollowTheClock(String name, Instant notAfter, Instant notBefore, long daysLeft, Status status) {
        Credential credential = PKI.leaf("t.example.com").validity(notBefore, notAfter).issue();

        CertificateDetails details = CertificateDetails.of(List.of(credential.certificate()), PKI.clock());

        assertThat(details.daysLeft()).isEqualTo(daysLeft);
        assertThat(details.status()).isEqualTo(status);
    }

    @Test
    void warningWindowIsThirtyDays() {
        assertThat(CertificateDetails.EXPIRY_WARNING_DAYS).isEqualTo(30);
    }

    @Test
    void certificateWithoutSubjectAltNamesHasNone() {
        Credential legacy = PKI.leaf("legacy.example.com").noSubjectAltNames().issue();

        assertThat(CertificateDetails.of(List.of(legacy.certificate()), PKI.clock()).subjectAlternativeNames()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Status.class)
    void everyStatusIsReachable(Status status) {
        // Guards the table above against a new status nobody computes.
        assertThat(statusThresholds().map(a -> a.get()[4])).contains(status);
    }

    @Test
    void emptyChainIsAProgrammingError() {
        assertThatThrownBy(() -> CertificateDetails.of(List.of(), PKI.clock()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chain is empty");
    }
}
