package dev.gatehouse.engine.config;

/**
 * A certificate sites can be served with: its chain and private key as PEM text, referenced by
 * {@link SiteDefinition#certificate()} through its {@link #name()}.
 *
 * <p>The engine checks that both parse and that the key belongs to the leaf certificate; it does
 * not check dates or which host names the certificate covers (the dashboard warns about those,
 * serving such a certificate anyway is the operator's choice). {@link #toString()} never shows the
 * key, so a definition can be logged.
 *
 * @param name unique among the snapshot's certificates; sites refer to it
 * @param certificateChainPem one or more {@code -----BEGIN CERTIFICATE-----} blocks, the leaf first,
 *     then its intermediates in order (the root may be left out)
 * @param privateKeyPem the leaf's private key, unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}),
 *     RSA or EC
 */
public record CertificateDefinition(String name, String certificateChainPem, String privateKeyPem) {

    private static final String BEGIN_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

    /** Name and number of certificates in the chain; never the key. */
    @Override
    public String toString() {
        return "CertificateDefinition[name=" + name + ", chain=" + countCertificates() + " certificate(s)]";
    }

    private int countCertificates() {
        if (certificateChainPem == null) {
            return 0;
        }
        int count = 0;
        for (int at = certificateChainPem.indexOf(BEGIN_CERTIFICATE); at >= 0;
             at = certificateChainPem.indexOf(BEGIN_CERTIFICATE, at + BEGIN_CERTIFICATE.length())) {
            count++;
        }
        return count;
    }
}
