package dev.gatehouse.admin.certificate.bundle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Small X.509 helpers shared by the classes of this package. */
final class X509Support {

    private static final HexFormat HEX_COLONS = HexFormat.ofDelimiter(":").withUpperCase();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
    private static final Base64.Encoder PEM_BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private X509Support() {
    }

    /** SHA-256 of the DER encoding, "AB:CD:..." like browsers show it. */
    static String fingerprintSha256(X509Certificate certificate) {
        try {
            return HEX_COLONS.formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            // SHA-256 is mandatory in every JDK and a parsed certificate always re-encodes.
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /**
     * RFC 2253 order (most specific first: "CN=shop.example.com, O=Example, C=DE") with ", " between
     * RDNs so people can read it; values escaped as RFC 4514 requires.
     */
    static String displayName(X500Principal principal) {
        RDN[] rdns = X500Name.getInstance(principal.getEncoded()).getRDNs();
        List<String> parts = new ArrayList<>(rdns.length);
        for (int i = rdns.length - 1; i >= 0; i--) {
            StringBuilder rdn = new StringBuilder();
            for (AttributeTypeAndValue atv : rdns[i].getTypesAndValues()) {
                if (!rdn.isEmpty()) {
                    rdn.append('+');
                }
                rdn.append(attributeName(atv.getType())).append('=').append(IETFUtils.valueToString(atv.getValue()));
            }
            parts.add(rdn.toString());
        }
        return String.join(", ", parts);
    }

    private static String attributeName(ASN1ObjectIdentifier oid) {
        String name = BCStyle.INSTANCE.oidToDisplayName(oid);
        return name == null ? oid.getId() : name.toUpperCase(Locale.ROOT);
    }

    /** The subject for messages: its display name, or the serial when the subject is empty. */
    static String describe(X509Certificate certificate) {
        String subject = displayName(certificate.getSubjectX500Principal());
        return subject.isEmpty() ? "serial " + serialHex(certificate) : subject;
    }

    /** Upper-case hex of the serial, even number of digits (how openssl prints it). */
    static String serialHex(X509Certificate certificate) {
        String hex = certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        return hex.length() % 2 == 1 ? "0" + hex : hex;
    }

    /** Standard PEM: 64-character base64 lines, '\n' line ends, trailing newline. */
    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + PEM_BASE64.encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    static String pem(List<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                out.append(pem("CERTIFICATE", certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot re-encode a parsed certificate", e);
            }
        }
        return out.toString();
    }

    static String date(Instant instant) {
        return DATE.format(instant);
    }

    /** Names the subject also as issuer and carries a signature its own key verifies. */
    static boolean selfSigned(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                && signedBy(certificate, certificate);
    }

    /** Whether {@code issuer}'s key verifies {@code certificate}'s signature. */
    static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (Exception e) {
            // Any failure (wrong key, unsupported algorithm, malformed signature) means "not signed by".
            return false;
        }
    }

    /** "RSA", "EC", "Ed25519", "Ed448", "DSA", or the JCA algorithm name for anything else. */
    static String keyType(PublicKey key) {
        if (key instanceof EdECKey edec) {
            return edec.getParams().getName();
        }
        if (key instanceof RSAKey) {
            // RSASSA-PSS keys keep their name: they cannot be used for RSA key exchange or PKCS#1 v1.5.
            return "RSASSA-PSS".equalsIgnoreCase(key.getAlgorithm()) ? "RSASSA-PSS" : "RSA";
        }
        if (key instanceof ECKey) {
            return "EC";
        }
        return key.getAlgorithm();
    }

    /** Modulus bits for RSA, field size for EC (256 for P-256), 256/448 for Ed25519/Ed448; 0 when unknown. */
    static int keySize(PublicKey key) {
        if (key instanceof RSAKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        if (key instanceof EdECKey edec) {
            return "Ed448".equalsIgnoreCase(edec.getParams().getName()) ? 448 : 256;
        }
        if (key instanceof DSAKey dsa && dsa.getParams() != null) {
            return dsa.getParams().getP().bitLength();
        }
        return 0;
    }
}
