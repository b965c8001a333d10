package dev.gatehouse.engine;

import dev.gatehouse.engine.EngineSettings.TlsProvider;

/** {@link HttpsListenerContract} with the JDK's TLS. */
class HttpsListenerJdkTest extends HttpsListenerContract {

    @Override
    TlsProvider provider() {
        return TlsProvider.JDK;
    }
}
