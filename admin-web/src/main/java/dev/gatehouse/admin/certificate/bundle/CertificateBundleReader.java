package dev.gatehouse.admin.certificate.bundle;

import static dev.gatehouse.admin.certificate.bundle.CertificateInputException.CERTIFICATE;
import static dev.gatehouse.admin.certificate.bundle.CertificateInputException.KEY_PASSPHRASE;
import static dev.gatehouse.admin.certificate.bundle.CertificateInputException.PKCS12;
import static dev.gatehouse.admin.certificate.bundle.CertificateInputException.PKCS12_PASSWORD;
import static dev.gatehouse.admin.certificate.bundle.CertificateInputException.PRIVATE_KEY;

import dev.gatehouse.admin.certificate.bundle.CertificateInputException.Problem;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.misc.MiscObjectIdentifiers;
import org.bouncycastle.asn1.misc.ScryptParams;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBEParameter;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilderProvider;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;

/**
 * Reads what a user uploads (PEM text or a PKCS#12 file) into a checked {@link CertificateBundle}, or
 * says everything that is wrong with it in one {@link CertificateInputException}.
 *
 * <p>Accepted: certificates as PEM ("CERTIFICATE", also "X509 CERTIFICATE" and openssl's "TRUSTED
 * CERTIFICATE"), in any order and with any text around them; private keys as PKCS#8, encrypted PKCS#8
 * (PBES2 with PBKDF2 or scrypt, and the legacy PKCS#5/PKCS#12 PBE schemes), PKCS#1 RSA, SEC1 EC and
 * openssl's legacy encrypted PEM (Proc-Type/DEK-Info); the key may be in the key field or pasted into
 * the certificate text; or a PKCS#12 file with exactly one private key. A certificate that does not link
 * into the chain is rejected, naming the issuer the chain needs next: that is also how an upload of the
 * leaf and the root without the intermediate between them is reported.
 *
 * <p>Checked: the key belongs to the leaf; the chain links up (issuer name and signature), re-ordered
 * when given out of order, duplicates dropped; every certificate is valid now; the leaf may be used for
 * TLS servers (extended key usage) and an RSA leaf has at least 2048 bits. A chain that simply stops
 * (leaf only, or no root) is fine: nothing here can know whether clients already have the rest.
 *
 * <p>Thread-safe and stateless apart from the clock. Keys come out as JDK key objects, so everything
 * downstream (KeyFactory, JSSE, Netty) handles them without BouncyCastle registered as a provider; BC is
 * used through a private provider instance and never installed globally.
 */
public final class CertificateBundleReader {

    /** The most any single input field (PEM text, PKCS#12 bytes, password) may hold: 1 MiB. */
    public static final int MAX_INPUT_BYTES = 1024 * 1024;

    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Set<String> CERTIFICATE_LABELS = Set.of("CERTIFICATE", "X509 CERTIFICATE",
            "TRUSTED CERTIFICATE");
    private static final Set<String> PRIVATE_KEY_LABELS = Set.of("PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
            "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY");
    /** openssl writes these next to keys ("openssl ecparam -genkey"); they carry nothing we need. */
    private static final Set<String> IGNORED_LABELS = Set.of("EC PARAMETERS", "DH PARAMETERS", "DSA PARAMETERS",
            "X509 CRL");
    private static final Set<String> CSR_LABELS = Set.of("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST");
    private static final Set<String> PUBLIC_KEY_LABELS = Set.of("PUBLIC KEY", "RSA PUBLIC KEY");

    /**
     * More certificates than any real chain has (they have 2-5). Chain building verifies signatures
     * pairwise, so an upload of a whole CA bundle (hundreds of roots) must stop before that work.
     */
    static final int MAX_CERTIFICATES = 20;
    /** Key blocks read at most; decrypting one can take a second by design (PBKDF2). */
    static final int MAX_KEY_BLOCKS = 4;
    /**
     * Highest PBKDF2 / PBE iteration count accepted. openssl uses 2048, password managers up to
     * ~600,000; a crafted key with billions would hold a request thread for hours.
     */
    static final int MAX_KDF_ITERATIONS = 2_000_000;
    /** Highest scrypt N*r accepted: 2^20 means 128 MiB of memory (openssl's default is 16 MiB). */
    static final long MAX_SCRYPT_COST = 1L << 20;

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int MIN_RSA_BITS = 2048;
    private static final String EXPECTED_CERTIFICATE = "(expected -----BEGIN CERTIFICATE-----)";

    private final Clock clock;

    /**
     * @param clock "now" for the validity checks
     */
    public CertificateBundleReader(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reads and checks user input.
     *
     * @return the leaf-first chain and the leaf's key
     * @throws CertificateInputException naming every independent problem, each with its input field
     */
    public CertificateBundle read(CertificateInput input) {
        Objects.requireNonNull(input, "input");
        Problems problems = new Problems();
        checkSize(problems, CERTIFICATE, "the certificate text", textBytes(input.certificatePem()));
        checkSize(problems, PRIVATE_KEY, "the private key text", textBytes(input.privateKeyPem()));
        checkSize(problems, KEY_PASSPHRASE, "the passphrase", textBytes(input.keyPassphrase()));
        checkSize(problems, PKCS12, "the PKCS#12 file", input.pkcs12() == null ? 0 : input.pkcs12().length);
        checkSize(problems, PKCS12_PASSWORD, "the PKCS#12 password", textBytes(input.pkcs12Password()));
        problems.throwIfAny();

        boolean pem = !isBlank(input.certificatePem()) || !isBlank(input.privateKeyPem());
        boolean pkcs12 = input.pkcs12() != null && input.pkcs12().length > 0;
        if (pem && pkcs12) {
            throw new CertificateInputException(PKCS12,
                    "give either PEM text or a PKCS#12 file, not both");
        }
        if (!pem && !pkcs12) {
            throw new CertificateInputException(CERTIFICATE, "a certificate is required: paste the certificate "
                    + "chain and key as PEM (-----BEGIN CERTIFICATE-----) or upload a PKCS#12 (.p12/.pfx) file");
        }
        Material material = pkcs12
                ? readPkcs12(input.pkcs12(), input.pkcs12Password(), problems)
                : readPem(input.certificatePem(), input.privateKeyPem(), input.keyPassphrase(), problems);
        if (material.certificatesReadable() && !material.certificates().isEmpty()) {
            List<X509Certificate> chain = assemble(material.certificates(), material.key(), problems);
            if (problems.isEmpty() && material.key() != null) {
                return CertificateBundle.of(chain, material.key());
            }
        }
        problems.throwIfAny();
        // Only reachable when nothing was found and nothing said so, which readPem/readPkcs12 never allow.
        throw new IllegalStateException("certificate input neither read nor rejected: " + input);
    }

    /**
     * Reads a chain stored earlier (already checked, leaf first) without re-ordering or date checks.
     *
     * @throws CertificateInputException when the text is not a readable PEM chain
     */
    public List<X509Certificate> readChainOnly(String pem) {
        Problems problems = new Problems();
        checkSize(problems, CERTIFICATE, "the certificate text", textBytes(pem));
        problems.throwIfAny();
        List<X509Certificate> certificates = new ArrayList<>();
        int number = 0;
        for (PemBlocks.Block block : PemBlocks.find(pem)) {
            if (CERTIFICATE_LABELS.contains(block.label())) {
                number++;
                X509Certificate certificate = parseCertificate(block, number, problems);
                if (certificate != null) {
                    certificates.add(certificate);
                }
            }
        }
        if (number == 0) {
            problems.add(CERTIFICATE, noCertificateMessage(pem));
        }
        problems.throwIfAny();
        return List.copyOf(certificates);
    }

    // ---------------------------------------------------------------- PEM

    /** What the input yielded before the chain is assembled. */
    private record Material(List<X509Certificate> certificates, boolean certificatesReadable, PrivateKey key) {
    }

    private Material readPem(String certificateText, String keyText, String passphrase, Problems problems) {
        List<PemBlocks.Block> certificateBlocks = PemBlocks.find(certificateText);
        List<PemBlocks.Block> keyFieldBlocks = PemBlocks.find(keyText);
        long keyBlockCount = Stream.concat(certificateBlocks.stream(), keyFieldBlocks.stream())
                .filter(b -> PRIVATE_KEY_LABELS.contains(b.label())).count();
        long certificateBlockCount = Stream.concat(certificateBlocks.stream(), keyFieldBlocks.stream())
                .filter(b -> CERTIFICATE_LABELS.contains(b.label())).count();
        boolean tooManyKeys = keyBlockCount > MAX_KEY_BLOCKS;
        if (tooManyKeys) {
            problems.add(PRIVATE_KEY, "found " + keyBlockCount + " private keys; give only the key of the certificate");
        }
        if (certificateBlockCount > MAX_CERTIFICATES) {
            problems.add(CERTIFICATE, "found " + certificateBlockCount + " certificates, more than the "
                    + MAX_CERTIFICATES + " a chain can have; give the server certificate and its intermediates only");
            return new Material(List.of(), false, null);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        List<PrivateKey> keys = new ArrayList<>();
        int certificateNumber = 0;
        boolean certificatesReadable = true;
        int keyBlocks = 0;
        // A CSR or public key where a certificate or key belongs has its own message; "none found" would repeat it.
        boolean certificateExplained = false;
        boolean keyExplained = false;
        for (String field : List.of(CERTIFICATE, PRIVATE_KEY)) {
            for (PemBlocks.Block block : field.equals(CERTIFICATE) ? certificateBlocks : keyFieldBlocks) {
                String label = block.label();
                if (CERTIFICATE_LABELS.contains(label)) {
                    certificateNumber++;
                    X509Certificate certificate = parseCertificate(block, certificateNumber, problems);
                    if (certificate == null) {
                        certificatesReadable = false;
                    } else {
                        certificates.add(certificate);
                    }
                } else if (PRIVATE_KEY_LABELS.contains(label)) {
                    keyBlocks++;
                    if (tooManyKeys) {
                        continue;
                    }
                    PrivateKey key = parseKey(block, passphrase, problems);
                    if (key != null && keys.stream().noneMatch(k -> Arrays.equals(k.getEncoded(), key.getEncoded()))) {
                        keys.add(key);
                    }
                } else if (CSR_LABELS.contains(label)) {
                    certificateExplained |= field.equals(CERTIFICATE);
                    keyExplained |= field.equals(PRIVATE_KEY);
                    problems.add(field, "found a certificate signing request (CSR), which is neither a certificate "
                            + "nor a private key; paste the certificate the CA issued for it and its private key");
                } else if (PUBLIC_KEY_LABELS.contains(label)) {
                    keyExplained = true;
                    problems.add(PRIVATE_KEY, "found a public key where the private key is expected; paste the "
                            + "private key (-----BEGIN PRIVATE KEY-----)");
                } else if ("OPENSSH PRIVATE KEY".equals(label)) {
                    keyBlocks++;
                    problems.add(PRIVATE_KEY, "OpenSSH private keys are not supported; convert it to PKCS#8 with "
                            + "ssh-keygen -p -m PKCS8 -f <keyfile>");
                } else if ("PKCS7".equals(label) || "CMS".equals(label)) {
                    problems.add(field, "PKCS#7 (.p7b) files are not supported; convert to PEM certificates with "
                            + "openssl pkcs7 -print_certs -in <file.p7b>");
                } else if (!IGNORED_LABELS.contains(label)) {
                    problems.add(field, "unsupported PEM block '" + printable(label)
                            + "'; expected certificates (-----BEGIN CERTIFICATE-----) and one private key");
                }
            }
        }
        if (certificateNumber == 0 && !certificateExplained) {
            problems.add(CERTIFICATE, isBlank(certificateText)
                    ? "a certificate is required: paste the certificate chain as PEM " + EXPECTED_CERTIFICATE
                    : noCertificateMessage(certificateText));
        }
        if (keyBlocks == 0 && !keyExplained) {
            problems.add(PRIVATE_KEY, isBlank(keyText)
                    ? "a private key is required: paste the certificate's private key (-----BEGIN PRIVATE KEY-----) "
                            + "or upload a PKCS#12 file holding both"
                    : "no PEM private key found (expected -----BEGIN PRIVATE KEY-----)" + binaryHint(keyText));
        }
        if (keys.size() > 1) {
            problems.add(PRIVATE_KEY, "found " + keys.size() + " different private keys; give only the key of the "
                    + "certificate");
        }
        return new Material(certificates, certificatesReadable, keys.size() == 1 ? keys.get(0) : null);
    }

    private static String noCertificateMessage(String text) {
        return "no PEM certificate found " + EXPECTED_CERTIFICATE + binaryHint(text);
    }

    /** Says why text without PEM blocks is not what we expect, when we can tell. */
    private static String binaryHint(String text) {
        if (text == null || isBlank(text)) {
            return "";
        }
        boolean binary = text.chars().anyMatch(c -> (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0xFFFD);
        if (binary) {
            return "; this looks like binary (DER) data: convert it to PEM, e.g. openssl x509 -inform der -in cert.der"
                    + " -out cert.pem (openssl pkey -inform der for a key)";
        }
        String compact = text.replaceAll("\\s+", "");
        if (compact.length() >= 40 && compact.matches("[A-Za-z0-9+/=]+")) {
            return "; this looks like base64 without its -----BEGIN ...----- and -----END ...----- lines";
        }
        return "";
    }

    private static X509Certificate parseCertificate(PemBlocks.Block block, int number, Problems problems) {
        String what = "certificate #" + number + " in the chain";
        if (!block.complete()) {
            problems.add(CERTIFICATE, what + " cannot be read: its -----END " + printable(block.label())
                    + "----- line is missing");
            return null;
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(block.base64());
        } catch (IllegalArgumentException e) {
            problems.add(CERTIFICATE, what + " cannot be read: it is not valid base64");
            return null;
        }
        try {
            if (!"TRUSTED CERTIFICATE".equals(block.label())) {
                // Strict: rejects truncated data and trailing garbage the JDK parser would silently skip.
                org.bouncycastle.asn1.x509.Certificate.getInstance(ASN1Primitive.fromByteArray(der));
            }
            // The JDK's own certificate objects, so verification and TLS use the JDK code paths.
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (Exception e) {
            // Library messages are not for users (and name library classes); the position says enough.
            problems.add(CERTIFICATE, what + " cannot be read: it is not a valid X.509 certificate");
            return null;
        }
    }

    /** One key block to a JDK private key, or a problem (and null). */
    private static PrivateKey parseKey(PemBlocks.Block block, String passphrase, Problems problems) {
        if (!block.complete()) {
            problems.add(PRIVATE_KEY, "the private key cannot be read: its -----END " + printable(block.label())
                    + "----- line is missing");
            return null;
        }
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(block.canonicalText()))) {
            parsed = parser.readObject();
        } catch (Exception e) {
            problems.add(PRIVATE_KEY, "the private key (" + block.label() + ") cannot be read: its PEM data is corrupt");
            return null;
        }
        PrivateKeyInfo info;
        if (parsed instanceof PEMKeyPair pair) {
            info = pair.getPrivateKeyInfo();
        } else if (parsed instanceof PrivateKeyInfo plain) {
            info = plain;
        } else if (parsed instanceof PEMEncryptedKeyPair encrypted) {
            if (isEmpty(passphrase)) {
                problems.add(KEY_PASSPHRASE, "the private key is encrypted; enter its passphrase");
                return null;
            }
            try {
                info = encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BOUNCY_CASTLE)
                        .build(passphrase.toCharArray())).getPrivateKeyInfo();
            } catch (Exception e) {
                // A wrong passphrase shows up as bad padding or, rarely, as garbage that does not parse.
                problems.add(KEY_PASSPHRASE, "wrong passphrase for the private key");
                return null;
            }
        } else if (parsed instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
            if (isEmpty(passphrase)) {
                problems.add(KEY_PASSPHRASE, "the private key is encrypted; enter its passphrase");
                return null;
            }
            String tooCostly = tooCostly(encrypted.getEncryptionAlgorithm());
            if (tooCostly != null) {
                problems.add(PRIVATE_KEY, "the private key's encryption " + tooCostly
                        + "; re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc");
                return null;
            }
            try {
                // openssl's builder knows the old PKCS#5 v1 schemes but not scrypt; the PKCS one knows scrypt.
                InputDecryptorProvider decryptor = usesScrypt(encrypted.getEncryptionAlgorithm())
                        ? new JcePKCSPBEInputDecryptorProviderBuilder().setProvider(BOUNCY_CASTLE)
                                .build(passphrase.toCharArray())
                        : new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BOUNCY_CASTLE)
                                .build(passphrase.toCharArray());
                info = encrypted.decryptPrivateKeyInfo(decryptor);
            } catch (Exception e) {
                // A wrong passphrase fails the padding check or, rarely, yields garbage that does not parse;
                // these causes mean the scheme itself could not be set up.
                if (hasCause(e, OperatorCreationException.class) || hasCause(e, ClassCastException.class)
                        || hasCause(e, NoSuchAlgorithmException.class)) {
                    problems.add(PRIVATE_KEY, "the private key is encrypted with an unsupported algorithm; "
                            + "re-encrypt it with AES (openssl pkcs8 -topk8 -v2 aes-256-cbc)");
                } else {
                    problems.add(KEY_PASSPHRASE, "wrong passphrase for the private key");
                }
                return null;
            }
        } else {
            problems.add(PRIVATE_KEY, "the private key (" + block.label() + ") cannot be read: its PEM data is corrupt");
            return null;
        }
        return toJdkKey(info, problems);
    }

    private static boolean usesScrypt(AlgorithmIdentifier encryption) {
        try {
            return PKCSObjectIdentifiers.id_PBES2.equals(encryption.getAlgorithm())
                    && MiscObjectIdentifiers.id_scrypt.equals(PBES2Parameters.getInstance(encryption.getParameters())
                            .getKeyDerivationFunc().getAlgorithm());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Says why decrypting with these parameters would take unreasonable time or memory, or null.
     * Checked before decrypting: the cost is paid before the passphrase can be found wrong.
     */
    private static String tooCostly(AlgorithmIdentifier encryption) {
        try {
            ASN1ObjectIdentifier scheme = encryption.getAlgorithm();
            long iterations;
            if (PKCSObjectIdentifiers.id_PBES2.equals(scheme)) {
                KeyDerivationFunc kdf = PBES2Parameters.getInstance(encryption.getParameters()).getKeyDerivationFunc();
                if (MiscObjectIdentifiers.id_scrypt.equals(kdf.getAlgorithm())) {
                    ScryptParams scrypt = ScryptParams.getInstance(kdf.getParameters());
                    BigInteger cost = scrypt.getCostParameter().multiply(scrypt.getBlockSize());
                    return cost.compareTo(BigInteger.valueOf(MAX_SCRYPT_COST)) > 0
                            ? "needs more than 128 MiB of memory (scrypt N*r = " + cost + ")" : null;
                }
                iterations = PBKDF2Params.getInstance(kdf.getParameters()).getIterationCount().longValue();
            } else if (scheme.on(PKCSObjectIdentifiers.pkcs_12PbeIds)) {
                iterations = PKCS12PBEParams.getInstance(encryption.getParameters()).getIterations().longValue();
            } else {
                iterations = PBEParameter.getInstance(encryption.getParameters()).getIterationCount().longValue();
            }
            return iterations > MAX_KDF_ITERATIONS
                    ? "uses " + iterations + " iterations, more than the " + MAX_KDF_ITERATIONS + " accepted" : null;
        } catch (RuntimeException e) {
            // Parameters we cannot inspect: decryption reports them (unsupported or wrong passphrase).
            return null;
        }
    }

    private static PrivateKey toJdkKey(PrivateKeyInfo info, Problems problems) {
        try {
            // Default JCA providers: the JDK's own key classes, whatever the key came from.
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (Exception e) {
            problems.add(PRIVATE_KEY, "the private key cannot be read: its algorithm or curve is not supported "
                    + "(use RSA, or EC on P-256, P-384 or P-521)");
            return null;
        }
    }

    // ---------------------------------------------------------------- PKCS#12

    private Material readPkcs12(byte[] bytes, String password, Problems problems) {
        Material nothing = new Material(List.of(), false, null);
        if (startsWithPemText(bytes)) {
            problems.add(PKCS12, "not a PKCS#12 (.p12/.pfx) file: this is PEM text; paste it into the certificate "
                    + "and private key fields instead");
            return nothing;
        }
        PKCS12PfxPdu pfx;
        try {
            pfx = new PKCS12PfxPdu(bytes);
        } catch (Exception e) {
            problems.add(PKCS12, "not a PKCS#12 (.p12/.pfx) file");
            return nothing;
        }
        char[] secret = password == null ? new char[0] : password.toCharArray();
        KeyStore store = loadPkcs12(bytes, secret, pfx, problems);
        if (store == null) {
            return nothing;
        }
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.isEmpty()) {
                problems.add(PKCS12, "the PKCS#12 file contains no private key; export it again including the key "
                        + "(openssl pkcs12 -export -inkey <key> -in <chain>)");
                return nothing;
            }
            if (keyAliases.size() > 1) {
                problems.add(PKCS12, "the PKCS#12 file contains " + keyAliases.size()
                        + " private keys; export one with only this certificate's key");
                return nothing;
            }
            String alias = keyAliases.get(0);
            PrivateKey key;
            try {
                key = (PrivateKey) store.getKey(alias, secret);
            } catch (UnrecoverableKeyException e) {
                problems.add(PKCS12_PASSWORD, "wrong password for the private key inside the PKCS#12 file");
                return nothing;
            }
            Certificate[] chain = store.getCertificateChain(alias);
            if (chain == null || chain.length == 0) {
                problems.add(PKCS12, "the private key in the PKCS#12 file comes without its certificate");
                return nothing;
            }
            List<X509Certificate> certificates = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Certificate certificate : chain) {
                // Re-parsed so a BC-loaded store still yields the JDK's certificate objects.
                certificates.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(certificate.getEncoded())));
            }
            PrivateKey jdkKey = toJdkKey(PrivateKeyInfo.getInstance(key.getEncoded()), problems);
            return new Material(certificates, true, jdkKey);
        } catch (Exception e) {
            problems.add(PKCS12, "the PKCS#12 file cannot be read: it is damaged or uses an unsupported format");
            return nothing;
        }
    }

    /** The JDK's PKCS#12 first (it is what production runs on), BouncyCastle's for what the JDK cannot read. */
    private static KeyStore loadPkcs12(byte[] bytes, char[] secret, PKCS12PfxPdu pfx, Problems problems) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), secret);
            return store;
        } catch (Exception jdkFailure) {
            if (hasCause(jdkFailure, UnrecoverableKeyException.class) || macInvalid(pfx, secret)) {
                problems.add(PKCS12_PASSWORD, secret.length == 0
                        ? "the PKCS#12 file is password-protected; enter its password"
                        : "wrong password for the PKCS#12 file");
                return null;
            }
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12", BOUNCY_CASTLE);
            store.load(new ByteArrayInputStream(bytes), secret);
            return store;
        } catch (Exception e) {
            problems.add(PKCS12, "the PKCS#12 file cannot be read: it is damaged or uses an unsupported encryption");
            return null;
        }
    }

    private static boolean macInvalid(PKCS12PfxPdu pfx, char[] secret) {
        try {
            return pfx.hasMac() && !pfx.isMacValid(new JcePKCS12MacCalculatorBuilderProvider()
                    .setProvider(BOUNCY_CASTLE), secret);
        } catch (Exception e) {
            // Cannot tell (e.g. an unsupported MAC algorithm): let the next reader try.
            return false;
        }
    }

    private static boolean startsWithPemText(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.ISO_8859_1);
        return head.contains("-----BEGIN ");
    }

    // ---------------------------------------------------------------- chain

    /**
     * Finds the leaf, orders its issuers, and checks the chain; adds problems, returns the chain (leaf
     * first) as far as it links.
     */
    private List<X509Certificate> assemble(List<X509Certificate> input, PrivateKey key, Problems problems) {
        List<X509Certificate> pool = dedupe(input);
        X509Certificate leaf = null;
        if (key != null) {
            List<X509Certificate> matching = pool.stream().filter(c -> belongsTo(key, c.getPublicKey())).toList();
            leaf = matching.isEmpty() ? null : endEntity(matching, pool);
        }
        if (leaf == null) {
            leaf = endEntity(pool, pool);
            if (key != null) {
                problems.add(PRIVATE_KEY, "the private key does not belong to the certificate for "
                        + X509Support.describe(leaf));
            }
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        pool.remove(leaf);
        X509Certificate last = leaf;
        while (!X509Support.selfSigned(last)) {
            X509Certificate current = last;
            X509Certificate issuer = pool.stream().filter(c -> issues(c, current)).findFirst().orElse(null);
            if (issuer == null) {
                break;
            }
            chain.add(issuer);
            pool.remove(issuer);
            last = issuer;
        }
        for (X509Certificate stray : pool) {
            problems.add(CERTIFICATE, "certificate '" + X509Support.describe(stray) + "' does not belong to this chain ("
                    + whyNotLinked(stray, last) + ")");
        }
        checkDates(chain, problems);
        checkServerUsage(leaf, problems);
        return chain;
    }

    private static String whyNotLinked(X509Certificate stray, X509Certificate last) {
        String lastName = X509Support.describe(last);
        if (X509Support.selfSigned(last)) {
            return "the chain already ends at the self-signed root '" + lastName + "'";
        }
        String issuerName = X509Support.displayName(last.getIssuerX500Principal());
        if (stray.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
            return "it has the name of the issuer of '" + lastName + "', '" + issuerName
                    + "', but its key did not sign that certificate";
        }
        return "issuer of '" + lastName + "' is '" + issuerName + "'";
    }

    /** The first of {@code candidates} that issues no other certificate of {@code all}. */
    private static X509Certificate endEntity(List<X509Certificate> candidates, List<X509Certificate> all) {
        for (X509Certificate candidate : candidates) {
            if (all.stream().noneMatch(other -> other != candidate && issues(candidate, other))) {
                return candidate;
            }
        }
        return candidates.get(0);
    }

    /** Whether {@code issuer} issued {@code certificate}: name AND signature, names alone can be forged. */
    private static boolean issues(X509Certificate issuer, X509Certificate certificate) {
        return issuer.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                && X509Support.signedBy(certificate, issuer);
    }

    private static List<X509Certificate> dedupe(List<X509Certificate> certificates) {
        List<X509Certificate> out = new ArrayList<>();
        for (X509Certificate certificate : certificates) {
            if (out.stream().noneMatch(c -> c.equals(certificate))) {
                out.add(certificate);
            }
        }
        return out;
    }

    private void checkDates(List<X509Certificate> chain, Problems problems) {
        Instant now = clock.instant();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            String what = i == 0 ? "the certificate" : "the issuing certificate '" + X509Support.describe(certificate) + "'";
            Instant notAfter = certificate.getNotAfter().toInstant();
            Instant notBefore = certificate.getNotBefore().toInstant();
            if (now.isAfter(notAfter)) {
                problems.add(CERTIFICATE, what + " expired on " + X509Support.date(notAfter) + " ("
                        + days(Duration.between(notAfter, now)) + " ago)");
            } else if (now.isBefore(notBefore)) {
                problems.add(CERTIFICATE, what + " is not valid before " + X509Support.date(notBefore) + " (in "
                        + days(Duration.between(now, notBefore)) + ")");
            }
        }
    }

    private static String days(Duration duration) {
        long days = duration.toDays();
        if (days == 0) {
            return "less than a day";
        }
        return days == 1 ? "1 day" : days + " days";
    }

    private static void checkServerUsage(X509Certificate leaf, Problems problems) {
        List<String> extendedKeyUsage;
        try {
            extendedKeyUsage = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            problems.add(CERTIFICATE, "the certificate cannot be used: its extended key usage extension is corrupt");
            extendedKeyUsage = null;
        }
        if (extendedKeyUsage != null && !extendedKeyUsage.contains(SERVER_AUTH)
                && !extendedKeyUsage.contains(ANY_EXTENDED_KEY_USAGE)) {
            problems.add(CERTIFICATE, "the certificate is not valid for TLS servers (extended key usage lacks "
                    + "serverAuth)");
        }
        if (leaf.getPublicKey() instanceof RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            problems.add(CERTIFICATE, "RSA keys need at least " + MIN_RSA_BITS + " bits; this certificate's key has "
                    + rsa.getModulus().bitLength());
        }
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}. RSA compares the modulus (and public
     * exponent when the key has it); everything else signs random bytes and verifies them, which works
     * for any signature algorithm without curve arithmetic of our own.
     */
    public static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
        if (key instanceof RSAKey rsaKey || publicKey instanceof RSAKey) {
            if (!(key instanceof RSAKey privateRsa) || !(publicKey instanceof RSAPublicKey publicRsa)) {
                return false;
            }
            if (!privateRsa.getModulus().equals(publicRsa.getModulus())) {
                return false;
            }
            return !(key instanceof RSAPrivateCrtKey crt) || crt.getPublicExponent().equals(publicRsa.getPublicExponent());
        }
        String algorithm;
        if (key instanceof ECKey) {
            algorithm = "SHA256withECDSA";
        } else if (key instanceof EdECKey) {
            algorithm = "EdDSA";
        } else if (key instanceof DSAKey) {
            algorithm = "SHA256withDSA";
        } else {
            return false;
        }
        try {
            byte[] data = new byte[32];
            RANDOM.nextBytes(data);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(data);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (Exception e) {
            // Different algorithm or curve: the key cannot be this certificate's.
            return false;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void checkSize(Problems problems, String field, String what, long bytes) {
        if (bytes > MAX_INPUT_BYTES) {
            problems.add(field, what + " is larger than 1 MiB (" + MAX_INPUT_BYTES + " bytes); a certificate chain "
                    + "with its key is a few KiB");
        }
    }

    private static long textBytes(String text) {
        if (text == null) {
            return 0;
        }
        // Past 1 Mi characters it is too big whatever the encoding; no need to encode megabytes to know.
        return text.length() > MAX_INPUT_BYTES ? text.length() : text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    private static boolean isEmpty(String text) {
        return text == null || text.isEmpty();
    }

    /** A label from user input, cut short and without control characters, for a message. */
    private static String printable(String label) {
        String clean = label.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                return false;
            }
        }
        return false;
    }

    /** Problems in order found, exact repeats dropped (e.g. the same wrong passphrase for two blocks). */
    private static final class Problems {
        private final Set<Problem> problems = new LinkedHashSet<>();

        void add(String field, String message) {
            problems.add(new Problem(field, message));
        }

        boolean isEmpty() {
            return problems.isEmpty();
        }

        void throwIfAny() {
            if (!problems.isEmpty()) {
                throw new CertificateInputException(new ArrayList<>(problems));
            }
        }
    }
}
