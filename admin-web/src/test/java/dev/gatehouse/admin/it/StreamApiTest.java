package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.StreamDefinition;
import dev.gatehouse.engine.config.StreamDefinition.ProxyProtocol;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * TCP streams through {@code /api/v1/streams} of the real application (H2 file database, the real
 * engine): a stream created by the API forwards a real TCP connection through the appliance's port to
 * an echo server, is switched off and on and deleted live, is part of the stored revision; bad input,
 * ports the appliance or another program hold and an https backend are a 400 naming the field that
 * stores nothing; a taken port and a backend in use are 409.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.bind-address=127.0.0.1",
    "gatehouse.admin-email=" + StreamApiTest.EMAIL,
    "gatehouse.admin-password=" + StreamApiTest.PASSWORD
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class StreamApiTest {

    static final String EMAIL = "stream-admin@example.test";
    static final String PASSWORD = "streams-test-passphrase-8";
    private static final String STREAMS = "/api/v1/streams";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("gatehouse.data-dir", () -> dataDir.toString());
    }

    @LocalServerPort
    int adminPort;
    @Autowired
    ProxyEngine engine;
    @Autowired
    ConfigRevisionRepository revisions;

    private static EchoServer echo;
    private static final AtomicInteger unique = new AtomicInteger();
    private AdminApi api;

    @BeforeAll
    static void startEcho() throws IOException {
        echo = new EchoServer();
    }

    @AfterAll
    static void stopEcho() throws IOException {
        echo.close();
    }

    @BeforeEach
    void connect() {
        api = new AdminApi(adminPort, EMAIL, PASSWORD);
    }

    private String newBackend() {
        String name = "echo-" + unique.incrementAndGet();
        api.createBackend(name, "127.0.0.1:" + echo.port());
        return name;
    }

    /**
     * A port nothing listens on, below the kernel's ephemeral range: a connection to it can never be a
     * TCP self-connect, which would make "nothing listens here" look like an accepted connection.
     */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                return port;
            } catch (IOException taken) {
                // someone else's: try another
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    private static String echoThrough(int port, String text) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private ConfigSnapshot latestRevision() {
        var latest = revisions.latest().orElseThrow();
        return SnapshotJson.read(latest.number(), latest.snapshotJson());
    }

    @Test
    void aStreamCreatedByTheApiForwardsTcpThroughTheAppliance() throws IOException {
        String backend = newBackend();
        int port = freePort();
        long revisionBefore = api.revision();

        Map<String, Object> created = api.create(STREAMS, "{\"listenPort\":" + port + ",\"backend\":\"" + backend + "\"}");

        long id = AdminApi.id(created);
        assertThat(created).containsEntry("listenPort", port).containsEntry("backend", backend)
                .containsEntry("enabled", true).containsEntry("proxyProtocol", "none").containsEntry("idleTimeoutMs", 600000)
                .containsEntry("bindHost", null).containsEntry("connectTimeoutMs", null);
        assertThat(api.revision()).isEqualTo(revisionBefore + 1);
        assertThat(latestRevision().streams()).containsExactly(new StreamDefinition(String.valueOf(id), port, backend));
        String text = "hello through the stream\n".repeat(2000);
        assertThat(echoThrough(port, text)).isEqualTo(text);
        assertThat(api.list(STREAMS + "/status")).anySatisfy(status -> {
            assertThat(status).containsEntry("id", (int) id).containsEntry("listenPort", port)
                    .containsEntry("bindHost", "127.0.0.1").containsEntry("listening", true).containsEntry("problem", null);
            assertThat(((Number) status.get("acceptedConnections")).longValue()).isEqualTo(1);
        });

        api.post(STREAMS + "/" + id + "/disable", "").expectStatus().isOk().expectBody()
                .jsonPath("$.enabled").isEqualTo(false);
        assertThatThrownBy(() -> echoThrough(port, "off")).as("disabled: nothing listens").isInstanceOf(IOException.class);
        api.post(STREAMS + "/" + id + "/enable", "").expectStatus().isOk();
        assertThat(echoThrough(port, "on again")).isEqualTo("on again");

        api.put(STREAMS + "/" + id, "{\"listenPort\":" + port + ",\"backend\":\"" + backend
                        + "\",\"proxyProtocol\":\"V1\",\"idleTimeoutMs\":60000,\"connectTimeoutMs\":2000}")
                .expectStatus().isOk().expectBody()
                .jsonPath("$.proxyProtocol").isEqualTo("v1")
                .jsonPath("$.idleTimeoutMs").isEqualTo(60000)
                .jsonPath("$.connectTimeoutMs").isEqualTo(2000)
                .jsonPath("$.enabled").isEqualTo(true);
        assertThat(latestRevision().streams()).singleElement().satisfies(stream -> {
            assertThat(stream.proxyProtocol()).isEqualTo(ProxyProtocol.V1);
            assertThat(stream.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
        });
        assertThat(echoThrough(port, "ping")).as("the echo server reads the PROXY header as data")
                .startsWith("PROXY TCP4 127.0.0.1 127.0.0.1 ").endsWith(" " + port + "\r\nping");

        api.delete(STREAMS + "/" + id).expectStatus().isNoContent();
        api.get(STREAMS + "/" + id).expectStatus().isNotFound();
        assertThatThrownBy(() -> echoThrough(port, "gone")).isInstanceOf(IOException.class);
        assertThat(latestRevision().streams()).isEmpty();
    }

    @Test
    void badInputIsRejectedNamingTheFieldAndNothingIsStored() throws IOException {
        String backend = newBackend();
        int port = freePort();
        String valid = "\"backend\":\"" + backend + "\"";

        api.expectRejected(STREAMS, "{" + valid + "}", "listenPort", "listenPort is required");
        api.expectRejected(STREAMS, "{\"listenPort\":0," + valid + "}", "listenPort", "listenPort 0 is out of range");
        api.expectRejected(STREAMS, "{\"listenPort\":" + adminPort + "," + valid + "}", "listenPort",
                "listenPort " + adminPort + " is the dashboard's port");
        api.expectRejected(STREAMS, "{\"listenPort\":" + engine.httpPort() + "," + valid + "}", "listenPort",
                "is the proxy's HTTP port");
        api.expectRejected(STREAMS, "{\"listenPort\":" + port + ",\"backend\":\"nope\"}", "backend",
                "no backend named 'nope'");
        api.expectRejected(STREAMS, "{\"listenPort\":" + port + "}", "backend", "backend is required");
        api.expectRejected(STREAMS, "{\"listenPort\":" + port + "," + valid + ",\"bindHost\":\"db.example.test\"}",
                "bindHost", "bindHost 'db.example.test' is not an IPv4 or IPv6 address");
        api.expectRejected(STREAMS, "{\"listenPort\":" + port + "," + valid + ",\"bindHost\":\"192.0.2.55\"}",
                "bindHost", "192.0.2.55 is not an address of this machine");
        api.expectRejected(STREAMS, "{\"listenPort\":" + port + "," + valid + ",\"proxyProtocol\":\"v3\"}",
                "proxyProtocol", "proxyProtocol 'v3' is not one of none, v1, v2");
        api.expectRejected(STREAMS, "{\"listenPort\":" + port + "," + valid + ",\"idleTimeoutMs\":10}",
                "idleTimeoutMs", "idleTimeoutMs must be between 1 s and 7 days, was 10 ms");
        api.expectRejected(STREAMS, "{\"listenPort\":" + port + "," + valid + ",\"connectTimeoutMs\":600000}",
                "connectTimeoutMs", "connectTimeoutMs must be between 100 ms and 5 min, was 10 min");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            api.expectRejected(STREAMS, "{\"listenPort\":" + taken.getLocalPort() + "," + valid + "}", "listenPort",
                    "port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void anHttpsBackendCannotCarryAStream() throws IOException {
        api.create("/api/v1/backends", "{\"name\":\"tls-only\",\"servers\":[\"https://127.0.0.1:9443\"]}");

        api.expectRejected(STREAMS, "{\"listenPort\":" + freePort() + ",\"backend\":\"tls-only\"}", "backend",
                "backend 'tls-only' reaches server 127.0.0.1:9443 over https");
    }

    @Test
    void aTakenPortAndABackendInUseAreConflicts() throws IOException {
        String backend = newBackend();
        int port = freePort();
        long id = AdminApi.id(api.create(STREAMS, "{\"listenPort\":" + port + ",\"backend\":\"" + backend
                + "\",\"enabled\":false}"));

        api.post(STREAMS, "{\"listenPort\":" + port + ",\"backend\":\"" + backend + "\"}")
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody()
                .jsonPath("$.field").isEqualTo("listenPort")
                .jsonPath("$.detail").isEqualTo("listenPort " + port + " is already used by stream " + id + " (disabled)");

        long backendId = ((Number) api.list("/api/v1/backends").stream().filter(b -> backend.equals(b.get("name")))
                .findFirst().orElseThrow().get("id")).longValue();
        api.delete("/api/v1/backends/" + backendId)
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody()
                .jsonPath("$.field").isEqualTo("name")
                .jsonPath("$.detail").isEqualTo("backend '" + backend + "' is used by the stream(s) on port(s) " + port
                        + "; point them at another backend or delete them first");

        api.delete(STREAMS + "/" + id).expectStatus().isNoContent();
        api.delete("/api/v1/backends/" + backendId).expectStatus().isNoContent();
    }

    @Test
    void unknownStreamsAre404AndTheApiNeedsCredentials() {
        api.get(STREAMS + "/999999").expectStatus().isNotFound().expectBody()
                .jsonPath("$.detail").isEqualTo("there is no stream with id 999999");
        api.post(STREAMS + "/999999/enable", "").expectStatus().isNotFound();
        new AdminApi(adminPort, EMAIL, "wrong-password").expectUnauthorized(STREAMS);
    }

    /** Echoes every byte back on its own thread per connection; closes once the client has sent everything. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));

        EchoServer() throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread worker = new Thread(() -> {
                            try (socket; InputStream in = socket.getInputStream()) {
                                in.transferTo(socket.getOutputStream());
                            } catch (IOException ignored) {
                                // the client went away
                            }
                        }, "stream-echo");
                        worker.setDaemon(true);
                        worker.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "stream-echo-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
