package dev.gatehouse.admin.certificate.bundle;

import java.nio.charset.StandardCharsets;

/**
 * What the user gave us, untouched: either PEM text or a PKCS#12 bundle. Nothing is checked here;
 * {@link CertificateBundleReader#read} does that and names the field of every problem.
 *
 * @param certificatePem the PEM certificate chain; may also hold the private key (one pasted blob);
 *     {@code null} when absent
 * @param privateKeyPem the PEM private key; {@code null} or blank when it is inside
 *     {@code certificatePem} or a PKCS#12 file is used
 * @param keyPassphrase passphrase of an encrypted PEM key; {@code null} or empty when not encrypted
 * @param pkcs12 a .p12/.pfx file; {@code null} (or empty) when PEM is used
 * @param pkcs12Password the PKCS#12 password; {@code null} is read as the empty password
 */
public record CertificateInput(String certificatePem, String privateKeyPem, String keyPassphrase, byte[] pkcs12,
        String pkcs12Password) {

    public CertificateInput {
        // Copied so a caller cannot change what was validated afterwards.
        pkcs12 = pkcs12 == null ? null : pkcs12.clone();
    }

    /** PEM input: the chain (maybe with the key in it), the key, and the key's passphrase (all nullable). */
    public static CertificateInput pem(String chain, String key, String passphrase) {
        return new CertificateInput(chain, key, passphrase, null, null);
    }

    /** PKCS#12 input: the file's bytes and its password (nullable). */
    public static CertificateInput pkcs12(byte[] bundle, String password) {
        return new CertificateInput(null, null, null, bundle, password);
    }

    /** A copy of the PKCS#12 bytes, or {@code null}. */
    @Override
    public byte[] pkcs12() {
        return pkcs12 == null ? null : pkcs12.clone();
    }

    /** Sizes and presence only: the texts may contain a private key, and passwords are secret. */
    @Override
    public String toString() {
        return "CertificateInput[certificatePem=" + size(certificatePem)
                + ", privateKeyPem=" + size(privateKeyPem)
                + ", keyPassphrase=" + (keyPassphrase == null || keyPassphrase.isEmpty() ? "(none)" : "(redacted)")
                + ", pkcs12=" + (pkcs12 == null ? "(none)" : pkcs12.length + " bytes")
                + ", pkcs12Password=" + (pkcs12Password == null || pkcs12Password.isEmpty() ? "(none)" : "(redacted)")
                + "]";
    }

    private static String size(String text) {
        return text == null ? "(none)" : text.getBytes(StandardCharsets.UTF_8).length + " bytes";
    }
}
