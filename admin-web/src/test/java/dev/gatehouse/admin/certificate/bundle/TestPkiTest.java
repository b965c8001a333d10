package dev.gatehouse.admin.certificate.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.certificate.bundle.TestPki.Chain;
import dev.gatehouse.admin.certificate.bundle.TestPki.Credential;
import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Base64;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.junit.jupiter.api.Test;

/** The test PKI makes what its names promise, so the reader tests test the formats they claim to. */
class TestPkiTest {

    static final TestPki PKI = TestPki.at(Instant.parse("2026-03-01T12:00:00Z"));

    @Test
    void keyEncodingsAreTheNamedFormats() throws Exception {
        Credential rsa = PKI.rsaLeaf("rsa.example.com");
        Credential ec = PKI.ecLeaf("ec.example.com");

        assertThat(TestPki.pkcs8Pem(rsa.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(TestPki.pkcs1Pem(rsa.keyPair())).startsWith("-----BEGIN RSA PRIVATE KEY-----\n")
                .doesNotContain("Proc-Type");
        assertThat(TestPki.sec1Pem(ec.keyPair())).startsWith("-----BEGIN EC PRIVATE KEY-----\n");
        for (String legacy : new String[] {TestPki.legacyEncryptedPem(rsa.keyPair(), "pw"),
                TestPki.legacyEncryptedPem(ec.keyPair(), "pw")}) {
            assertThat(legacy).containsPattern("-----BEGIN (RSA|EC) PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                    + "DEK-Info: AES-128-CBC,[0-9A-F]{32}\n");
        }

        PKCS8EncryptedPrivateKeyInfo pbes2 = encryptedInfo(TestPki.encryptedPkcs8Pem(rsa.privateKey(), "pw"));
        assertThat(pbes2.getEncryptionAlgorithm().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_PBES2);
        EncryptionScheme scheme = PBES2Parameters.getInstance(pbes2.getEncryptionAlgorithm().getParameters())
                .getEncryptionScheme();
        assertThat(scheme.getAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_aes256_CBC);

        PKCS8EncryptedPrivateKeyInfo legacyPbe = encryptedInfo(TestPki.legacyPbeEncryptedPkcs8Pem(ec.privateKey(), "pw"));
        assertThat(legacyPbe.getEncryptionAlgorithm().getAlgorithm())
                .isEqualTo(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC);
    }

    @Test
    void chainLinksAndPkcs12HoldsIt() throws Exception {
        Chain chain = PKI.chain("shop.example.com");
        chain.leaf().certificate().verify(chain.intermediate().publicKey());
        chain.intermediate().certificate().verify(chain.root().publicKey());
        chain.root().certificate().verify(chain.root().publicKey());
        assertThat(chain.root().certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(chain.leaf().certificate().getBasicConstraints()).isEqualTo(-1);

        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(TestPki.pkcs12(chain.leaf().privateKey(), chain.certificates(), "pw")),
                "pw".toCharArray());
        assertThat(store.getCertificateChain("server")).containsExactlyElementsOf(chain.certificates());
        assertThat(store.getKey("server", "pw".toCharArray()).getEncoded())
                .isEqualTo(chain.leaf().privateKey().getEncoded());
    }

    @Test
    void defaultsAreRelativeToTheClock() {
        Credential leaf = PKI.leaf("d.example.com").issue();

        assertThat(leaf.certificate().getNotBefore().toInstant()).isEqualTo(PKI.instant().minus(TestPki.DEFAULT_BACKDATE));
        assertThat(leaf.certificate().getNotAfter().toInstant())
                .isEqualTo(PKI.instant().plus(TestPki.DEFAULT_LEAF_VALIDITY));
        assertThat(leaf.toString()).doesNotContain("PRIVATE");
    }

    private static PKCS8EncryptedPrivateKeyInfo encryptedInfo(String pem) throws Exception {
        assertThat(pem).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n");
        String body = pem.substring(pem.indexOf('\n') + 1, pem.indexOf("-----END"));
        return new PKCS8EncryptedPrivateKeyInfo(Base64.getMimeDecoder().decode(body));
    }
}
