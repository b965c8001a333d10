package dev.gatehouse.admin.certificate.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.util.ScryptConfig;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfoBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A small test PKI built with BouncyCastle: key pairs, certificates (self-signed or issued by a test CA)
 * and every encoding a user may upload. Nothing is read from files; every run makes fresh keys.
 *
 * <p>Start from a clock: {@link #at(Instant)} for tests that check dates exactly, {@link #now()} for
 * tests that hand certificates to real TLS clients. Then:
 *
 * <pre>{@code
 * TestPki pki = TestPki.now();
 * TestPki.Credential site = pki.leaf("shop.example.com").keyType(KeyType.RSA_2048).issue();  // self-signed
 * TestPki.Chain chain = pki.chain("shop.example.com");            // root -> intermediate -> leaf
 * String keyPem = TestPki.encryptedPkcs8Pem(site.privateKey(), "secret");
 * byte[] p12 = TestPki.pkcs12(chain.leaf().privateKey(), chain.certificates(), "secret");
 * }</pre>
 */
public final class TestPki {

    /** Key algorithms the builders can make. */
    public enum KeyType {
        RSA_2048, RSA_1024, RSA_3072, EC_P256, EC_P384, ED25519
    }

    /** Default leaf validity: from one day before now. */
    public static final Duration DEFAULT_BACKDATE = Duration.ofDays(1);
    /** Default leaf validity: until 90 days after now (like Let's Encrypt). */
    public static final Duration DEFAULT_LEAF_VALIDITY = Duration.ofDays(90);
    /** Default CA validity: until ten years after now. */
    public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);

    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;

    private TestPki(Clock clock) {
        this.clock = clock;
    }

    /** A PKI whose "now" is fixed (whole seconds), for exact date assertions. */
    public static TestPki at(Instant now) {
        return new TestPki(Clock.fixed(now.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC));
    }

    /** A PKI whose "now" is the real time, for certificates served to real clients. */
    public static TestPki now() {
        return new TestPki(Clock.systemUTC());
    }

    /** The clock the validity defaults are relative to; hand it to the code under test. */
    public Clock clock() {
        return clock;
    }

    /** "Now" of {@link #clock()}, whole seconds (X.509 has no fractions). */
    public Instant instant() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    // ------------------------------------------------------------------ credentials

    /**
     * A certificate and its key pair.
     *
     * @param certificate the certificate
     * @param keyPair the certificate's key pair
     */
    public record Credential(X509Certificate certificate, KeyPair keyPair) {

        public PrivateKey privateKey() {
            return keyPair.getPrivate();
        }

        public PublicKey publicKey() {
            return keyPair.getPublic();
        }

        /** The certificate as PEM. */
        public String certificatePem() {
            return pem(certificate);
        }

        /** The private key as unencrypted PKCS#8 PEM. */
        public String pkcs8Pem() {
            return TestPki.pkcs8Pem(privateKey());
        }

        /** The certificate's subject only: keys stay out of test logs too. */
        @Override
        public String toString() {
            return "Credential[" + certificate.getSubjectX500Principal().getName() + "]";
        }
    }

    /**
     * A three-level chain.
     *
     * @param root the self-signed root CA
     * @param intermediate issued by the root
     * @param leaf issued by the intermediate
     */
    public record Chain(Credential root, Credential intermediate, Credential leaf) {

        /** Leaf, intermediate, root. */
        public List<X509Certificate> certificates() {
            return List.of(leaf.certificate(), intermediate.certificate(), root.certificate());
        }

        /** Leaf, intermediate: what a server sends (the client has the root). */
        public List<X509Certificate> served() {
            return List.of(leaf.certificate(), intermediate.certificate());
        }

        /** {@link #certificates()} as PEM. */
        public String pem() {
            return TestPki.pem(certificates());
        }

        @Override
        public String toString() {
            return "Chain[" + leaf + " <- " + intermediate + " <- " + root + "]";
        }
    }

    /** A server certificate for {@code commonName}: SAN = commonName, serverAuth, EC P-256, self-signed. */
    public CredentialBuilder leaf(String commonName) {
        return new CredentialBuilder(false, commonName);
    }

    /** A CA certificate: basicConstraints CA=true, keyCertSign + cRLSign, no SAN/EKU, EC P-256, self-signed. */
    public CredentialBuilder ca(String commonName) {
        return new CredentialBuilder(true, commonName);
    }

    /** Self-signed RSA 2048 leaf; SANs = {@code names}, CN = the first. */
    public Credential rsaLeaf(String... names) {
        return leaf(names[0]).keyType(KeyType.RSA_2048).sans(names).issue();
    }

    /** Self-signed EC P-256 leaf; SANs = {@code names}, CN = the first. */
    public Credential ecLeaf(String... names) {
        return leaf(names[0]).keyType(KeyType.EC_P256).sans(names).issue();
    }

    /** Root CA (EC P-256) -> intermediate CA (EC P-256) -> leaf ({@code leafKey}) for {@code names}. */
    public Chain chain(KeyType leafKey, String... names) {
        Credential root = ca("Gatehouse Test Root CA").issue();
        Credential intermediate = ca("Gatehouse Test Intermediate CA").issuedBy(root).issue();
        Credential leaf = leaf(names[0]).keyType(leafKey).sans(names).issuedBy(intermediate).issue();
        return new Chain(root, intermediate, leaf);
    }

    /** {@link #chain(KeyType, String...)} with an RSA 2048 leaf. */
    public Chain chain(String... names) {
        return chain(KeyType.RSA_2048, names);
    }

    /** Valid from 100 days ago until {@code daysAgo} days ago. */
    public Credential expiredLeaf(String name, int daysAgo) {
        Instant now = instant();
        return leaf(name).validity(now.minus(Duration.ofDays(100 + daysAgo)), now.minus(Duration.ofDays(daysAgo)))
                .issue();
    }

    /** Valid from {@code daysAhead} days from now for a year. */
    public Credential notYetValidLeaf(String name, int daysAhead) {
        Instant start = instant().plus(Duration.ofDays(daysAhead));
        return leaf(name).validity(start, start.plus(Duration.ofDays(365))).issue();
    }

    /** A leaf whose extended key usage is clientAuth only. */
    public Credential clientAuthOnlyLeaf(String name) {
        return leaf(name).extendedKeyUsage(KeyPurposeId.id_kp_clientAuth).issue();
    }

    /** A self-signed leaf with an RSA 1024 key (too weak). */
    public Credential rsa1024Leaf(String name) {
        return leaf(name).keyType(KeyType.RSA_1024).issue();
    }

    /** A fresh key pair. */
    public static KeyPair keyPair(KeyType type) {
        try {
            return switch (type) {
                case RSA_1024, RSA_2048, RSA_3072 -> {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(switch (type) {
                        case RSA_1024 -> 1024;
                        case RSA_3072 -> 3072;
                        default -> 2048;
                    }, RANDOM);
                    yield generator.generateKeyPair();
                }
                case EC_P256, EC_P384 -> {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec(type == KeyType.EC_P256 ? "secp256r1" : "secp384r1"),
                            RANDOM);
                    yield generator.generateKeyPair();
                }
                case ED25519 -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + type + " key pair", e);
        }
    }

    /** Builds one certificate; every setter returns this builder. */
    public final class CredentialBuilder {
        private final boolean ca;
        private X500Principal subject;
        private KeyType keyType = KeyType.EC_P256;
        private KeyPair keyPair;
        private List<String> dnsNames;
        private final List<String> ipAddresses = new ArrayList<>();
        private boolean subjectAltNames = true;
        private Instant notBefore;
        private Instant notAfter;
        private List<KeyPurposeId> extendedKeyUsage;
        private Credential issuer;
        private BigInteger serial;

        private CredentialBuilder(boolean ca, String commonName) {
            this.ca = ca;
            this.subject = new X500Principal("CN=" + commonName);
            this.dnsNames = ca ? List.of() : List.of(commonName);
            this.extendedKeyUsage = ca ? List.of() : List.of(KeyPurposeId.id_kp_serverAuth);
            this.notBefore = instant().minus(DEFAULT_BACKDATE);
            this.notAfter = instant().plus(ca ? DEFAULT_CA_VALIDITY : DEFAULT_LEAF_VALIDITY);
        }

        /** The whole subject, most specific first: "CN=shop.example.com, O=Example, C=DE". */
        public CredentialBuilder subject(String rfc2253) {
            this.subject = new X500Principal(rfc2253);
            return this;
        }

        public CredentialBuilder keyType(KeyType type) {
            this.keyType = type;
            this.keyPair = null;
            return this;
        }

        /** Use this key pair instead of a fresh one (e.g. a renewed certificate for the same key). */
        public CredentialBuilder keyPair(KeyPair pair) {
            this.keyPair = pair;
            return this;
        }

        /** DNS names of the subjectAltName extension (replacing the default of the common name). */
        public CredentialBuilder sans(String... names) {
            this.dnsNames = List.of(names);
            this.subjectAltNames = true;
            return this;
        }

        /** IP addresses to add to the subjectAltName extension. */
        public CredentialBuilder ipSans(String... addresses) {
            this.ipAddresses.addAll(List.of(addresses));
            this.subjectAltNames = true;
            return this;
        }

        /** No subjectAltName extension at all (legacy certificates that name the host in the CN only). */
        public CredentialBuilder noSubjectAltNames() {
            this.subjectAltNames = false;
            return this;
        }

        public CredentialBuilder validity(Instant from, Instant until) {
            this.notBefore = from.truncatedTo(ChronoUnit.SECONDS);
            this.notAfter = until.truncatedTo(ChronoUnit.SECONDS);
            return this;
        }

        /** notAfter = now + {@code remaining} (notBefore stays a day ago). */
        public CredentialBuilder expiresIn(Duration remaining) {
            this.notAfter = instant().plus(remaining);
            return this;
        }

        /** The extended key usages; none given = no extension. */
        public CredentialBuilder extendedKeyUsage(KeyPurposeId... purposes) {
            this.extendedKeyUsage = List.of(purposes);
            return this;
        }

        /** Signed by this CA instead of self-signed. */
        public CredentialBuilder issuedBy(Credential ca) {
            this.issuer = ca;
            return this;
        }

        public CredentialBuilder serial(BigInteger value) {
            this.serial = value;
            return this;
        }

        public Credential issue() {
            KeyPair pair = keyPair != null ? keyPair : TestPki.keyPair(keyType);
            try {
                X500Principal issuerName = issuer == null ? subject : issuer.certificate().getSubjectX500Principal();
                PrivateKey signingKey = issuer == null ? pair.getPrivate() : issuer.privateKey();
                PublicKey issuerPublicKey = issuer == null ? pair.getPublic() : issuer.publicKey();
                BigInteger serialNumber = serial != null ? serial : new BigInteger(64, RANDOM).add(BigInteger.ONE);
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                        X500Name.getInstance(issuerName.getEncoded()), serialNumber, Date.from(notBefore),
                        Date.from(notAfter), X500Name.getInstance(subject.getEncoded()), pair.getPublic());
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                        ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                        : pair.getPublic().getAlgorithm().equals("RSA")
                                ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                                : KeyUsage.digitalSignature));
                if (!extendedKeyUsage.isEmpty()) {
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(extendedKeyUsage.toArray(KeyPurposeId[]::new)));
                }
                if (subjectAltNames && (!dnsNames.isEmpty() || !ipAddresses.isEmpty())) {
                    List<GeneralName> names = new ArrayList<>();
                    dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
                    ipAddresses.forEach(n -> names.add(new GeneralName(GeneralName.iPAddress, n)));
                    builder.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)));
                }
                builder.addExtension(Extension.subjectKeyIdentifier, false,
                        utils.createSubjectKeyIdentifier(pair.getPublic()));
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        utils.createAuthorityKeyIdentifier(issuerPublicKey));
                X509Certificate certificate = new JcaX509CertificateConverter()
                        .getCertificate(builder.build(new JcaContentSignerBuilder(signatureAlgorithm(signingKey))
                                .build(signingKey)));
                return new Credential(certificate, pair);
            } catch (Exception e) {
                throw new IllegalStateException("cannot issue a test certificate for " + subject, e);
            }
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        if (key instanceof ECPrivateKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize() > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("no signature algorithm for " + key.getAlgorithm());
        };
    }

    // ------------------------------------------------------------------ encodings

    /** Certificates as standard PEM, in the order given. */
    public static String pem(X509Certificate... certificates) {
        return pem(List.of(certificates));
    }

    /** Certificates as standard PEM, in the order given. */
    public static String pem(List<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                out.append(pem("CERTIFICATE", certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }

    /** Unencrypted PKCS#8: "-----BEGIN PRIVATE KEY-----". */
    public static String pkcs8Pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** PKCS#8 encrypted with PBES2 (PBKDF2 + AES-256-CBC): "-----BEGIN ENCRYPTED PRIVATE KEY-----". */
    public static String encryptedPkcs8Pem(PrivateKey key, String passphrase) {
        return encryptedPkcs8(key, passphrase, new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC));
    }

    /** PKCS#8 encrypted with the legacy PKCS#12 PBE scheme pbeWithSHAAnd3-KeyTripleDES-CBC. */
    public static String legacyPbeEncryptedPkcs8Pem(PrivateKey key, String passphrase) {
        return encryptedPkcs8(key, passphrase,
                new JcePKCSPBEOutputEncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC));
    }

    /** PKCS#8 encrypted with PBES2 using scrypt (N=16384, r=8, p=1) + AES-256-CBC, as {@code openssl pkcs8 -scrypt}. */
    public static String scryptEncryptedPkcs8Pem(PrivateKey key, String passphrase) {
        return encryptedPkcs8(key, passphrase, new JcePKCSPBEOutputEncryptorBuilder(
                new ScryptConfig.Builder(16384, 8, 1).withSaltLength(16).build(), NISTObjectIdentifiers.id_aes256_CBC));
    }

    private static String encryptedPkcs8(PrivateKey key, String passphrase, JcePKCSPBEOutputEncryptorBuilder builder) {
        try {
            OutputEncryptor encryptor = builder.setProvider(BOUNCY_CASTLE).build(passphrase.toCharArray());
            PKCS8EncryptedPrivateKeyInfo encrypted = new PKCS8EncryptedPrivateKeyInfoBuilder(
                    PrivateKeyInfo.getInstance(key.getEncoded())).build(encryptor);
            return pem("ENCRYPTED PRIVATE KEY", encrypted.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException("cannot encrypt a test key", e);
        }
    }

    /** PKCS#1: "-----BEGIN RSA PRIVATE KEY-----". */
    public static String pkcs1Pem(KeyPair rsa) {
        requireAlgorithm(rsa, "RSA");
        return traditionalPem(rsa);
    }

    /** SEC1 with the curve and public key, as openssl writes it: "-----BEGIN EC PRIVATE KEY-----". */
    public static String sec1Pem(KeyPair ec) {
        requireAlgorithm(ec, "EC");
        return traditionalPem(ec);
    }

    /** PKCS#1 or SEC1 encrypted the legacy openssl way: Proc-Type: 4,ENCRYPTED + DEK-Info: AES-128-CBC. */
    public static String legacyEncryptedPem(KeyPair pair, String passphrase) {
        try {
            return write(new JcaMiscPEMGenerator(traditionalKeyInfo(pair), new JcePEMEncryptorBuilder("AES-128-CBC")
                    .setProvider(BOUNCY_CASTLE).setSecureRandom(RANDOM).build(passphrase.toCharArray())).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String traditionalPem(KeyPair pair) {
        try {
            return write(new JcaMiscPEMGenerator(traditionalKeyInfo(pair)).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The JDK's EC PKCS#8 leaves the curve and public key out of the inner SEC1 structure, which
     * BouncyCastle would then write as a SEC1 key no reader can use; openssl always includes both.
     */
    private static PrivateKeyInfo traditionalKeyInfo(KeyPair pair) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
        if (!(pair.getPrivate() instanceof ECPrivateKey ec)) {
            return info;
        }
        SubjectPublicKeyInfo publicInfo = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
        AlgorithmIdentifier algorithm = publicInfo.getAlgorithm();
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                ((ECPublicKey) pair.getPublic()).getParams().getOrder().bitLength(), ec.getS(),
                new DERBitString(publicInfo.getPublicKeyData().getBytes()), algorithm.getParameters());
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, algorithm.getParameters()),
                sec1);
    }

    private static void requireAlgorithm(KeyPair pair, String algorithm) {
        if (!pair.getPrivate().getAlgorithm().equals(algorithm)) {
            throw new IllegalArgumentException("expected a " + algorithm + " key, got " + pair.getPrivate().getAlgorithm());
        }
    }

    /** A PKCS#12 file (JDK keystore) with one key entry "server" and its chain, leaf first. */
    public static byte[] pkcs12(PrivateKey key, List<X509Certificate> chain, String password) {
        return pkcs12Store(password).key("server", key, chain).bytes();
    }

    /** Builds PKCS#12 files with any entries (several keys, certificates only, ...). */
    public static Pkcs12Builder pkcs12Store(String password) {
        return new Pkcs12Builder(password);
    }

    /** Entries of a PKCS#12 file, written by the JDK's PKCS12 keystore. */
    public static final class Pkcs12Builder {
        private record KeyEntry(PrivateKey key, List<X509Certificate> chain) {
        }

        private final String password;
        private final Map<String, Object> entries = new LinkedHashMap<>();

        private Pkcs12Builder(String password) {
            this.password = Objects.requireNonNull(password, "password");
        }

        /** A private key entry with its chain (leaf first). */
        public Pkcs12Builder key(String alias, PrivateKey key, List<X509Certificate> chain) {
            entries.put(alias, new KeyEntry(key, List.copyOf(chain)));
            return this;
        }

        /** A trusted certificate entry (no key). */
        public Pkcs12Builder certificate(String alias, X509Certificate certificate) {
            entries.put(alias, certificate);
            return this;
        }

        public byte[] bytes() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                for (Map.Entry<String, Object> entry : entries.entrySet()) {
                    if (entry.getValue() instanceof KeyEntry key) {
                        store.setKeyEntry(entry.getKey(), key.key(), password.toCharArray(),
                                key.chain().toArray(Certificate[]::new));
                    } else {
                        store.setCertificateEntry(entry.getKey(), (X509Certificate) entry.getValue());
                    }
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                store.store(out, password.toCharArray());
                return out.toByteArray();
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot write a test PKCS#12 file", e);
            }
        }
    }

    /** A PEM block with 64-character lines. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String write(PemObject object) throws IOException {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
