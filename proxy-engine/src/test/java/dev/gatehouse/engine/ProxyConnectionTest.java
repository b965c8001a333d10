package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.forward.Upstream;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** How the engine treats connections on both sides: pipelining, keep-alive reuse and staleness, backpressure. */
class ProxyConnectionTest {

    private static final long FIFTY_MB = 50L * 1024 * 1024;

    private ProxyEngine engine;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void start() {
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0));
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private void serve(BackendDefinition backend) {
        ConfigSnapshot snapshot = new ConfigSnapshot(1, List.of(backend), List.of(site("1", "app.test", backend.name())));
        assertThat(engine.apply(snapshot).outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
    }

    private TestOrigin origin(TestOrigin origin) {
        closeables.add(origin);
        return origin;
    }

    private RawOrigin origin(RawOrigin origin) {
        closeables.add(origin);
        return origin;
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnePerExchange() throws IOException {
        TestOrigin app = origin(TestOrigin.start("a"));
        serve(backend("app", app));
        String response = TestClient.rawExchange(engine.httpPort(), ""
                + "GET /slow?ms=300 HTTP/1.1\r\nHost: app.test\r\n\r\n"
                + "GET /second HTTP/1.1\r\nHost: app.test\r\n\r\n"
                + "HEAD /fixed HTTP/1.1\r\nHost: app.test\r\n\r\n"
                + "POST /upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\n\r\nhello"
                + "GET / HTTP/1.1\r\nHost: nobody.test\r\n\r\n"
                + "GET /last HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");

        assertThat(response.split("HTTP/1\\.1 ", -1)).hasSize(7);
        List<String> inOrder = List.of("slow origin=a", "origin=a path=/second", "content-length: 10",
                "received=5", "No site is configured for this host name", "origin=a path=/last");
        int from = 0;
        for (String marker : inOrder) {
            int at = response.indexOf(marker, from);
            assertThat(at).as("'%s' after position %d in%n%s", marker, from, response).isGreaterThanOrEqualTo(from);
            from = at + marker.length();
        }
        assertThat(response).doesNotContain("0123456789"); // the HEAD answer has no body
        assertThat(app.seen).extracting(TestOrigin.SeenRequest::uri)
                .containsSubsequence("/slow?ms=300", "/second", "/fixed", "/upload", "/last");
    }

    @Test
    void aBackendClosingAnIdleKeepAliveConnectionDoesNotFailTheNextRequests() {
        TestOrigin app = origin(TestOrigin.startClosingIdleConnectionsAfter("a", Duration.ofMillis(200)));
        serve(backend("app", app));
        try (TestClient client = new TestClient(engine.httpPort())) {
            assertThat(client.get("app.test", "/one").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> app.closedConnections.get() == 1);

            assertThat(client.get("app.test", "/two").body()).isEqualTo("origin=a path=/two");
            await().atMost(Duration.ofSeconds(5)).until(() -> app.closedConnections.get() == 2);
            // Not replayable: it would fail if the closed connection had stayed in the pool.
            assertThat(client.send(HttpMethod.POST, "app.test", "/upload", h -> { }, "abc").body()).isEqualTo("received=3");
            assertThat(app.connections.get()).isEqualTo(3);
        }
    }

    /**
     * The race the retry exists for: the backend closes a keep-alive connection just as the proxy
     * reuses it. This origin answers the first request of each connection and closes the connection
     * when a second one arrives, without answering.
     */
    @Test
    void aRequestHittingAStaleConnectionIsReplayedOnlyWhenIdempotentAndBodiless() throws IOException {
        RawOrigin stale = origin(new RawOrigin((socket, number) -> {
            InputStream in = socket.getInputStream();
            if (RawOrigin.readRequest(in) == null) {
                return;
            }
            String body = "first on connection " + number;
            socket.getOutputStream().write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body));
            RawOrigin.readRequest(in); // then close without answering
        }));
        serve(new BackendDefinition("app", List.of(stale.server())));
        // One client connection, so every request runs on the same event loop and its backend pool.
        try (Socket client = new Socket("127.0.0.1", engine.httpPort())) {
            client.setSoTimeout(10_000);
            assertThat(exchange(client, "GET /one HTTP/1.1\r\nHost: app.test\r\n\r\n"))
                    .isEqualTo("200 first on connection 1");
            assertThat(exchange(client, "GET /two HTTP/1.1\r\nHost: app.test\r\n\r\n"))
                    .as("GET replayed on a new connection").isEqualTo("200 first on connection 2");
            assertThat(exchange(client, "POST /three HTTP/1.1\r\nHost: app.test\r\nContent-Length: 4\r\n\r\nbody"))
                    .as("a POST is never replayed").startsWith("502 ");
            assertThat(exchange(client, "GET /four HTTP/1.1\r\nHost: app.test\r\n\r\n"))
                    .isEqualTo("200 first on connection 3");
            assertThat(stale.connections.get()).isEqualTo(3);
        }
    }

    /** Sends one request on a keep-alive connection and reads its response: "status body" (Content-Length bodies). */
    private static String exchange(Socket client, String request) throws IOException {
        client.getOutputStream().write(RawOrigin.ascii(request));
        InputStream in = client.getInputStream();
        String head = readHead(in);
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return head.substring(9, 12) + " " + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void aClientThatDoesNotReadPausesTheBackendInsteadOfBufferingTheBody() throws Exception {
        AtomicLong written = new AtomicLong();
        RawOrigin big = origin(new RawOrigin((socket, number) -> {
            socket.setSendBufferSize(64 * 1024);
            if (RawOrigin.readRequest(socket.getInputStream()) == null) {
                return;
            }
            OutputStream out = socket.getOutputStream();
            out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + FIFTY_MB + "\r\n\r\n"));
            byte[] block = new byte[64 * 1024];
            for (long sent = 0; sent < FIFTY_MB; sent += block.length) {
                out.write(block); // blocks once the proxy stops reading and the socket buffers are full
                written.addAndGet(block.length);
            }
        }));
        serve(new BackendDefinition("app", List.of(big.server())));

        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(64 * 1024);
            client.connect(new InetSocketAddress("127.0.0.1", engine.httpPort()));
            client.setSoTimeout(20_000);
            client.getOutputStream().write(RawOrigin.ascii("GET /big HTTP/1.1\r\nHost: app.test\r\n\r\n"));

            // Let the origin write as much as the path will take while the client reads nothing.
            long previous = -1;
            for (int i = 0; i < 50 && written.get() != previous; i++) {
                previous = written.get();
                Thread.sleep(200);
            }
            long stalledAt = written.get();
            assertThat(stalledAt).as("bytes the origin could write while the client read nothing")
                    .isLessThan(FIFTY_MB / 3);

            InputStream in = client.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("content-length: " + FIFTY_MB);
            long body = 0;
            byte[] buffer = new byte[256 * 1024];
            while (body < FIFTY_MB) {
                int n = in.read(buffer);
                assertThat(n).as("end of stream after %d bytes", body).isPositive();
                body += n;
            }
            assertThat(body).isEqualTo(FIFTY_MB);
            // The origin counts a block once its write returns, a moment after the bytes left.
            await().atMost(Duration.ofSeconds(5)).until(() -> written.get() == FIFTY_MB);
        }
    }

    /** Reads a response head byte by byte, so nothing of the body is consumed. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            assertThat(b).as("end of stream inside the response head").isNotNegative();
            head.append((char) b);
            last4 = (last4 << 8) | b;
        }
        return head.toString();
    }

    @Test
    void aClientHangingUpMidResponseClosesTheBackendConnectionInsteadOfPoolingIt() throws Exception {
        TestOrigin app = origin(TestOrigin.start("a"));
        serve(backend("app", app));
        Upstream upstream = engine.liveTable().backends().get("app");
        try (Socket client = new Socket("127.0.0.1", engine.httpPort())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(RawOrigin.ascii("GET /download?bytes=" + FIFTY_MB + " HTTP/1.1\r\nHost: app.test\r\n\r\n"));
            client.getInputStream().readNBytes(1024 * 1024);
            assertThat(upstream.inFlight()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> app.closedConnections.get() == 1);
        await().atMost(Duration.ofSeconds(2)).until(() -> upstream.inFlight() == 0);

        try (TestClient client = new TestClient(engine.httpPort())) {
            assertThat(client.get("app.test", "/after").body()).isEqualTo("origin=a path=/after");
        }
        assertThat(app.connections.get()).as("a fresh upstream connection for the next request").isEqualTo(2);
    }

    @Test
    void anHttp10ClientGetsAnUnchunkedBodyEndedByTheConnection() throws IOException {
        TestOrigin app = origin(TestOrigin.start("a"));
        serve(backend("app", app));
        String response = TestClient.rawExchange(engine.httpPort(), "GET /download?bytes=1000 HTTP/1.0\r\nHost: app.test\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("connection: close")
                .doesNotContainIgnoringCase("transfer-encoding");
        assertThat(response.substring(response.indexOf("\r\n\r\n") + 4)).hasSize(1000);
    }

    @Test
    void anHttp10KeepAliveClientKeepsItsConnectionWhenTheBodyHasALength() throws IOException {
        TestOrigin app = origin(TestOrigin.start("a"));
        serve(backend("app", app));
        String response = TestClient.rawExchange(engine.httpPort(), ""
                + "GET /fixed HTTP/1.0\r\nHost: app.test\r\nConnection: keep-alive\r\n\r\n"
                + "GET /fixed HTTP/1.0\r\nHost: app.test\r\n\r\n");
        assertThat(response.split("HTTP/1\\.1 200 OK", -1)).hasSize(3);
        assertThat(response).contains("connection: keep-alive").contains("connection: close");
    }

    @Test
    void anExpectContinueRequestAnsweredWithAnErrorClosesTheConnection() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", engine.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(RawOrigin.ascii(
                    "POST /upload HTTP/1.1\r\nHost: nobody.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 404 Not Found").contains("connection: close")
                    .doesNotContain("100 Continue");
        }
    }

    @Test
    void aHeaderNameWithWhitespaceBeforeTheColonIsRejectedNotForwarded() throws IOException {
        TestOrigin app = origin(TestOrigin.start("a"));
        serve(backend("app", app));
        String response = TestClient.rawExchange(engine.httpPort(), "POST /upload HTTP/1.1\r\nHost: app.test\r\n"
                + "Transfer-Encoding : chunked\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThat(app.requests.get()).isZero();
    }

    /** Both framings at once is a request-smuggling pattern (RFC 9112 6.3): refused, and the connection ends. */
    @Test
    void aRequestWithBothChunkedAndContentLengthIsRefusedAndEndsTheConnection() throws IOException {
        TestOrigin app = origin(TestOrigin.start("a"));
        serve(backend("app", app));
        // No Connection: close: rawExchange only returns because the proxy closes after answering.
        String response = TestClient.rawExchange(engine.httpPort(), "POST /upload HTTP/1.1\r\nHost: app.test\r\n"
                + "Transfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("connection: close");
        assertThat(app.requests.get()).isZero();
    }

    @Test
    void closeEndsIdleKeepAliveConnectionsAtOnce() throws IOException {
        TestOrigin app = origin(TestOrigin.start("a"));
        serve(backend("app", app));
        try (Socket socket = new Socket("127.0.0.1", engine.httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(RawOrigin.ascii("GET /fixed HTTP/1.1\r\nHost: app.test\r\n\r\n"));
            InputStream in = socket.getInputStream();
            byte[] first = new byte[20];
            assertThat(in.readNBytes(first, 0, first.length)).isEqualTo(20);
            long started = System.nanoTime();
            engine.close();
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2000);
            in.readAllBytes(); // returns: the proxy closed the connection
        }
    }
}
