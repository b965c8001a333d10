package dev.gatehouse.admin.certificate.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.gatehouse.admin.certificate.bundle.TestPki.Chain;
import dev.gatehouse.admin.certificate.bundle.TestPki.Credential;
import dev.gatehouse.admin.certificate.bundle.TestPki.KeyType;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every input format the reader accepts, and the chain it makes of it. */
class CertificateBundleReaderAcceptTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final TestPki PKI = TestPki.at(NOW);
    static final String PASSPHRASE = "correct horse battery staple";

    static final Credential RSA = PKI.rsaLeaf("rsa.example.com", "www.rsa.example.com");
    static final Credential EC = PKI.ecLeaf("ec.example.com");
    static final Credential ED25519 = PKI.leaf("ed.example.com").keyType(KeyType.ED25519).issue();
    static final Chain CHAIN = PKI.chain("shop.example.com");
    static final Chain EC_CHAIN = PKI.chain(KeyType.EC_P256, "api.example.com");

    private final CertificateBundleReader reader = new CertificateBundleReader(PKI.clock());

    static Stream<Arguments> acceptedInputs() {
        return Stream.of(
                accepted("RSA certificate + PKCS#8 key", RSA,
                        () -> CertificateInput.pem(RSA.certificatePem(), TestPki.pkcs8Pem(RSA.privateKey()), null)),
                accepted("RSA certificate + PKCS#1 key", RSA,
                        () -> CertificateInput.pem(RSA.certificatePem(), TestPki.pkcs1Pem(RSA.keyPair()), null)),
                accepted("RSA + encrypted PKCS#8 (PBES2 AES-256-CBC)", RSA,
                        () -> CertificateInput.pem(RSA.certificatePem(),
                                TestPki.encryptedPkcs8Pem(RSA.privateKey(), PASSPHRASE), PASSPHRASE)),
                accepted("RSA + encrypted PKCS#8 (legacy PBE SHA1-3DES)", RSA,
                        () -> CertificateInput.pem(RSA.certificatePem(),
                                TestPki.legacyPbeEncryptedPkcs8Pem(RSA.privateKey(), PASSPHRASE), PASSPHRASE)),
                accepted("RSA + encrypted PKCS#8 (PBES2 scrypt, openssl pkcs8 -scrypt)", RSA,
                        () -> CertificateInput.pem(RSA.certificatePem(),
                                TestPki.scryptEncryptedPkcs8Pem(RSA.privateKey(), PASSPHRASE), PASSPHRASE)),
                accepted("RSA + legacy openssl encrypted PEM (AES-128-CBC)", RSA,
                        () -> CertificateInput.pem(RSA.certificatePem(),
                                TestPki.legacyEncryptedPem(RSA.keyPair(), PASSPHRASE), PASSPHRASE)),
                accepted("EC certificate + PKCS#8 key", EC,
                        () -> CertificateInput.pem(EC.certificatePem(), TestPki.pkcs8Pem(EC.privateKey()), null)),
                accepted("EC certificate + SEC1 key", EC,
                        () -> CertificateInput.pem(EC.certificatePem(), TestPki.sec1Pem(EC.keyPair()), null)),
                accepted("EC + encrypted PKCS#8 (PBES2 AES-256-CBC)", EC,
                        () -> CertificateInput.pem(EC.certificatePem(),
                                TestPki.encryptedPkcs8Pem(EC.privateKey(), PASSPHRASE), PASSPHRASE)),
                accepted("EC + encrypted PKCS#8 (legacy PBE SHA1-3DES)", EC,
                        () -> CertificateInput.pem(EC.certificatePem(),
                                TestPki.legacyPbeEncryptedPkcs8Pem(EC.privateKey(), PASSPHRASE), PASSPHRASE)),
                accepted("EC + legacy openssl encrypted SEC1 (AES-128-CBC)", EC,
                        () -> CertificateInput.pem(EC.certificatePem(),
                                TestPki.legacyEncryptedPem(EC.keyPair(), PASSPHRASE), PASSPHRASE)),
                accepted("EC key preceded by an EC PARAMETERS block (openssl ecparam -genkey)", EC,
                        () -> CertificateInput.pem(EC.certificatePem(),
                                "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                                        + TestPki.sec1Pem(EC.keyPair()), null)),
                accepted("Ed25519 certificate + PKCS#8 key", ED25519,
                        () -> CertificateInput.pem(ED25519.certificatePem(), ED25519.pkcs8Pem(), null)),
                accepted("passphrase given for a key that is not encrypted", RSA,
                        () -> CertificateInput.pem(RSA.certificatePem(), RSA.pkcs8Pem(), "unused")),
                accepted("chain leaf, intermediate, root + separate key", CHAIN.leaf(), CHAIN.certificates(),
                        () -> CertificateInput.pem(CHAIN.pem(), TestPki.pkcs1Pem(CHAIN.leaf().keyPair()), null)),
                accepted("chain without the root", CHAIN.leaf(), CHAIN.served(),
                        () -> CertificateInput.pem(TestPki.pem(CHAIN.served()), CHAIN.leaf().pkcs8Pem(), null)),
                accepted("single pasted blob: chain then key, key field empty", CHAIN.leaf(), CHAIN.certificates(),
                        () -> CertificateInput.pem(CHAIN.pem() + CHAIN.leaf().pkcs8Pem(), "", null)),
                accepted("single pasted blob: encrypted key first, then the chain", EC_CHAIN.leaf(),
                        EC_CHAIN.certificates(),
                        () -> CertificateInput.pem(TestPki.encryptedPkcs8Pem(EC_CHAIN.leaf().privateKey(), PASSPHRASE)
                                + EC_CHAIN.pem(), null, PASSPHRASE)),
                accepted("the same key in the blob and in the key field", RSA,
                        () -> CertificateInput.pem(RSA.certificatePem() + RSA.pkcs8Pem(), TestPki.pkcs1Pem(RSA.keyPair()),
                                null)),
                accepted("CRLF line ends", CHAIN.leaf(), CHAIN.certificates(),
                        () -> CertificateInput.pem(crlf(CHAIN.pem()), crlf(TestPki.legacyEncryptedPem(
                                CHAIN.leaf().keyPair(), PASSPHRASE)), PASSPHRASE)),
                accepted("openssl pkcs12 -nodes output with Bag Attributes", CHAIN.leaf(), CHAIN.certificates(),
                        () -> CertificateInput.pem(opensslBagAttributes(CHAIN), null, null)),
                accepted("leading/trailing whitespace and indented lines", EC,
                        () -> CertificateInput.pem("\n\n   " + indent(EC.certificatePem()) + "  \n\t",
                                "  " + indent(TestPki.sec1Pem(EC.keyPair())) + "\n\n", null)),
                accepted("openssl -trustout TRUSTED CERTIFICATE with its trust data", RSA,
                        () -> CertificateInput.pem(TestPki.pem("TRUSTED CERTIFICATE",
                                CertificateBundleReaderRejectTest.concat(
                                        CertificateBundleReaderRejectTest.encoded(RSA.certificate()),
                                        new byte[] {0x30, 0x00})), RSA.pkcs8Pem(), null)),
                accepted("the same certificate twice", CHAIN.leaf(), CHAIN.certificates(),
                        () -> CertificateInput.pem(CHAIN.pem() + CHAIN.leaf().certificatePem(), CHAIN.leaf().pkcs8Pem(),
                                null)),
                accepted("PKCS#12 with chain (RSA)", CHAIN.leaf(), CHAIN.certificates(),
                        () -> CertificateInput.pkcs12(TestPki.pkcs12(CHAIN.leaf().privateKey(), CHAIN.certificates(),
                                "p12-password"), "p12-password")),
                accepted("PKCS#12 with chain (EC)", EC_CHAIN.leaf(), EC_CHAIN.certificates(),
                        () -> CertificateInput.pkcs12(TestPki.pkcs12(EC_CHAIN.leaf().privateKey(),
                                EC_CHAIN.certificates(), "p12-password"), "p12-password")),
                accepted("PKCS#12 with extra certificate entries next to the key", RSA,
                        () -> CertificateInput.pkcs12(TestPki.pkcs12Store("pw").key("server", RSA.privateKey(),
                                List.of(RSA.certificate())).certificate("extra", EC.certificate()).bytes(), "pw")));
    }

    private static Arguments accepted(String name, Credential leaf, Supplier<CertificateInput> input) {
        return accepted(name, leaf, List.of(leaf.certificate()), input);
    }

    private static Arguments accepted(String name, Credential leaf, List<X509Certificate> chain,
            Supplier<CertificateInput> input) {
        return arguments(name, leaf, chain, input);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedInputs")
    void readsEveryAcceptedFormat(String name, Credential leaf, List<X509Certificate> expectedChain,
            Supplier<CertificateInput> input) throws Exception {
        CertificateBundle bundle = reader.read(input.get());

        assertThat(bundle.leaf()).isEqualTo(leaf.certificate());
        assertThat(bundle.chain()).containsExactlyElementsOf(expectedChain);
        assertThat(bundle.privateKey().getAlgorithm()).isEqualTo(leaf.privateKey().getAlgorithm());
        assertThat(signsForLeaf(bundle.privateKey(), leaf.publicKey())).isTrue();
        // The engine gets unencrypted PKCS#8 whatever came in.
        assertThat(bundle.privateKeyPkcs8Pem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }

    static Stream<Arguments> shuffledChains() {
        X509Certificate leaf = CHAIN.leaf().certificate();
        X509Certificate intermediate = CHAIN.intermediate().certificate();
        X509Certificate root = CHAIN.root().certificate();
        return Stream.of(
                arguments(List.of(leaf, intermediate, root)),
                arguments(List.of(leaf, root, intermediate)),
                arguments(List.of(intermediate, leaf, root)),
                arguments(List.of(intermediate, root, leaf)),
                arguments(List.of(root, leaf, intermediate)),
                arguments(List.of(root, intermediate, leaf)));
    }

    @ParameterizedTest(name = "{index}: given {0}")
    @MethodSource("shuffledChains")
    void reordersTheChainLeafFirst(List<X509Certificate> given) {
        CertificateBundle withKey = reader.read(CertificateInput.pem(TestPki.pem(given), CHAIN.leaf().pkcs8Pem(), null));
        assertThat(withKey.chain()).containsExactlyElementsOf(CHAIN.certificates());

        // What gets stored is in that order too.
        assertThat(withKey.chainPem()).isEqualTo(CHAIN.pem());
    }

    @Test
    void reordersPkcs12AndPemTheSameWay() {
        List<X509Certificate> shuffled = List.of(CHAIN.root().certificate(), CHAIN.leaf().certificate(),
                CHAIN.intermediate().certificate());
        CertificateBundle fromPem = reader.read(CertificateInput.pem(TestPki.pem(shuffled), CHAIN.leaf().pkcs8Pem(), null));
        CertificateBundle fromPkcs12 = reader.read(CertificateInput.pkcs12(
                TestPki.pkcs12(CHAIN.leaf().privateKey(), CHAIN.certificates(), "pw"), "pw"));

        assertThat(fromPkcs12.chainPem()).isEqualTo(fromPem.chainPem());
        assertThat(fromPkcs12.fingerprintSha256()).isEqualTo(fromPem.fingerprintSha256());
    }

    @Test
    void leafOnlyIsFineBecauseMissingIntermediatesCannotBeKnownHere() {
        CertificateBundle bundle = reader.read(CertificateInput.pem(CHAIN.leaf().certificatePem(),
                CHAIN.leaf().pkcs8Pem(), null));

        assertThat(bundle.chain()).containsExactly(CHAIN.leaf().certificate());
    }

    @Test
    void leafMayBeASelfSignedCaCertificateAndAnyExtendedKeyUsageIsEnough() {
        Credential caAsLeaf = PKI.ca("legacy.example.com").sans("legacy.example.com").issue();
        Credential anyUsage = PKI.leaf("any.example.com").extendedKeyUsage(KeyPurposeId.anyExtendedKeyUsage).issue();
        Credential noUsage = PKI.leaf("none.example.com").extendedKeyUsage().issue();

        for (Credential credential : List.of(caAsLeaf, anyUsage, noUsage)) {
            CertificateBundle bundle = reader.read(CertificateInput.pem(credential.certificatePem(),
                    credential.pkcs8Pem(), null));
            assertThat(bundle.leaf()).isEqualTo(credential.certificate());
        }
    }

    @Test
    void inputIsValidExactlyUntilItsNotAfter() {
        Credential lastSecond = PKI.leaf("edge.example.com").validity(NOW.minusSeconds(3600), NOW).issue();

        assertThat(reader.read(CertificateInput.pem(lastSecond.certificatePem(), lastSecond.pkcs8Pem(), null)).leaf())
                .isEqualTo(lastSecond.certificate());
    }

    @Test
    void readChainOnlyKeepsTheStoredOrder() {
        String stored = reader.read(CertificateInput.pem(CHAIN.pem(), CHAIN.leaf().pkcs8Pem(), null)).chainPem();

        assertThat(reader.readChainOnly(stored)).containsExactlyElementsOf(CHAIN.certificates());
        List<X509Certificate> reversed = new ArrayList<>(CHAIN.certificates());
        java.util.Collections.reverse(reversed);
        assertThat(reader.readChainOnly(TestPki.pem(reversed))).containsExactlyElementsOf(reversed);
    }

    static boolean signsForLeaf(PrivateKey key, PublicKey leafKey) throws Exception {
        String algorithm = switch (leafKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> "Ed25519";
        };
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(leafKey);
        verifier.update(new byte[] {1, 2, 3});
        return verifier.verify(signature);
    }

    static String crlf(String text) {
        return text.replace("\n", "\r\n");
    }

    static String indent(String text) {
        return text.replace("\n", "\n    ");
    }

    /** What "openssl pkcs12 -in x.p12 -nodes" prints: attributes and subject lines around every block. */
    static String opensslBagAttributes(Chain chain) {
        StringBuilder out = new StringBuilder();
        out.append("Bag Attributes\n    localKeyID: 01 00 00 00 \n    friendlyName: server\n")
                .append("Key Attributes: <No Attributes>\n")
                .append(TestPki.pkcs8Pem(chain.leaf().privateKey()));
        for (X509Certificate certificate : chain.certificates()) {
            out.append("Bag Attributes\n    localKeyID: 01 00 00 00 \n")
                    .append("subject=").append(certificate.getSubjectX500Principal().getName()).append('\n')
                    .append("issuer=").append(certificate.getIssuerX500Principal().getName()).append('\n')
                    .append(TestPki.pem(certificate));
        }
        return out.toString();
    }
}
