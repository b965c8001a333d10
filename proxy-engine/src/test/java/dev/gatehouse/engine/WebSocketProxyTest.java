package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.SiteDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * WebSockets through the engine: the JDK's WebSocket client, a reactor-netty echo server behind a
 * site with WebSockets on; text and binary both ways, close from either side, the idle timeout, and
 * sites without the option refusing the upgrade.
 */
class WebSocketProxyTest {

    private ProxyEngine engine;
    private TestOrigin echo;
    private long revision;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(2));
        echo = TestOrigin.start("echo", (request, response) -> {
            if (request.requestHeaders().containsValue("upgrade", "websocket", true)) {
                // Each frame back as it came: text stays text, binary stays binary.
                return response.sendWebsocket((in, out) -> out.sendObject(in.receiveFrames().map(frame -> frame.retain())),
                        reactor.netty.http.server.WebsocketServerSpec.builder().maxFramePayloadLength(1 << 20).build());
            }
            return response.sendString(Mono.just("plain http"));
        });
    }

    @AfterEach
    void stop() {
        engine.close();
        echo.close();
    }

    private void apply(SiteDefinition site) {
        ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(new BackendDefinition("echo",
                List.of(echo.server()))), List.of(site)));
        assertThat(result.outcome()).as(result.errors().toString()).isEqualTo(ApplyResult.Outcome.APPLIED);
    }

    /** Collects what the client receives. */
    private static final class Received implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private int binaryBytes;

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            binaryBytes += data.remaining();
            if (last) {
                messages.add("binary:" + binaryBytes);
                binaryBytes = 0;
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.complete(-1);
        }
    }

    private WebSocket connect(Received listener) {
        return http.newWebSocketBuilder()
                .header("Host", "ws.test")
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + engine.httpPort() + "/chat"), listener)
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    @Test
    void messagesTravelBothWaysAndACloseEndsBothSides() throws Exception {
        apply(site("1", "ws.test", "echo").withWebsockets(true, null));
        Received received = new Received();
        WebSocket socket = connect(received);
        socket.sendText("hello through the proxy", true).join();
        assertThat(received.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("hello through the proxy");
        socket.sendBinary(ByteBuffer.wrap(new byte[70_000]), true).join();
        assertThat(received.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("binary:70000");
        for (int i = 0; i < 50; i++) {
            socket.sendText("message " + i, true).join();
        }
        for (int i = 0; i < 50; i++) {
            assertThat(received.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("message " + i);
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        assertThat(received.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        // The site keeps serving plain HTTP next to WebSockets.
        try (TestClient client = new TestClient(engine.httpPort())) {
            assertThat(client.get("ws.test", "/").body()).isEqualTo("plain http");
        }
    }

    @Test
    void anIdleWebSocketIsClosed() throws Exception {
        apply(site("1", "ws.test", "echo").withWebsockets(true, Duration.ofMillis(400)));
        Received received = new Received();
        WebSocket socket = connect(received);
        socket.sendText("ping", true).join();
        assertThat(received.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("ping");
        long start = System.nanoTime();
        assertThat(received.closed.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(200L, 2_000L);
    }

    @Test
    void aSiteWithoutTheOptionDoesNotUpgrade() {
        apply(site("1", "ws.test", "echo"));
        assertThatThrownBy(() -> connect(new Received())).hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class)
                .rootCause().hasMessageContaining("Unexpected HTTP response status code 200");
    }

    @Test
    void anH2cUpgradeIsNeverPassedOnEvenWhereWebsocketsAre() throws Exception {
        java.util.concurrent.ConcurrentLinkedQueue<io.netty.handler.codec.http.HttpHeaders> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
        TestOrigin recording = TestOrigin.start("recording", (request, response) -> {
            seen.add(request.requestHeaders().copy());
            return response.sendString(Mono.just("plain http"));
        });
        try {
            ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(new BackendDefinition("rec",
                    List.of(recording.server()))), List.of(site("1", "ws.test", "rec").withWebsockets(true, null))));
            assertThat(result.outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
            String answer = TestClient.rawExchange(engine.httpPort(), "GET / HTTP/1.1\r\nHost: ws.test\r\n"
                    + "Connection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("plain http");
            io.netty.handler.codec.http.HttpHeaders headers = seen.poll();
            assertThat(headers.contains("upgrade")).isFalse();
            assertThat(headers.contains("http2-settings")).isFalse();
            assertThat(headers.contains("connection")).isFalse();
        } finally {
            recording.close();
        }
    }
}
