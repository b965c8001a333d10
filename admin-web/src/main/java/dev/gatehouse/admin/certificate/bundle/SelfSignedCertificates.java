package dev.gatehouse.admin.certificate.bundle;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates self-signed server certificates, e.g. the appliance's default certificate served for
 * unknown SNI names (common name "gatehouse.invalid": the {@code .invalid} TLD can never be a real
 * site, so no browser will ever accept it for one by accident).
 */
public final class SelfSignedCertificates {

    /**
     * The notBefore is this far before "now", so a client whose clock is a little behind does not
     * reject a certificate generated a moment ago as not yet valid.
     */
    static final Duration BACKDATE = Duration.ofHours(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private SelfSignedCertificates() {
    }

    /**
     * An EC P-256 key and a self-signed certificate for it: subject CN and the one SAN dNSName are
     * {@code commonName}; random positive 128-bit serial; basicConstraints CA=false; keyUsage
     * digitalSignature; extKeyUsage serverAuth; valid from one hour before now for {@code validity}.
     *
     * @param commonName a DNS name (ASCII, no spaces), e.g. "gatehouse.invalid"
     * @param validity how long from now the certificate is valid; positive
     * @param clock "now"
     */
    public static CertificateBundle generate(String commonName, Duration validity, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        if (commonName == null || commonName.isBlank() || !commonName.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("SelfSignedCertificates.generate: commonName '" + commonName
                    + "' must be a DNS name in ASCII without spaces, e.g. gatehouse.invalid");
        }
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("SelfSignedCertificates.generate: validity must be positive, was "
                    + validity);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair keyPair = generator.generateKeyPair();

            // X.509 carries whole seconds; truncating keeps the certificate equal to what was asked.
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(validity)), name, keyPair.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, commonName)))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return CertificateBundle.of(List.of(certificate), keyPair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            // P-256 and SHA256withECDSA are in every JDK; failing here means a broken runtime.
            throw new IllegalStateException("cannot generate a self-signed certificate for " + commonName, e);
        }
    }

    /** Random, positive, non-zero, at most 128 bits (RFC 5280 allows up to 20 octets). */
    private static BigInteger serial() {
        BigInteger serial;
        do {
            serial = new BigInteger(128, RANDOM);
        } while (serial.signum() == 0);
        return serial;
    }
}
