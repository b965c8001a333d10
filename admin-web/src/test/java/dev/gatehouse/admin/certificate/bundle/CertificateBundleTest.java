package dev.gatehouse.admin.certificate.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.certificate.bundle.TestPki.Chain;
import dev.gatehouse.admin.certificate.bundle.TestPki.Credential;
import dev.gatehouse.admin.certificate.bundle.TestPki.KeyType;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The bundle's encodings, and that neither the bundle nor the input ever print key material. */
class CertificateBundleTest {

    static final TestPki PKI = TestPki.at(Instant.parse("2026-03-01T12:00:00Z"));
    static final String PASSPHRASE = "hunter2-passphrase";

    private final CertificateBundleReader reader = new CertificateBundleReader(PKI.clock());

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"RSA_2048", "EC_P256", "EC_P384", "ED25519"})
    void privateKeyPkcs8PemRoundTripsThroughTheJdkKeyFactory(KeyType type) throws Exception {
        Credential credential = PKI.leaf("k.example.com").keyType(type).issue();
        // Through the legacy encrypted PEM (for EC/RSA) so the output really is a re-encoding.
        String keyPem = type == KeyType.ED25519
                ? TestPki.encryptedPkcs8Pem(credential.privateKey(), PASSPHRASE)
                : TestPki.legacyEncryptedPem(credential.keyPair(), PASSPHRASE);
        CertificateBundle bundle = reader.read(CertificateInput.pem(credential.certificatePem(), keyPem, PASSPHRASE));

        String pem = bundle.privateKeyPkcs8Pem();
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("\n-----END PRIVATE KEY-----\n");
        String body = pem.substring(pem.indexOf('\n') + 1, pem.indexOf("-----END"));
        assertThat(body.split("\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
        PrivateKey decoded = KeyFactory.getInstance(credential.privateKey().getAlgorithm())
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
        assertThat(CertificateBundleReaderAcceptTest.signsForLeaf(decoded, credential.publicKey())).isTrue();
    }

    @Test
    void chainPemIsStandardPemLeafFirst() {
        Chain chain = PKI.chain("shop.example.com");
        CertificateBundle bundle = reader.read(CertificateInput.pem(
                TestPki.pem(chain.root().certificate(), chain.leaf().certificate(), chain.intermediate().certificate())
                        .replace("\n", "\r\n"),
                chain.leaf().pkcs8Pem(), null));

        String pem = bundle.chainPem();
        assertThat(pem).isEqualTo(chain.pem()).doesNotContain("\r");
        assertThat(pem.lines().filter(l -> l.startsWith("-----BEGIN CERTIFICATE-----"))).hasSize(3);
        assertThat(pem.lines().filter(l -> !l.startsWith("-----")))
                .allSatisfy(line -> assertThat(line.length()).isBetween(1, 64))
                .anySatisfy(line -> assertThat(line).hasSize(64));
        assertThat(reader.readChainOnly(pem)).containsExactlyElementsOf(chain.certificates());
        assertThat(bundle.leaf()).isEqualTo(chain.leaf().certificate());
        assertThat(bundle.fingerprintSha256()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}")
                .isEqualTo(CertificateDetails.of(bundle.chain(), PKI.clock()).fingerprintSha256());
    }

    @Test
    void bundleIsImmutable() {
        Credential credential = PKI.ecLeaf("i.example.com");
        List<java.security.cert.X509Certificate> source = new java.util.ArrayList<>(List.of(credential.certificate()));
        CertificateBundle bundle = CertificateBundle.of(source, credential.privateKey());
        source.clear();

        assertThat(bundle.chain()).hasSize(1);
        assertThatThrownBy(() -> bundle.chain().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> CertificateBundle.of(List.of(), credential.privateKey()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chain is empty");
    }

    @Test
    void toStringsNeverContainKeyMaterialOrPasswords() {
        Credential credential = PKI.rsaLeaf("secret.example.com");
        String pkcs8 = credential.pkcs8Pem();
        String keyBase64Start = Base64.getEncoder().encodeToString(credential.privateKey().getEncoded()).substring(0, 40);
        CertificateBundle bundle = reader.read(CertificateInput.pem(credential.certificatePem(), pkcs8, null));
        byte[] p12 = TestPki.pkcs12(credential.privateKey(), List.of(credential.certificate()), "p12-secret-pw");

        List<String> printed = List.of(
                bundle.toString(),
                CertificateInput.pem(credential.certificatePem() + pkcs8, pkcs8, PASSPHRASE).toString(),
                CertificateInput.pkcs12(p12, "p12-secret-pw").toString(),
                new CertificateInput(null, null, null, null, null).toString());

        for (String text : printed) {
            assertThat(text).doesNotContain("PRIVATE KEY", keyBase64Start, PASSPHRASE, "p12-secret-pw", "-----BEGIN",
                    new String(p12, 0, 16, StandardCharsets.ISO_8859_1), "[B@");
        }
        assertThat(printed.get(0)).contains("CN=secret.example.com", bundle.fingerprintSha256(), "redacted");
        assertThat(printed.get(1)).contains("keyPassphrase=(redacted)");
        assertThat(printed.get(2)).contains("pkcs12=" + p12.length + " bytes", "pkcs12Password=(redacted)");
        assertThat(printed.get(3)).contains("certificatePem=(none)");
    }

    @Test
    void inputCopiesThePkcs12Bytes() {
        byte[] bytes = {1, 2, 3};
        CertificateInput input = CertificateInput.pkcs12(bytes, "pw");
        bytes[0] = 9;
        input.pkcs12()[1] = 9;

        assertThat(input.pkcs12()).containsExactly(1, 2, 3);
    }
}
