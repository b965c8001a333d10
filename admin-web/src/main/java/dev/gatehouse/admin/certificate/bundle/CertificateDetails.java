package dev.gatehouse.admin.certificate.bundle;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What the certificates page shows about a chain: no secrets, only public certificate data.
 *
 * @param subject the leaf's subject, most specific first, e.g. "CN=shop.example.com, O=Example"
 * @param subjectAlternativeNames the leaf's DNS names and IP addresses (as text), in certificate order
 * @param issuer the leaf's issuer, same format as {@code subject}
 * @param chain every certificate, leaf first
 * @param notBefore start of the leaf's validity
 * @param notAfter end of the leaf's validity (inclusive, as in X.509)
 * @param daysLeft whole days from now until {@code notAfter}, rounded down; negative once expired
 * @param status from the validity dates and {@link #EXPIRY_WARNING_DAYS}
 * @param keyType "RSA", "EC", "Ed25519", "Ed448", ...
 * @param keySize RSA modulus bits, EC field bits (256 for P-256), 256/448 for Ed25519/Ed448
 * @param fingerprintSha256 SHA-256 of the leaf, "AB:CD:..." upper-case hex like browsers show
 * @param serialNumber the leaf's serial as upper-case hex without separators, as {@code openssl x509 -serial}
 *     prints it
 * @param selfSigned the leaf names itself as issuer and its own key verifies its signature
 */
public record CertificateDetails(String subject, List<String> subjectAlternativeNames, String issuer,
        List<ChainEntry> chain, Instant notBefore, Instant notAfter, long daysLeft, Status status, String keyType,
        int keySize, String fingerprintSha256, String serialNumber, boolean selfSigned) {

    /** A certificate with at most this many days left is {@link Status#EXPIRING_SOON}. */
    public static final int EXPIRY_WARNING_DAYS = 30;

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    public CertificateDetails {
        subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
        chain = List.copyOf(chain);
    }

    /** Where the leaf stands today. */
    public enum Status {
        /** Valid for more than {@link #EXPIRY_WARNING_DAYS} days. */
        VALID,
        /** Valid, but expires within {@link #EXPIRY_WARNING_DAYS} days. */
        EXPIRING_SOON,
        /** Past its notAfter. */
        EXPIRED,
        /** Before its notBefore. */
        NOT_YET_VALID
    }

    /**
     * One certificate of the chain.
     *
     * @param subject as {@link CertificateDetails#subject()}
     * @param issuer as {@link CertificateDetails#issuer()}
     * @param notAfter end of its validity
     * @param fingerprintSha256 "AB:CD:..."
     */
    public record ChainEntry(String subject, String issuer, Instant notAfter, String fingerprintSha256) {
    }

    /**
     * @param chain leaf first; not empty
     * @param clock "now" for {@code daysLeft} and {@code status}
     */
    public static CertificateDetails of(List<X509Certificate> chain, Clock clock) {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(clock, "clock");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("CertificateDetails.of: the chain is empty");
        }
        X509Certificate leaf = chain.get(0);
        Instant now = clock.instant();
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        long daysLeft = Math.floorDiv(Duration.between(now, notAfter).getSeconds(), Duration.ofDays(1).getSeconds());
        List<ChainEntry> entries = chain.stream()
                .map(c -> new ChainEntry(X509Support.displayName(c.getSubjectX500Principal()),
                        X509Support.displayName(c.getIssuerX500Principal()), c.getNotAfter().toInstant(),
                        X509Support.fingerprintSha256(c)))
                .toList();
        return new CertificateDetails(
                X509Support.displayName(leaf.getSubjectX500Principal()),
                subjectAlternativeNames(leaf),
                X509Support.displayName(leaf.getIssuerX500Principal()),
                entries,
                notBefore,
                notAfter,
                daysLeft,
                status(now, notBefore, notAfter, daysLeft),
                X509Support.keyType(leaf.getPublicKey()),
                X509Support.keySize(leaf.getPublicKey()),
                X509Support.fingerprintSha256(leaf),
                X509Support.serialHex(leaf),
                X509Support.selfSigned(leaf));
    }

    private static Status status(Instant now, Instant notBefore, Instant notAfter, long daysLeft) {
        if (now.isBefore(notBefore)) {
            return Status.NOT_YET_VALID;
        }
        if (now.isAfter(notAfter)) {
            return Status.EXPIRED;
        }
        return daysLeft <= EXPIRY_WARNING_DAYS ? Status.EXPIRING_SOON : Status.VALID;
    }

    /** DNS names and IP addresses; other name types (email, URI, ...) do not matter for a web server. */
    public static List<String> subjectAlternativeNames(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        if (names == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (List<?> name : names) {
            if (name.size() >= 2 && name.get(0) instanceof Integer type && name.get(1) instanceof String value
                    && (type == SAN_DNS || type == SAN_IP)) {
                out.add(value);
            }
        }
        return out;
    }
}
