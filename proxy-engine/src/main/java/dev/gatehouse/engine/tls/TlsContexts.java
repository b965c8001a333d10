package dev.gatehouse.engine.tls;

import dev.gatehouse.engine.config.CertificateDefinition;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import javax.net.ssl.SSLException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Builds the server {@link SslContext} of a certificate, the same way for every certificate so all
 * sites get one TLS policy:
 *
 * <ul>
 *   <li>TLS 1.3 and 1.2 only ({@link #PROTOCOLS}): 1.0 and 1.1 are broken and no longer in browsers;</li>
 *   <li>Mozilla's "intermediate" cipher suites ({@link #CIPHERS}): forward secret (ECDHE) AEAD only,
 *       no CBC and no RSA key exchange, which every client of the last decade supports;</li>
 *   <li>ALPN offering {@code h2} and {@code http/1.1}, or only {@code http/1.1} for sites with HTTP/2
 *       off; a client that offers none of them still gets HTTP/1.1 (ACCEPT), nothing is advertised
 *       without ALPN (NO_ADVERTISE);</li>
 *   <li>session resumption: a server-side cache of {@link #SESSION_CACHE_SIZE} sessions for
 *       {@link #SESSION_TIMEOUT_SECONDS} seconds, and session tickets (the provider's default keys,
 *       which live as long as the context; contexts are kept across applies for that reason).</li>
 * </ul>
 *
 * <p>Built on the admin thread when a snapshot is applied, never while serving.
 */
public final class TlsContexts {

    /** The protocol versions offered, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Mozilla intermediate (v5.7) without the DHE suites, in IANA names: TLS 1.3's three suites, then
     * ECDHE with AES-GCM or ChaCha20-Poly1305 for ECDSA and RSA certificates. Filtered to what the
     * provider supports.
     */
    public static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** Sessions kept for resumption per certificate (about 20 MB at most with OpenSSL's ~1 KiB sessions). */
    public static final long SESSION_CACHE_SIZE = 20_480;
    /** How long a session may be resumed, like nginx's {@code ssl_session_timeout} default (5 minutes). */
    public static final long SESSION_TIMEOUT_SECONDS = 300;

    private static final ApplicationProtocolConfig ALPN = alpn(ApplicationProtocolNames.HTTP_2,
            ApplicationProtocolNames.HTTP_1_1);
    /** For sites with HTTP/2 off: a client offering h2 and http/1.1 is answered http/1.1. */
    private static final ApplicationProtocolConfig ALPN_HTTP_1_1 = alpn(ApplicationProtocolNames.HTTP_1_1);

    private TlsContexts() {
    }

    private static ApplicationProtocolConfig alpn(String... protocols) {
        return new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                protocols);
    }

    /**
     * The server context of a definition, offering HTTP/2 and HTTP/1.1.
     *
     * @param provider {@link SslProvider#OPENSSL} (needs netty-tcnative) or {@link SslProvider#JDK};
     *     OPENSSL rather than OPENSSL_REFCNT so contexts and engines are freed by the garbage
     *     collector, with no release to forget when a context is replaced
     * @throws IllegalArgumentException when the definition does not parse or match, or the provider
     *     refuses it
     */
    public static SslContext build(CertificateDefinition definition, SslProvider provider) {
        return build(PemCertificates.parse(definition), provider);
    }

    /** As {@link #build(CertificateDefinition, SslProvider)}, from an already parsed definition. */
    public static SslContext build(PemCertificates.Parsed parsed, SslProvider provider) {
        return build(parsed, provider, true);
    }

    /**
     * As {@link #build(CertificateDefinition, SslProvider)}, from an already parsed definition.
     *
     * @param http2 false: ALPN offers only {@code http/1.1}
     */
    public static SslContext build(PemCertificates.Parsed parsed, SslProvider provider, boolean http2) {
        if (provider != SslProvider.OPENSSL && provider != SslProvider.JDK) {
            throw new IllegalArgumentException("TLS provider " + provider + " is not supported; use OPENSSL or JDK");
        }
        try {
            return SslContextBuilder.forServer(parsed.key(), parsed.chain().toArray(X509Certificate[]::new))
                    .sslProvider(provider)
                    .protocols(PROTOCOLS)
                    .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(http2 ? ALPN : ALPN_HTTP_1_1)
                    .sessionCacheSize(SESSION_CACHE_SIZE)
                    .sessionTimeout(SESSION_TIMEOUT_SECONDS)
                    .clientAuth(ClientAuth.NONE)
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("the TLS library (" + provider + ") refused the certificate "
                    + parsed.leaf().getSubjectX500Principal().getName() + ": " + e.getMessage(), e);
        }
    }
}
