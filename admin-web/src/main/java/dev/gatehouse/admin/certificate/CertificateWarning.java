package dev.gatehouse.admin.certificate;

/**
 * Something about a certificate the dashboard should point out before it bites: expiry or a site
 * hostname its SANs do not cover.
 *
 * @param certificateId the certificate concerned, for a link to it
 * @param message one sentence naming the certificate (and site), e.g. "Certificate 'shop' expires in
 *     12 days (2026-12-08)."
 */
public record CertificateWarning(Kind kind, long certificateId, String message) {

    public enum Kind {
        EXPIRED, EXPIRING_SOON, HOSTNAME_NOT_COVERED
    }
}
