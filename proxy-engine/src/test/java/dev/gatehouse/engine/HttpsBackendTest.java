package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.balancing.ServerStatus;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.tls.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** https backends: TLS towards the server, SNI, certificate verification on and off. */
class HttpsBackendTest {

    private ProxyEngine engine;
    private TestClient client;
    private TlsOrigin origin;
    private long revision;

    /** An HTTPS origin on plain JDK sockets that records the SNI names it was sent. */
    private static final class TlsOrigin implements AutoCloseable {
        final SSLServerSocket server;
        final ConcurrentLinkedQueue<String> serverNames = new ConcurrentLinkedQueue<>();
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger handshakes = new AtomicInteger();

        TlsOrigin(TestCertificates.Issued certificate) throws Exception {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("origin", certificate.keyPair().getPrivate(), new char[0],
                    certificate.chain().toArray(Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "tls-origin");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    SSLSocket socket = (SSLSocket) server.accept();
                    Thread worker = new Thread(() -> serve(socket), "tls-origin-connection");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(SSLSocket socket) {
            try (socket) {
                socket.startHandshake();
                handshakes.incrementAndGet();
                for (SNIServerName name : ((ExtendedSSLSession) socket.getSession()).getRequestedServerNames()) {
                    serverNames.add(((SNIHostName) name).getAsciiName());
                }
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                while (RawOrigin.readRequest(in) != null) {
                    requests.incrementAndGet();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\nContent-Type: text/plain\r\n\r\nover tls!"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException ignored) {
                // handshake refused by the proxy, or the connection closed: what some tests want
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(2));
        client = new TestClient(engine.httpPort());
        origin = new TlsOrigin(TestCertificates.selfSigned("backend.internal"));
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        engine.close();
        origin.close();
    }

    private void apply(ServerDefinition... servers) {
        BackendDefinition backend = new BackendDefinition("app", List.of(servers)).withPassiveHealth(PassiveHealthDefinition.OFF);
        ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(backend), List.of(site("1", "app.test", "app"))));
        assertThat(result.outcome()).as(result.errors().toString()).isEqualTo(ApplyResult.Outcome.APPLIED);
    }

    @Test
    void withoutVerificationTheRequestGoesOverTlsAndSendsTheConfiguredName() {
        apply(new ServerDefinition("127.0.0.1", origin.port()).withTls(false, "backend.internal"));
        for (int i = 0; i < 3; i++) {
            TestClient.Response response = client.get("app.test", "/");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("over tls!");
        }
        assertThat(origin.requests.get()).isEqualTo(3);
        assertThat(origin.handshakes.get()).as("keep-alive: one handshake per pooled connection").isLessThanOrEqualTo(2);
        assertThat(origin.serverNames).containsOnly("backend.internal");
    }

    @Test
    void anIpAddressWithoutANameSendsNoSni() {
        apply(new ServerDefinition("127.0.0.1", origin.port()).withTls(false, null));
        assertThat(client.get("app.test", "/").status()).isEqualTo(200);
        assertThat(origin.serverNames).isEmpty();
    }

    @Test
    void anUntrustedCertificateIsRefusedWhenVerifying() {
        apply(new ServerDefinition("127.0.0.1", origin.port()).withTls(true, "backend.internal"));
        TestClient.Response response = client.get("app.test", "/");
        assertThat(response.status()).isEqualTo(502);
        assertThat(origin.requests.get()).as("nothing was sent to a server that could not prove itself").isZero();
    }

    @Test
    void aFailedHandshakeFailsOverToTheNextServerLikeARefusedConnect() {
        TestOrigin plain = TestOrigin.start("plain");
        try {
            apply(new ServerDefinition("127.0.0.1", origin.port()).withTls(true, "backend.internal"), plain.server());
            for (int i = 0; i < 4; i++) {
                TestClient.Response response = client.send(io.netty.handler.codec.http.HttpMethod.POST, "app.test", "/upload",
                        h -> { }, "abc");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("x-origin")).isEqualTo("plain");
            }
            assertThat(origin.requests.get()).isZero();
        } finally {
            plain.close();
        }
    }

    @Test
    void activeHealthChecksReachAnHttpsServerOverTls() {
        BackendDefinition backend = new BackendDefinition("app", List.of(
                new ServerDefinition("127.0.0.1", origin.port()).withTls(false, "backend.internal")))
                .withHealthCheck(HealthCheckDefinition.of("/health").withInterval(Duration.ofMillis(200), Duration.ofMillis(150)));
        ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(backend), List.of(site("1", "app.test", "app"))));
        assertThat(result.outcome()).as(result.errors().toString()).isEqualTo(ApplyResult.Outcome.APPLIED);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            ServerStatus status = engine.backendStatus().get("app").get(0);
            assertThat(status.lastCheck()).isNotNull();
            assertThat(status.lastCheck().status()).as(String.valueOf(status.lastCheck())).isEqualTo(200);
            assertThat(status.state()).isEqualTo("up");
        });
        assertThat(origin.serverNames).contains("backend.internal");
    }
}
