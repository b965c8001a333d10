package dev.gatehouse.admin.certificate;

import dev.gatehouse.admin.StartupException;
import dev.gatehouse.admin.certificate.bundle.CertificateBundle;
import dev.gatehouse.admin.certificate.bundle.SelfSignedCertificates;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.storage.certificate.CertificateRepository;
import dev.gatehouse.storage.certificate.StoredCertificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate served when no site's certificate matches the TLS server name (no SNI, an IP
 * address, an unknown host): self-signed, generated once at first start and stored like any other
 * (key encrypted), so it stays the same across restarts. It names no site, so a scan of the
 * appliance's address learns nothing about the sites behind it.
 */
public final class DefaultCertificate {

    private static final Logger log = LoggerFactory.getLogger(DefaultCertificate.class);

    /** The name in the default certificate: reserved by RFC 2606, so it can never be a real site. */
    public static final String COMMON_NAME = "gatehouse.invalid";
    /** Long, because nobody renews a certificate that browsers never trust anyway. */
    static final Duration VALIDITY = Duration.ofDays(3650);
    /** How the engine and its logs name the default certificate. */
    static final String DEFINITION_NAME = "default";

    private DefaultCertificate() {
    }

    /** The stored default certificate, generating and storing it first when there is none. Blocking. */
    public static CertificateDefinition loadOrCreate(CertificateRepository certificates, Clock clock) {
        Optional<StoredCertificate> builtin = certificates.findBuiltin();
        StoredCertificate stored;
        if (builtin.isPresent()) {
            stored = builtin.get();
        } else {
            CertificateBundle generated = SelfSignedCertificates.generate(COMMON_NAME, VALIDITY, clock);
            stored = certificates.insertBuiltin(generated.chainPem(), generated.fingerprintSha256(),
                    generated.privateKeyPkcs8Pem());
            log.info("Generated the default TLS certificate for unknown server names (SHA-256 {})",
                    stored.fingerprintSha256());
        }
        try {
            return new CertificateDefinition(DEFINITION_NAME, stored.chainPem(), certificates.privateKeyPem(stored.id()));
        } catch (IllegalStateException wrongMasterKey) {
            // The first key read at start: a master key that cannot open it opens none of the others.
            throw new StartupException(wrongMasterKey.getMessage());
        }
    }
}
