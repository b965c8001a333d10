package dev.gatehouse.engine.tls;

import dev.gatehouse.engine.config.CertificateDefinition;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Certificates for tests, generated with BouncyCastle on the fly: self-signed leaves for given DNS
 * names, a CA → intermediate → leaf chain, expired certificates and keys that belong to nothing.
 * Everything comes back as PEM text ready for a {@link CertificateDefinition} (the key as unencrypted
 * PKCS#8), with the serial number to recognise the certificate a server presented.
 *
 * <p>Shipped in proxy-engine's test-jar so other modules' tests can use it.
 */
public final class TestCertificates {

    /** Key algorithm of a generated certificate. */
    public enum KeyType {
        /** RSA 2048, signed with SHA256withRSA. */
        RSA,
        /** EC P-256, signed with SHA256withECDSA. */
        EC
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A generated certificate with its key.
     *
     * @param chainPem the leaf's PEM, then its intermediates' (what a server is configured with)
     * @param keyPem the leaf's private key, PKCS#8 PEM
     * @param serial the leaf's serial number
     * @param chain the leaf, then its intermediates
     * @param keyPair the leaf's key pair
     * @param rootPem the PEM a client trusts to verify the chain: the CA's, or the leaf's own when self-signed
     */
    public record Issued(String chainPem, String keyPem, BigInteger serial, List<X509Certificate> chain, KeyPair keyPair,
                         String rootPem) {

        public X509Certificate leaf() {
            return chain.get(0);
        }

        /** The definition an engine snapshot carries. */
        public CertificateDefinition definition(String name) {
            return new CertificateDefinition(name, chainPem, keyPem);
        }

        /** Writes {@link #rootPem()} to a file in {@code dir}, for {@code curl --cacert}. */
        public Path writeTrustFile(Path dir, String fileName) {
            try {
                return Files.writeString(dir.resolve(fileName), rootPem, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return "Issued[" + leaf().getSubjectX500Principal().getName() + ", serial=" + serial.toString(16) + "]";
        }
    }

    private TestCertificates() {
    }

    /** A self-signed EC P-256 leaf valid from an hour ago for a year, for these DNS names (CN = the first). */
    public static Issued selfSigned(String... dnsNames) {
        return selfSigned(KeyType.EC, dnsNames);
    }

    /** A self-signed leaf of the given key type, valid from an hour ago for a year. */
    public static Issued selfSigned(KeyType type, String... dnsNames) {
        Instant now = Instant.now();
        return selfSigned(type, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)), dnsNames);
    }

    /** A self-signed EC leaf that expired yesterday (valid for the 30 days before). */
    public static Issued expired(String... dnsNames) {
        Instant now = Instant.now();
        return selfSigned(KeyType.EC, now.minus(Duration.ofDays(31)), now.minus(Duration.ofDays(1)), dnsNames);
    }

    /** A self-signed leaf valid between the two instants. */
    public static Issued selfSigned(KeyType type, Instant notBefore, Instant notAfter, String... dnsNames) {
        KeyPair keys = generateKeyPair(type);
        X500Name subject = new X500Name("CN=" + dnsNames[0]);
        X509Certificate leaf = sign(subject, keys, subject, keys.getPublic(), keys.getPrivate(), type, notBefore, notAfter,
                false, dnsNames);
        String pem = toPem(leaf);
        return new Issued(pem, toPkcs8Pem(keys.getPrivate()), leaf.getSerialNumber(), List.of(leaf), keys, pem);
    }

    /**
     * A root CA, an intermediate CA signed by it, and a leaf for the names signed by the intermediate:
     * {@code chainPem} is leaf + intermediate, {@code rootPem} the root.
     */
    public static Issued chain(KeyType type, String... dnsNames) {
        Instant now = Instant.now();
        Instant from = now.minus(Duration.ofHours(1));
        Instant to = now.plus(Duration.ofDays(365));
        KeyPair rootKeys = generateKeyPair(type);
        X500Name rootName = new X500Name("CN=Gatehouse Test Root " + RANDOM.nextInt(1_000_000));
        X509Certificate root = sign(rootName, rootKeys, rootName, rootKeys.getPublic(), rootKeys.getPrivate(), type, from, to,
                true);
        KeyPair intermediateKeys = generateKeyPair(type);
        X500Name intermediateName = new X500Name("CN=Gatehouse Test Intermediate " + RANDOM.nextInt(1_000_000));
        X509Certificate intermediate = sign(intermediateName, intermediateKeys, rootName, intermediateKeys.getPublic(),
                rootKeys.getPrivate(), type, from, to, true);
        KeyPair leafKeys = generateKeyPair(type);
        X509Certificate leaf = sign(new X500Name("CN=" + dnsNames[0]), leafKeys, intermediateName, leafKeys.getPublic(),
                intermediateKeys.getPrivate(), type, from, to, false, dnsNames);
        List<X509Certificate> chain = List.of(leaf, intermediate);
        return new Issued(toPem(leaf, intermediate), toPkcs8Pem(leafKeys.getPrivate()), leaf.getSerialNumber(), chain,
                leafKeys, toPem(root));
    }

    /** A PKCS#8 PEM key of the given type that belongs to no certificate. */
    public static String unrelatedKeyPem(KeyType type) {
        return toPkcs8Pem(generateKeyPair(type).getPrivate());
    }

    /** PEM of certificates, in order. */
    public static String toPem(X509Certificate... certificates) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                pem.append(pem("CERTIFICATE", certificate.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return pem.toString();
    }

    /** Unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
    public static String toPkcs8Pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** The traditional OpenSSL form: PKCS#1 {@code BEGIN RSA PRIVATE KEY} or SEC1 {@code BEGIN EC PRIVATE KEY}. */
    public static String toTraditionalPem(PrivateKey key) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static KeyPair generateKeyPair(KeyType type) {
        try {
            if (type == KeyType.RSA) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048, RANDOM);
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer,
                                        java.security.PublicKey subjectPublicKey, PrivateKey issuerKey, KeyType type,
                                        Instant notBefore, Instant notAfter, boolean ca, String... dnsNames) {
        try {
            BigInteger serial = new BigInteger(63, RANDOM).add(BigInteger.ONE);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore),
                    Date.from(notAfter), subject, subjectPublicKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                int usage = KeyUsage.digitalSignature | (type == KeyType.RSA ? KeyUsage.keyEncipherment : 0);
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                List<GeneralName> names = new ArrayList<>();
                for (String dnsName : dnsNames) {
                    names.add(new GeneralName(GeneralName.dNSName, dnsName));
                }
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            ContentSigner signer = new JcaContentSignerBuilder(type == KeyType.RSA ? "SHA256withRSA" : "SHA256withECDSA")
                    .build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("could not generate a test certificate", e);
        }
    }
}
