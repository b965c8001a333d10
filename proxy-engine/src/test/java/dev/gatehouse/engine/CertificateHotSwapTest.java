package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.tls.TestCertificates;
import dev.gatehouse.engine.tls.TestCertificates.Issued;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.gatehouse.engine.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replacing a certificate is an apply: new handshakes get the new certificate at once, requests on
 * connections handshaken before keep working, nothing fails. Contexts of unchanged certificates are
 * kept across applies, so TLS sessions still resume after an unrelated change.
 */
class CertificateHotSwapTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private TestOrigin origin;
    private TestOrigin other;
    private ProxyEngine engine;
    private int httpsPort;

    @BeforeEach
    void start() {
        origin = TestOrigin.start("a");
        other = TestOrigin.start("other");
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).httpsPort(0).eventLoopThreads(2)
                .defaultCertificate(TestCertificates.selfSigned("gatehouse.invalid").definition("default")));
        httpsPort = engine.httpsPort();
    }

    @AfterEach
    void stop() {
        engine.close();
        origin.close();
        other.close();
    }

    private static ConfigSnapshot snapshot(long revision, BackendDefinition backend, CertificateDefinition certificate) {
        SiteDefinition site = new SiteDefinition("1", List.of("a.test"), true, List.of(new RouteDefinition("/", backend.name())),
                "a", false, null);
        return new ConfigSnapshot(revision, List.of(backend), List.of(site), List.of(certificate));
    }

    @Test
    void replacingACertificateUnderLoadFailsNoRequestAndNewHandshakesGetTheNewOne() throws Exception {
        Issued first = TestCertificates.selfSigned("a.test");
        Issued second = TestCertificates.selfSigned(TestCertificates.KeyType.RSA, "a.test");
        BackendDefinition backend = backend("a", origin);
        assertThat(engine.apply(snapshot(1, backend, first.definition("a"))).outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);

        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<BigInteger> newConnectionSerials = new ConcurrentLinkedQueue<>();
        AtomicInteger keepAliveRequests = new AtomicInteger();
        AtomicReference<BigInteger> keepAliveSerial = new AtomicReference<>();

        Thread newConnections = new Thread(() -> {
            while (running.get()) {
                try {
                    TlsTestClient.Exchange exchange = TlsTestClient.get(httpsPort, "a.test", "a.test", "/fixed");
                    if (exchange.status() != 200 || !exchange.body().equals("0123456789")) {
                        failures.add("new connection: " + exchange.status() + " " + exchange.body());
                    }
                    newConnectionSerials.add(exchange.serial());
                } catch (Exception e) {
                    failures.add("new connection: " + e);
                }
            }
        }, "new-connections");
        Thread keepAlive = new Thread(() -> {
            try (SSLSocket socket = TlsTestClient.connect(httpsPort, "a.test")) {
                keepAliveSerial.set(TlsTestClient.serial(socket));
                while (running.get()) {
                    TlsTestClient.write(socket, "GET /fixed HTTP/1.1\r\nHost: a.test\r\n\r\n");
                    TlsTestClient.Exchange exchange = TlsTestClient.read(socket);
                    if (exchange.status() != 200 || !exchange.body().equals("0123456789") || exchange.header("connection") != null) {
                        failures.add("keep-alive: " + exchange.status() + " " + exchange.headers() + " " + exchange.body());
                    }
                    keepAliveRequests.incrementAndGet();
                }
                // Still the session of the first handshake: never renegotiated, never closed.
                keepAliveSerial.set(TlsTestClient.serial(socket));
            } catch (Exception e) {
                failures.add("keep-alive: " + e);
            }
        }, "keep-alive");
        newConnections.start();
        keepAlive.start();
        try {
            await().atMost(PATIENCE).until(() -> newConnectionSerials.size() >= 10 && keepAliveRequests.get() >= 10);
            assertThat(newConnectionSerials).containsOnly(first.serial());

            ApplyResult swapped = engine.apply(snapshot(2, backend, second.definition("a")));
            assertThat(swapped.outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
            int keepAliveAtSwap = keepAliveRequests.get();

            await().atMost(PATIENCE).until(() -> newConnectionSerials.stream().filter(second.serial()::equals).count() >= 20
                    && keepAliveRequests.get() >= keepAliveAtSwap + 20);
        } finally {
            running.set(false);
            newConnections.join(PATIENCE.toMillis());
            keepAlive.join(PATIENCE.toMillis());
        }
        assertThat(failures).isEmpty();
        assertThat(keepAliveSerial.get()).isEqualTo(first.serial());
        // Handshakes are sequential in one thread: once one got the new certificate, all later ones did.
        List<BigInteger> serials = List.copyOf(newConnectionSerials);
        int firstNew = serials.indexOf(second.serial());
        assertThat(serials.subList(firstNew, serials.size())).containsOnly(second.serial());
        assertThat(serials.subList(0, firstNew)).containsOnly(first.serial());
    }

    @Test
    void unchangedCertificatesKeepTheirContextAndSessionsAcrossApplies() {
        assertTrue(Tools.available(Tools.OPENSSL), "needs /usr/bin/openssl (apt-get install openssl; .ci/run installs it)");
        Issued certificate = TestCertificates.selfSigned("a.test");
        assertThat(engine.apply(snapshot(1, backend("a", origin), certificate.definition("a"))).outcome())
                .isEqualTo(ApplyResult.Outcome.APPLIED);
        SslContext before = engine.liveCertificates().context("a");
        Path session = tmp.resolve("session.pem");
        Tools.Result full = Tools.run(List.of(Tools.OPENSSL, "s_client", "-connect", "127.0.0.1:" + httpsPort,
                "-servername", "a.test", "-tls1_2", "-sess_out", session.toString()));
        assertThat(full.exitCode()).as(full.all()).isZero();
        assertThat(full.stdout()).contains("New, TLSv1.2");

        // An unrelated change: the site moves to another backend.
        assertThat(engine.apply(snapshot(2, backend("other", other), certificate.definition("a"))).outcome())
                .isEqualTo(ApplyResult.Outcome.APPLIED);
        assertThat(engine.liveCertificates().context("a")).isSameAs(before);
        Tools.Result resumed = Tools.run(List.of(Tools.OPENSSL, "s_client", "-connect", "127.0.0.1:" + httpsPort,
                "-servername", "a.test", "-tls1_2", "-sess_in", session.toString()));
        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.stdout()).contains("Reused, TLSv1.2");

        // A replaced certificate gets a new context.
        Issued replacement = TestCertificates.selfSigned("a.test");
        assertThat(engine.apply(snapshot(3, backend("other", other), replacement.definition("a"))).outcome())
                .isEqualTo(ApplyResult.Outcome.APPLIED);
        assertThat(engine.liveCertificates().context("a")).isNotSameAs(before);
    }
}
