package dev.gatehouse.engine.forward;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;

/**
 * Client TLS towards https backends. Two shared contexts cover every server — the name to send
 * (SNI) and to verify is given per connection — so contexts are built once, not per apply. TLS 1.2
 * and 1.3, HTTP/1.1 only (no ALPN: the backend leg speaks HTTP/1.1), OpenSSL when it loads.
 */
final class BackendTls {

    private static volatile SslContext verifying;
    private static volatile SslContext trusting;

    private BackendTls() {
    }

    /**
     * @param verify check the certificate chain against the JDK's trusted authorities and the host
     *     name; false trusts any certificate (still encrypted)
     */
    static SslContext context(boolean verify) {
        SslContext context = verify ? verifying : trusting;
        if (context == null) {
            synchronized (BackendTls.class) {
                context = verify ? verifying : trusting;
                if (context == null) {
                    context = build(verify);
                    if (verify) {
                        verifying = context;
                    } else {
                        trusting = context;
                    }
                }
            }
        }
        return context;
    }

    private static SslContext build(boolean verify) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .endpointIdentificationAlgorithm(verify ? "HTTPS" : null);
        if (!verify) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("could not set up TLS towards backends: " + e.getMessage(), e);
        }
    }
}
