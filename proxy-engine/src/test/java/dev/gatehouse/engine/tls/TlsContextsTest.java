package dev.gatehouse.engine.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLEngine;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TLS policy every server context gets, with either provider. */
class TlsContextsTest {

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void contextsOfferOnlyModernProtocolsAeadSuitesAndBothAlpnProtocols(SslProvider provider) {
        assertTrue(provider == SslProvider.JDK || OpenSsl.isAvailable(),
                "netty-tcnative-boringssl-static must load on this platform (linux-x86_64): " + OpenSsl.unavailabilityCause());
        for (TestCertificates.KeyType type : TestCertificates.KeyType.values()) {
            SslContext context = TlsContexts.build(TestCertificates.selfSigned(type, "a.test").definition("a"), provider);
            assertThat(context.isServer()).isTrue();
            assertThat(context.applicationProtocolNegotiator().protocols()).containsExactly("h2", "http/1.1");
            assertThat(context.sessionCacheSize()).isEqualTo(TlsContexts.SESSION_CACHE_SIZE);
            assertThat(context.sessionTimeout()).isEqualTo(TlsContexts.SESSION_TIMEOUT_SECONDS);
            assertThat(TlsContexts.CIPHERS).containsAll(context.cipherSuites());
            assertThat(context.cipherSuites()).contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256");
            SSLEngine engine = context.newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
            // Netty's OpenSSL engine always lists the SSLv2Hello pseudo-protocol (a hello format, never a
            // protocol: BoringSSL cannot speak SSLv2); the s_client tests prove what is negotiated.
            assertThat(List.of(engine.getEnabledProtocols())).filteredOn(p -> !p.equals("SSLv2Hello"))
                    .containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
            assertThat(List.of(engine.getEnabledCipherSuites())).allSatisfy(suite ->
                    assertThat(suite).doesNotContain("CBC").matches("TLS_(AES|CHACHA20|ECDHE_(RSA|ECDSA)_WITH).*(GCM|POLY1305).*"));
            io.netty.util.ReferenceCountUtil.release(engine);
        }
    }
}
