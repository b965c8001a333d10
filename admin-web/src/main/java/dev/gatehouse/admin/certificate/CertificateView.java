package dev.gatehouse.admin.certificate;

import dev.gatehouse.admin.certificate.bundle.CertificateDetails;
import java.time.Instant;
import java.util.List;

/**
 * A stored certificate as the dashboard and the API show it: metadata read from its chain and the
 * sites it serves. Never holds key material.
 *
 * @param usedBy the sites that have this certificate, with the hostnames it does not cover (normally
 *     none: assignments are checked, but a rollback or a replaced certificate may leave some)
 */
public record CertificateView(long id, String name, CertificateDetails details, List<SiteUse> usedBy,
                              Instant createdAt, Instant updatedAt) {

    public CertificateView {
        usedBy = List.copyOf(usedBy);
    }

    /** A site using the certificate: its id, how people name it, and its hostnames outside the SANs. */
    public record SiteUse(long siteId, String label, List<String> uncoveredHostnames) {

        public SiteUse {
            uncoveredHostnames = List.copyOf(uncoveredHostnames);
        }
    }
}
