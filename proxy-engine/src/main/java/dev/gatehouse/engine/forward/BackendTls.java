package dev.gatehouse.engine.forward;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import dev.gatehouse.engine.config.ServerDefinition;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;

/**
 * Client TLS towards https backends. Two shared contexts cover every server — the name to send
 * (SNI) and to verify is given per connection — so contexts are built once, not per apply. TLS 1.2
 * and 1.3, OpenSSL when it loads. HTTP/1.1 backends get no ALPN (their leg speaks HTTP/1.1 whatever
 * the server offers); HTTP/2 backends offer only {@code h2}, so a server that cannot speak it is
 * found out at the handshake.
 */
final class BackendTls {

    private static volatile SslContext verifying;
    private static volatile SslContext trusting;
    private static volatile SslContext verifyingHttp2;
    private static volatile SslContext trustingHttp2;

    private BackendTls() {
    }

    /**
     * @param verify check the certificate chain against the JDK's trusted authorities and the host
     *     name; false trusts any certificate (still encrypted)
     */
    static SslContext context(boolean verify) {
        return context(verify, false);
    }

    /** @param http2 offer ALPN {@code h2} (and nothing else) */
    static SslContext context(boolean verify, boolean http2) {
        SslContext context = cached(verify, http2);
        if (context == null) {
            synchronized (BackendTls.class) {
                context = cached(verify, http2);
                if (context == null) {
                    context = build(verify, http2);
                    if (http2) {
                        if (verify) {
                            verifyingHttp2 = context;
                        } else {
                            trustingHttp2 = context;
                        }
                    } else if (verify) {
                        verifying = context;
                    } else {
                        trusting = context;
                    }
                }
            }
        }
        return context;
    }

    private static SslContext cached(boolean verify, boolean http2) {
        if (http2) {
            return verify ? verifyingHttp2 : trustingHttp2;
        }
        return verify ? verifying : trusting;
    }

    private static SslContext build(boolean verify, boolean http2) {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols("TLSv1.3", "TLSv1.2")
                .endpointIdentificationAlgorithm(verify ? "HTTPS" : null);
        if (!verify) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        if (http2) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2));
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("could not set up TLS towards backends: " + e.getMessage(), e);
        }
    }

    /**
     * The TLS handler for a connection to {@code server}: SNI and the name verified are its
     * {@link ServerDefinition#effectiveTlsServerName() TLS name}, else its host (no SNI for an IP).
     */
    static SslHandler newHandler(SslContext context, ServerDefinition server, ByteBufAllocator alloc) {
        String name = server.effectiveTlsServerName();
        return context.newHandler(alloc, name != null ? name : server.host(), server.port());
    }
}
