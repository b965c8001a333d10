package dev.gatehouse.admin.certificate.bundle;

import static dev.gatehouse.admin.certificate.bundle.CertificateInputException.CERTIFICATE;
import static dev.gatehouse.admin.certificate.bundle.CertificateInputException.KEY_PASSPHRASE;
import static dev.gatehouse.admin.certificate.bundle.CertificateInputException.PKCS12;
import static dev.gatehouse.admin.certificate.bundle.CertificateInputException.PKCS12_PASSWORD;
import static dev.gatehouse.admin.certificate.bundle.CertificateInputException.PRIVATE_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.gatehouse.admin.certificate.bundle.CertificateInputException.Problem;
import dev.gatehouse.admin.certificate.bundle.TestPki.Chain;
import dev.gatehouse.admin.certificate.bundle.TestPki.Credential;
import dev.gatehouse.admin.certificate.bundle.TestPki.KeyType;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rejection: the field it is reported on and what the message says. */
class CertificateBundleReaderRejectTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final TestPki PKI = TestPki.at(NOW);
    static final String PASSPHRASE = "s3cret passphrase";

    static final Credential RSA = PKI.rsaLeaf("rsa.example.com");
    static final Credential OTHER_RSA = PKI.rsaLeaf("rsa.example.com");
    static final Credential EC = PKI.ecLeaf("ec.example.com");
    static final Credential OTHER_EC = PKI.ecLeaf("ec.example.com");
    static final Chain CHAIN = PKI.chain(KeyType.EC_P256, "shop.example.com");
    static final Credential OTHER_ROOT = PKI.ca("Other Root CA").issue();
    /** Has the intermediate's name but its own key: a forged issuer. */
    static final Credential FAKE_INTERMEDIATE = PKI.ca("Gatehouse Test Intermediate CA").issuedBy(CHAIN.root()).issue();
    static final Credential EXPIRED = PKI.expiredLeaf("old.example.com", 10);
    static final Credential NOT_YET_VALID = PKI.notYetValidLeaf("future.example.com", 10);
    static final Credential CLIENT_ONLY = PKI.clientAuthOnlyLeaf("client.example.com");
    static final Credential RSA_1024 = PKI.rsa1024Leaf("weak.example.com");

    private final CertificateBundleReader reader = new CertificateBundleReader(PKI.clock());

    static Stream<Arguments> rejectedInputs() {
        String big = "x".repeat(CertificateBundleReader.MAX_INPUT_BYTES + 1);
        return Stream.of(
                // sizes, checked before anything is parsed
                rejected("certificate text over 1 MiB", CERTIFICATE, "is larger than 1 MiB",
                        () -> CertificateInput.pem(RSA.certificatePem() + big, RSA.pkcs8Pem(), null)),
                rejected("key text over 1 MiB", PRIVATE_KEY, "is larger than 1 MiB",
                        () -> CertificateInput.pem(RSA.certificatePem(), RSA.pkcs8Pem() + big, null)),
                rejected("1 MiB of multi-byte characters (bytes count, not chars)", CERTIFICATE, "is larger than 1 MiB",
                        () -> CertificateInput.pem("é".repeat(CertificateBundleReader.MAX_INPUT_BYTES / 2 + 1), null,
                                null)),
                rejected("PKCS#12 over 1 MiB", PKCS12, "is larger than 1 MiB",
                        () -> CertificateInput.pkcs12(new byte[CertificateBundleReader.MAX_INPUT_BYTES + 1], "pw")),
                // what was given
                rejected("nothing", CERTIFICATE, "a certificate is required",
                        () -> CertificateInput.pem("  ", null, null)),
                rejected("PEM and PKCS#12 at once", PKCS12, "not both",
                        () -> new CertificateInput(RSA.certificatePem(), RSA.pkcs8Pem(), null,
                                TestPki.pkcs12(RSA.privateKey(), List.of(RSA.certificate()), "pw"), "pw")),
                // certificates
                rejected("text without PEM", CERTIFICATE,
                        "no PEM certificate found (expected -----BEGIN CERTIFICATE-----)",
                        () -> CertificateInput.pem("hello, this is my certificate", RSA.pkcs8Pem(), null)),
                rejected("DER pasted as text", CERTIFICATE, "binary (DER)",
                        () -> CertificateInput.pem(new String(encoded(RSA.certificate()), StandardCharsets.ISO_8859_1),
                                RSA.pkcs8Pem(), null)),
                rejected("base64 without BEGIN/END lines", CERTIFICATE, "base64 without its -----BEGIN",
                        () -> CertificateInput.pem(Base64.getMimeEncoder().encodeToString(encoded(RSA.certificate())),
                                RSA.pkcs8Pem(), null)),
                rejected("corrupt second certificate", CERTIFICATE,
                        "certificate #2 in the chain cannot be read: it is not a valid X.509 certificate",
                        () -> CertificateInput.pem(CHAIN.leaf().certificatePem()
                                + corrupt(CHAIN.intermediate().certificatePem()), CHAIN.leaf().pkcs8Pem(), null)),
                rejected("certificate that is not base64", CERTIFICATE,
                        "certificate #1 in the chain cannot be read: it is not valid base64",
                        () -> CertificateInput.pem("-----BEGIN CERTIFICATE-----\nMII%%%notbase64\n-----END CERTIFICATE-----",
                                RSA.pkcs8Pem(), null)),
                rejected("certificate cut off before its END line", CERTIFICATE,
                        "certificate #2 in the chain cannot be read: its -----END CERTIFICATE----- line is missing",
                        () -> CertificateInput.pem(RSA.certificatePem() + truncate(EC.certificatePem()), RSA.pkcs8Pem(),
                                null)),
                rejected("certificate with trailing garbage inside the block", CERTIFICATE,
                        "certificate #1 in the chain cannot be read",
                        () -> CertificateInput.pem(TestPki.pem("CERTIFICATE", concat(encoded(RSA.certificate()),
                                new byte[] {5, 0})), RSA.pkcs8Pem(), null)),
                rejected("CSR instead of a certificate", CERTIFICATE, "certificate signing request (CSR)",
                        () -> CertificateInput.pem(csr(RSA), RSA.pkcs8Pem(), null)),
                rejected("PKCS#7 bundle", CERTIFICATE, "PKCS#7 (.p7b) files are not supported",
                        () -> CertificateInput.pem(RSA.certificatePem() + "-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n",
                                RSA.pkcs8Pem(), null)),
                rejected("a whole CA bundle", CERTIFICATE, "found 21 certificates, more than the 20 a chain can have",
                        () -> CertificateInput.pem(RSA.certificatePem().repeat(21), RSA.pkcs8Pem(), null)),
                // keys
                rejected("five key blocks", PRIVATE_KEY, "found 5 private keys",
                        () -> CertificateInput.pem(RSA.certificatePem(), RSA.pkcs8Pem().repeat(5), null)),
                rejected("encrypted PKCS#8 with 3,000,000 PBKDF2 iterations", PRIVATE_KEY,
                        "the private key's encryption uses 3000000 iterations, more than the 2000000 accepted",
                        () -> CertificateInput.pem(RSA.certificatePem(), withIterations(
                                TestPki.encryptedPkcs8Pem(RSA.privateKey(), PASSPHRASE), 3_000_000), PASSPHRASE)),
                rejected("no key at all", PRIVATE_KEY, "a private key is required",
                        () -> CertificateInput.pem(RSA.certificatePem(), null, null)),
                rejected("key field without PEM", PRIVATE_KEY, "no PEM private key found",
                        () -> CertificateInput.pem(RSA.certificatePem(), "my key is secret", null)),
                rejected("DER key pasted as text", PRIVATE_KEY, "binary (DER)",
                        () -> CertificateInput.pem(RSA.certificatePem(),
                                new String(RSA.privateKey().getEncoded(), StandardCharsets.ISO_8859_1), null)),
                rejected("corrupt PKCS#8 key", PRIVATE_KEY, "the private key (PRIVATE KEY) cannot be read",
                        () -> CertificateInput.pem(RSA.certificatePem(), corrupt(RSA.pkcs8Pem()), null)),
                rejected("key cut off before its END line", PRIVATE_KEY, "-----END RSA PRIVATE KEY----- line is missing",
                        () -> CertificateInput.pem(RSA.certificatePem(), truncate(TestPki.pkcs1Pem(RSA.keyPair())),
                                null)),
                rejected("two different keys", PRIVATE_KEY, "found 2 different private keys",
                        () -> CertificateInput.pem(RSA.certificatePem(), RSA.pkcs8Pem() + OTHER_RSA.pkcs8Pem(), null)),
                rejected("public key instead of the private key", PRIVATE_KEY, "found a public key",
                        () -> CertificateInput.pem(RSA.certificatePem(),
                                TestPki.pem("PUBLIC KEY", RSA.publicKey().getEncoded()), null)),
                rejected("CSR instead of the private key", PRIVATE_KEY, "certificate signing request (CSR)",
                        () -> CertificateInput.pem(RSA.certificatePem(), csr(RSA), null)),
                rejected("OpenSSH private key", PRIVATE_KEY, "OpenSSH private keys are not supported",
                        () -> CertificateInput.pem(RSA.certificatePem(),
                                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----",
                                null)),
                rejected("encrypted PKCS#8 without passphrase", KEY_PASSPHRASE,
                        "the private key is encrypted; enter its passphrase",
                        () -> CertificateInput.pem(RSA.certificatePem(),
                                TestPki.encryptedPkcs8Pem(RSA.privateKey(), PASSPHRASE), null)),
                rejected("legacy encrypted PEM with empty passphrase", KEY_PASSPHRASE,
                        "the private key is encrypted; enter its passphrase",
                        () -> CertificateInput.pem(EC.certificatePem(),
                                TestPki.legacyEncryptedPem(EC.keyPair(), PASSPHRASE), "")),
                rejected("encrypted PKCS#8 (PBES2), wrong passphrase", KEY_PASSPHRASE,
                        "wrong passphrase for the private key",
                        () -> CertificateInput.pem(RSA.certificatePem(),
                                TestPki.encryptedPkcs8Pem(RSA.privateKey(), PASSPHRASE), "wrong")),
                rejected("encrypted PKCS#8 (legacy PBE), wrong passphrase", KEY_PASSPHRASE,
                        "wrong passphrase for the private key",
                        () -> CertificateInput.pem(EC.certificatePem(),
                                TestPki.legacyPbeEncryptedPkcs8Pem(EC.privateKey(), PASSPHRASE), "wrong")),
                rejected("encrypted PKCS#8 (scrypt), wrong passphrase", KEY_PASSPHRASE,
                        "wrong passphrase for the private key",
                        () -> CertificateInput.pem(RSA.certificatePem(),
                                TestPki.scryptEncryptedPkcs8Pem(RSA.privateKey(), PASSPHRASE), "wrong")),
                rejected("legacy encrypted PEM, wrong passphrase", KEY_PASSPHRASE, "wrong passphrase for the private key",
                        () -> CertificateInput.pem(RSA.certificatePem(),
                                TestPki.legacyEncryptedPem(RSA.keyPair(), PASSPHRASE), "wrong")),
                // key vs certificate
                rejected("another RSA key", PRIVATE_KEY,
                        "the private key does not belong to the certificate for CN=rsa.example.com",
                        () -> CertificateInput.pem(RSA.certificatePem(), OTHER_RSA.pkcs8Pem(), null)),
                rejected("another EC key on the same curve", PRIVATE_KEY,
                        "the private key does not belong to the certificate for CN=ec.example.com",
                        () -> CertificateInput.pem(EC.certificatePem(), TestPki.sec1Pem(OTHER_EC.keyPair()), null)),
                rejected("an RSA key for an EC certificate", PRIVATE_KEY,
                        "the private key does not belong to the certificate for CN=ec.example.com",
                        () -> CertificateInput.pem(EC.certificatePem(), RSA.pkcs8Pem(), null)),
                rejected("the root's key with the chain", PRIVATE_KEY,
                        "the private key does not belong to the certificate for CN=shop.example.com",
                        () -> CertificateInput.pem(TestPki.pem(CHAIN.served()), CHAIN.root().pkcs8Pem(), null)),
                // chain
                rejected("a certificate from another chain", CERTIFICATE,
                        "certificate 'CN=Other Root CA' does not belong to this chain (the chain already ends at the "
                                + "self-signed root 'CN=Gatehouse Test Root CA')",
                        () -> CertificateInput.pem(CHAIN.pem() + OTHER_ROOT.certificatePem(), CHAIN.leaf().pkcs8Pem(),
                                null)),
                rejected("a root without the intermediate between it and the leaf", CERTIFICATE,
                        "certificate 'CN=Gatehouse Test Root CA' does not belong to this chain (issuer of "
                                + "'CN=shop.example.com' is 'CN=Gatehouse Test Intermediate CA')",
                        () -> CertificateInput.pem(TestPki.pem(CHAIN.leaf().certificate(), CHAIN.root().certificate()),
                                CHAIN.leaf().pkcs8Pem(), null)),
                rejected("an issuer with the right name but the wrong key", CERTIFICATE,
                        "certificate 'CN=Gatehouse Test Intermediate CA' does not belong to this chain (it has the name "
                                + "of the issuer of 'CN=shop.example.com'",
                        () -> CertificateInput.pem(TestPki.pem(CHAIN.leaf().certificate(),
                                FAKE_INTERMEDIATE.certificate()), CHAIN.leaf().pkcs8Pem(), null)),
                // dates and usage
                rejected("expired", CERTIFICATE, "the certificate expired on 2026-02-19 (10 days ago)",
                        () -> CertificateInput.pem(EXPIRED.certificatePem(), EXPIRED.pkcs8Pem(), null)),
                rejected("expired a second ago", CERTIFICATE, "the certificate expired on 2026-03-01 (less than a day ago)",
                        () -> {
                            Credential justExpired = PKI.leaf("x.example.com")
                                    .validity(NOW.minus(Duration.ofDays(1)), NOW.minusSeconds(1)).issue();
                            return CertificateInput.pem(justExpired.certificatePem(), justExpired.pkcs8Pem(), null);
                        }),
                rejected("not yet valid", CERTIFICATE, "the certificate is not valid before 2026-03-11 (in 10 days)",
                        () -> CertificateInput.pem(NOT_YET_VALID.certificatePem(), NOT_YET_VALID.pkcs8Pem(), null)),
                rejected("expired intermediate", CERTIFICATE,
                        "the issuing certificate 'CN=Old Intermediate CA' expired on 2026-02-01 (28 days ago)",
                        () -> {
                            Credential oldIntermediate = PKI.ca("Old Intermediate CA").issuedBy(CHAIN.root())
                                    .validity(NOW.minus(Duration.ofDays(400)), Instant.parse("2026-02-01T00:00:00Z"))
                                    .issue();
                            Credential leaf = PKI.leaf("y.example.com").issuedBy(oldIntermediate).issue();
                            return CertificateInput.pem(TestPki.pem(leaf.certificate(), oldIntermediate.certificate()),
                                    leaf.pkcs8Pem(), null);
                        }),
                rejected("clientAuth only", CERTIFICATE,
                        "not valid for TLS servers (extended key usage lacks serverAuth)",
                        () -> CertificateInput.pem(CLIENT_ONLY.certificatePem(), CLIENT_ONLY.pkcs8Pem(), null)),
                rejected("RSA 1024", CERTIFICATE, "RSA keys need at least 2048 bits; this certificate's key has 1024",
                        () -> CertificateInput.pem(RSA_1024.certificatePem(), RSA_1024.pkcs8Pem(), null)),
                // PKCS#12
                rejected("PKCS#12 with the wrong password", PKCS12_PASSWORD, "wrong password for the PKCS#12 file",
                        () -> CertificateInput.pkcs12(TestPki.pkcs12(RSA.privateKey(), List.of(RSA.certificate()), "pw"),
                                "not-pw")),
                rejected("PKCS#12 without a password", PKCS12_PASSWORD,
                        "the PKCS#12 file is password-protected; enter its password",
                        () -> CertificateInput.pkcs12(TestPki.pkcs12(EC.privateKey(), List.of(EC.certificate()), "pw"),
                                null)),
                rejected("random bytes as PKCS#12", PKCS12, "not a PKCS#12 (.p12/.pfx) file",
                        () -> CertificateInput.pkcs12("GIF89a this is a picture".getBytes(StandardCharsets.US_ASCII),
                                "pw")),
                rejected("a DER certificate as PKCS#12", PKCS12, "not a PKCS#12 (.p12/.pfx) file",
                        () -> CertificateInput.pkcs12(encoded(RSA.certificate()), "pw")),
                rejected("PEM text as PKCS#12", PKCS12, "not a PKCS#12 (.p12/.pfx) file: this is PEM text",
                        () -> CertificateInput.pkcs12((RSA.certificatePem() + RSA.pkcs8Pem())
                                .getBytes(StandardCharsets.US_ASCII), "pw")),
                rejected("PKCS#12 with certificates only", PKCS12, "the PKCS#12 file contains no private key",
                        () -> CertificateInput.pkcs12(TestPki.pkcs12Store("pw").certificate("ca", RSA.certificate())
                                .bytes(), "pw")),
                rejected("PKCS#12 with two keys", PKCS12, "the PKCS#12 file contains 2 private keys",
                        () -> CertificateInput.pkcs12(TestPki.pkcs12Store("pw")
                                .key("one", RSA.privateKey(), List.of(RSA.certificate()))
                                .key("two", EC.privateKey(), List.of(EC.certificate())).bytes(), "pw")),
                rejected("PKCS#12 with an expired certificate", CERTIFICATE, "the certificate expired on 2026-02-19",
                        () -> CertificateInput.pkcs12(TestPki.pkcs12(EXPIRED.privateKey(),
                                List.of(EXPIRED.certificate()), "pw"), "pw")));
    }

    private static Arguments rejected(String name, String field, String fragment, Supplier<CertificateInput> input) {
        return arguments(name, field, fragment, input);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedInputs")
    void rejectsWithFieldAndMessage(String name, String field, String fragment, Supplier<CertificateInput> input) {
        CertificateInputException failure = catchThrowableOfType(CertificateInputException.class,
                () -> reader.read(input.get()));

        assertThat(failure).as("rejected").isNotNull();
        assertThat(failure.problems())
                .anySatisfy(problem -> {
                    assertThat(problem.field()).isEqualTo(field);
                    assertThat(problem.message()).contains(fragment);
                });
        assertHumanMessages(failure);
    }

    @Test
    void reportsIndependentProblemsAllAtOnce() {
        Credential leaf = PKI.leaf("many.example.com").keyType(KeyType.RSA_1024)
                .validity(NOW.minus(Duration.ofDays(50)), NOW.minus(Duration.ofDays(5)))
                .extendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth).issue();

        CertificateInputException failure = catchThrowableOfType(CertificateInputException.class,
                () -> reader.read(CertificateInput.pem(leaf.certificatePem() + OTHER_ROOT.certificatePem(),
                        OTHER_RSA.pkcs8Pem(), null)));

        assertThat(failure.problems()).extracting(Problem::field, Problem::message).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(PRIVATE_KEY,
                        "the private key does not belong to the certificate for CN=many.example.com"),
                org.assertj.core.groups.Tuple.tuple(CERTIFICATE, "certificate 'CN=Other Root CA' does not belong to "
                        + "this chain (the chain already ends at the self-signed root 'CN=many.example.com')"),
                org.assertj.core.groups.Tuple.tuple(CERTIFICATE, "the certificate expired on 2026-02-24 (5 days ago)"),
                org.assertj.core.groups.Tuple.tuple(CERTIFICATE,
                        "the certificate is not valid for TLS servers (extended key usage lacks serverAuth)"),
                org.assertj.core.groups.Tuple.tuple(CERTIFICATE,
                        "RSA keys need at least 2048 bits; this certificate's key has 1024"));
        assertThat(failure.getMessage()).contains("privateKey: the private key does not belong")
                .contains("; certificate: the certificate expired on 2026-02-24");
    }

    @Test
    void reportsKeyAndCertificateProblemsTogetherEvenWhenNeitherCanBeRead() {
        CertificateInputException failure = catchThrowableOfType(CertificateInputException.class,
                () -> reader.read(CertificateInput.pem(RSA.certificatePem() + corrupt(EC.certificatePem()),
                        TestPki.encryptedPkcs8Pem(RSA.privateKey(), PASSPHRASE), null)));

        assertThat(failure.problems()).containsExactly(
                new Problem(CERTIFICATE, "certificate #2 in the chain cannot be read: it is not a valid X.509 certificate"),
                new Problem(KEY_PASSPHRASE, "the private key is encrypted; enter its passphrase"));
    }

    @Test
    void wrongKindOfBlockIsExplainedOnceNotAlsoAsMissing() {
        CertificateInputException failure = catchThrowableOfType(CertificateInputException.class,
                () -> reader.read(CertificateInput.pem(csr(RSA),
                        TestPki.pem("PUBLIC KEY", RSA.publicKey().getEncoded()), null)));

        assertThat(failure.problems()).extracting(Problem::field).containsExactly(CERTIFICATE, PRIVATE_KEY);
        assertThat(failure.problems()).extracting(Problem::message).allSatisfy(message ->
                assertThat(message).doesNotContain("required", "no PEM"));
    }

    @Test
    void reportsEverySizeProblemBeforeParsing() {
        String big = "-----BEGIN CERTIFICATE-----\n" + "A".repeat(CertificateBundleReader.MAX_INPUT_BYTES) + "\n";
        CertificateInputException failure = catchThrowableOfType(CertificateInputException.class,
                () -> reader.read(CertificateInput.pem(big, big, null)));

        assertThat(failure.problems()).extracting(Problem::field).containsExactly(CERTIFICATE, PRIVATE_KEY);
    }

    @Test
    void sameWrongPassphraseForTwoBlocksIsSaidOnce() {
        String keys = TestPki.encryptedPkcs8Pem(RSA.privateKey(), PASSPHRASE)
                + TestPki.legacyEncryptedPem(RSA.keyPair(), PASSPHRASE);

        CertificateInputException failure = catchThrowableOfType(CertificateInputException.class,
                () -> reader.read(CertificateInput.pem(RSA.certificatePem(), keys, "nope")));

        assertThat(failure.problems()).containsExactly(new Problem(KEY_PASSPHRASE, "wrong passphrase for the private key"));
    }

    @Test
    void readChainOnlyFailsClearlyOnBadStoredText() {
        assertThatThrownBy(() -> reader.readChainOnly(RSA.certificatePem() + corrupt(EC.certificatePem())))
                .isInstanceOfSatisfying(CertificateInputException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem(CERTIFICATE,
                                "certificate #2 in the chain cannot be read: it is not a valid X.509 certificate")));
        assertThatThrownBy(() -> reader.readChainOnly(""))
                .isInstanceOf(CertificateInputException.class)
                .hasMessageContaining("no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> reader.readChainOnly(RSA.pkcs8Pem()))
                .isInstanceOf(CertificateInputException.class)
                .hasMessageContaining("no PEM certificate found");
    }

    @Test
    void problemsNameOnlyKnownFields() {
        assertThatThrownBy(() -> new Problem("password", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown field 'password'");
        assertThatThrownBy(() -> new CertificateInputException(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** No stack trace text, exception or library class names, and nothing of the key in any message. */
    private static void assertHumanMessages(CertificateInputException failure) {
        assertThat(failure.getCause()).isNull();
        String keyBase64 = Base64.getEncoder().encodeToString(RSA.privateKey().getEncoded()).substring(0, 40);
        for (Problem problem : failure.problems()) {
            assertThat(problem.message())
                    .doesNotContain("Exception", "bouncycastle", "java.", "\tat ", keyBase64)
                    .doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Z]\\w+");
        }
    }

    static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Makes the outer DER length far too long: still base64, no longer valid DER. */
    static String corrupt(String pem) {
        String[] lines = pem.split("\n");
        lines[1] = "MIIZ" + lines[1].substring(4);
        return String.join("\n", lines) + "\n";
    }

    /**
     * The same encrypted key claiming another PBKDF2 iteration count: cheap to make, and the reader
     * must refuse it before deriving anything.
     */
    static String withIterations(String encryptedPkcs8Pem, int iterations) {
        try {
            String body = encryptedPkcs8Pem.substring(encryptedPkcs8Pem.indexOf('\n') + 1,
                    encryptedPkcs8Pem.indexOf("-----END"));
            EncryptedPrivateKeyInfo info = EncryptedPrivateKeyInfo.getInstance(Base64.getMimeDecoder().decode(body));
            PBES2Parameters pbes2 = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
            PBKDF2Params kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
            PBES2Parameters costly = new PBES2Parameters(
                    new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2,
                            new PBKDF2Params(kdf.getSalt(), iterations, kdf.getPrf())),
                    pbes2.getEncryptionScheme());
            return TestPki.pem("ENCRYPTED PRIVATE KEY", new EncryptedPrivateKeyInfo(
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, costly), info.getEncryptedData()).getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops the END line. */
    static String truncate(String pem) {
        return pem.substring(0, pem.indexOf("-----END"));
    }

    static String csr(Credential credential) {
        try {
            PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(
                    new X500Name("CN=csr.example.com"), credential.publicKey())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(credential.privateKey()));
            return TestPki.pem("CERTIFICATE REQUEST", request.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
