package dev.gatehouse.engine;

import dev.gatehouse.engine.EngineSettings.TlsProvider;
import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HttpsListenerContract} with OpenSSL (BoringSSL from netty-tcnative, which the build ships
 * for linux-x86_64): the engine must fail to start rather than fall back, so passing proves OpenSSL.
 */
class HttpsListenerOpenSslTest extends HttpsListenerContract {

    @Override
    TlsProvider provider() {
        return TlsProvider.OPENSSL;
    }

    @Test
    void openSslIsReallyAvailable() {
        assertThat(OpenSsl.isAvailable()).as(String.valueOf(OpenSsl.unavailabilityCause())).isTrue();
        assertThat(OpenSsl.isAlpnSupported()).isTrue();
        assertThat(OpenSsl.isCipherSuiteAvailable("TLS_AES_128_GCM_SHA256")).isTrue();
    }
}
