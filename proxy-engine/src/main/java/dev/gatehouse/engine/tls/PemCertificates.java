package dev.gatehouse.engine.tls;

import dev.gatehouse.engine.config.CertificateDefinition;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the PEM of a {@link CertificateDefinition} with the JDK alone ({@link CertificateFactory},
 * {@link KeyFactory}): a chain of X.509 certificates and an unencrypted PKCS#8 RSA or EC key, and
 * checks that the key belongs to the leaf. Every failure is an {@link IllegalArgumentException}
 * whose message says what is wrong in words an operator can act on; messages never contain key
 * material.
 *
 * <p>Other key formats (PKCS#1 {@code BEGIN RSA PRIVATE KEY}, SEC1 {@code BEGIN EC PRIVATE KEY},
 * encrypted keys, PKCS#12) are converted by the dashboard before they reach the engine; here they
 * are reported as such rather than as garbage.
 */
public final class PemCertificates {

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /** A parsed definition; {@link #toString()} leaves the key out. */
    public record Parsed(List<X509Certificate> chain, PrivateKey key) {
        public Parsed {
            chain = List.copyOf(chain);
        }

        public X509Certificate leaf() {
            return chain.get(0);
        }

        @Override
        public String toString() {
            return "Parsed[leaf=" + leaf().getSubjectX500Principal().getName() + ", chain=" + chain.size()
                    + " certificate(s), key=" + key.getAlgorithm() + "]";
        }
    }

    private PemCertificates() {
    }

    /**
     * Parses chain and key and checks they belong together.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static Parsed parse(CertificateDefinition definition) {
        List<X509Certificate> chain = parseChain(definition.certificateChainPem());
        PrivateKey key = parsePrivateKey(definition.privateKeyPem());
        checkKeyMatches(key, chain.get(0));
        return new Parsed(chain, key);
    }

    /**
     * The certificates of a PEM text, in the order given (leaf first).
     *
     * @throws IllegalArgumentException when the text is missing, holds no certificate, or one of
     *     them does not decode
     */
    public static List<X509Certificate> parseChain(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("the certificate chain is empty; paste the PEM text starting with "
                    + "-----BEGIN CERTIFICATE-----");
        }
        List<byte[]> blocks = blocks(pem, "CERTIFICATE", "certificate chain");
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("the certificate chain holds no -----BEGIN CERTIFICATE----- block");
        }
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this JVM has no X.509 support", e);
        }
        List<X509Certificate> chain = new ArrayList<>(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(blocks.get(i))));
            } catch (CertificateException | RuntimeException e) {
                throw new IllegalArgumentException("certificate " + (i + 1) + " of the chain is not a valid X.509 certificate: "
                        + e.getMessage());
            }
        }
        return chain;
    }

    /**
     * An unencrypted PKCS#8 RSA or EC private key.
     *
     * @throws IllegalArgumentException when the text is missing, in another format, or does not decode
     */
    public static PrivateKey parsePrivateKey(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("the private key is empty; paste the PEM text starting with "
                    + "-----BEGIN PRIVATE KEY-----");
        }
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new IllegalArgumentException("the private key is encrypted; the engine needs it decrypted (PKCS#8)");
        }
        if (pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new IllegalArgumentException("the private key is in PKCS#1/SEC1 form; the engine needs PKCS#8 "
                    + "(-----BEGIN PRIVATE KEY-----)");
        }
        List<byte[]> blocks = blocks(pem, "PRIVATE KEY", "private key");
        if (blocks.size() != 1) {
            throw new IllegalArgumentException(blocks.isEmpty()
                    ? "the private key holds no -----BEGIN PRIVATE KEY----- block"
                    : "the private key text holds " + blocks.size() + " keys; expected exactly one");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(blocks.get(0));
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new IllegalArgumentException("the private key is not a valid PKCS#8 RSA or EC key");
    }

    /**
     * Checks that {@code key} is the private half of the certificate's public key, by signing a random
     * challenge and verifying it with the certificate (works the same for RSA and EC keys).
     *
     * @throws IllegalArgumentException when it is not
     */
    public static void checkKeyMatches(PrivateKey key, X509Certificate leaf) {
        PublicKey publicKey = leaf.getPublicKey();
        String mismatch = "the private key does not match the certificate " + leaf.getSubjectX500Principal().getName();
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            throw new IllegalArgumentException(mismatch + " (a " + key.getAlgorithm() + " key for a "
                    + publicKey.getAlgorithm() + " certificate)");
        }
        String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        boolean verified;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            verified = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // e.g. an EC key on another curve than the certificate's: not a pair either.
            verified = false;
        }
        if (!verified) {
            throw new IllegalArgumentException(mismatch);
        }
    }

    /** The DER bytes of every {@code -----BEGIN <type>-----} block; other blocks and text around them are ignored. */
    private static List<byte[]> blocks(String pem, String type, String what) {
        List<byte[]> blocks = new ArrayList<>();
        String begin = BEGIN + type + DASHES;
        String end = END + type + DASHES;
        int from = 0;
        while (true) {
            int start = pem.indexOf(begin, from);
            if (start < 0) {
                return blocks;
            }
            int bodyStart = start + begin.length();
            int stop = pem.indexOf(end, bodyStart);
            if (stop < 0) {
                throw new IllegalArgumentException("the " + what + " has a " + begin + " line without its " + end + " line");
            }
            try {
                blocks.add(Base64.getMimeDecoder().decode(pem.substring(bodyStart, stop).getBytes(StandardCharsets.US_ASCII)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the " + what + " is not valid PEM: block " + (blocks.size() + 1)
                        + " is not base64");
            }
            from = stop + end.length();
        }
    }
}
