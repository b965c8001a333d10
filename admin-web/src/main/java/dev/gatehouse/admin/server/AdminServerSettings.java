package dev.gatehouse.admin.server;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may reach the dashboard and REST API (the admin port, {@code GATEHOUSE_ADMIN_PORT}) and how it is
 * served, from {@code gatehouse.admin.*} properties or the environment. Invalid values stop the start
 * with a message naming the property and the bad entry.
 *
 * @param allowedNetworks IPv4/IPv6 addresses and CIDR blocks whose clients may connect, comma-separated
 *     ({@code GATEHOUSE_ADMIN_ALLOWED_NETWORKS=192.168.1.0/24,127.0.0.1,::1}); default empty = everyone.
 *     A connection from anywhere else gets a plain-text 403 before any session, sign-in or page; the
 *     address is the connection's own, never an X-Forwarded-For. See {@link AllowedNetworks} for the
 *     accepted forms.
 * @param tls the dashboard's own certificate ({@code gatehouse.admin.tls.*}); default none: plain HTTP
 */
@ConfigurationProperties("gatehouse.admin")
public record AdminServerSettings(
        @DefaultValue List<String> allowedNetworks,
        @DefaultValue Tls tls) {

    public AdminServerSettings {
        allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
        AllowedNetworks.parse(allowedNetworks);
        tls = tls == null ? Tls.NONE : tls;
    }

    /** The parsed {@link #allowedNetworks}. */
    public AllowedNetworks networks() {
        return AllowedNetworks.parse(allowedNetworks);
    }

    /**
     * The dashboard over HTTPS with a certificate of its own, separate from the sites' ones: PEM files
     * read at start (a missing, unreadable or mismatched file stops it, naming the file) and watched
     * afterwards, so a renewed certificate written over the old files is served without a restart. The
     * session cookie is then {@code Secure} and answers carry HSTS.
     *
     * @param certificate path of the certificate chain, server certificate first
     *     ({@code GATEHOUSE_ADMIN_TLS_CERTIFICATE}); default none: plain HTTP
     * @param privateKey path of the certificate's private key, unencrypted PKCS#8, PKCS#1 (RSA) or SEC1
     *     (EC) PEM, readable by the Gatehouse user only ({@code GATEHOUSE_ADMIN_TLS_PRIVATE_KEY}); default
     *     none. Both or neither.
     */
    public record Tls(String certificate, String privateKey) {

        /** No certificate: the dashboard speaks plain HTTP. */
        public static final Tls NONE = new Tls(null, null);

        public Tls {
            certificate = blankToNull(certificate);
            privateKey = blankToNull(privateKey);
        }

        /** Whether either file is given (both must be, see {@link AdminTls}). */
        public boolean configured() {
            return certificate != null || privateKey != null;
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
