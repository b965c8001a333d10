package dev.gatehouse.storage.certificate;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored certificate chain and its metadata. Deliberately without the private key: that is
 * read on its own with {@link CertificateRepository#privateKeyPem(long)}, only by the code that
 * builds TLS contexts, so no listing, API response or log line can carry it by accident.
 *
 * @param id                database identity
 * @param name              unique name (case-insensitively), as entered; {@link CertificateRepository#BUILTIN_NAME}
 *                          for the built-in certificate
 * @param builtin           true for the self-signed default certificate generated at first start
 * @param chainPem          PEM certificates, leaf first, as stored by the application
 * @param fingerprintSha256 SHA-256 fingerprint of the leaf, as computed by the application
 * @param createdAt         when it was first stored (UTC)
 * @param updatedAt         when its chain and key were last replaced (UTC); equals {@code createdAt} until then
 */
public record StoredCertificate(long id, String name, boolean builtin, String chainPem, String fingerprintSha256,
                                Instant createdAt, Instant updatedAt) {

    public StoredCertificate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(chainPem, "chainPem");
        Objects.requireNonNull(fingerprintSha256, "fingerprintSha256");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
