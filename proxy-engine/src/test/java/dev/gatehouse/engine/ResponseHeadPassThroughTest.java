package dev.gatehouse.engine;

import dev.gatehouse.engine.config.ConfigSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backend's status line and header names reach the client as the backend wrote them: the
 * response decoder shares constants for common status lines and names, which must never change
 * a reason phrase, a code or a name's spelling.
 */
class ResponseHeadPassThroughTest {

    private static final AtomicReference<String> nextHead = new AtomicReference<>();
    private static RawOrigin origin;
    private static ProxyEngine engine;

    @BeforeAll
    static void start() throws IOException {
        origin = new RawOrigin((socket, number) -> {
            OutputStream out = socket.getOutputStream();
            while (RawOrigin.readRequest(socket.getInputStream()) != null) {
                out.write((nextHead.get() + "Content-Length: 2\r\n\r\nok").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        });
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0));
        engine.apply(new ConfigSnapshot(1, List.of(backend("raw", origin.server())), List.of(site("1", "raw.test", "raw"))));
    }

    @AfterAll
    static void stop() throws IOException {
        engine.close();
        origin.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: nginx\r\nDate: Thu, 26 Nov 2026 10:00:00 GMT\r\n",
            "HTTP/1.1 200 Okay then\r\ncontent-type: text/plain\r\nSERVER: shouty\r\n",
            "HTTP/1.1 299 Whatever Happened\r\nX-Custom: 1\r\nCONTENT-type: a/b\r\n",
            "HTTP/1.1 404 Not Found\r\nEtag: \"x\"\r\netag-like: y\r\n",
            "HTTP/1.1 201 Created\r\nLocation: /n/1\r\nlocation-hint: z\r\n",
            "HTTP/1.1 200 \r\nVary: Accept\r\n",
            "HTTP/1.1 503 OK\r\nRetry-After: 1\r\n",
            "HTTP/1.0 200 OK\r\nCache-Control: no-store\r\n"})
    void statusLineAndHeaderSpellingsPassUnchanged(String head) throws IOException {
        nextHead.set(head);
        String response = TestClient.rawExchange(engine.httpPort(),
                "GET / HTTP/1.1\r\nHost: raw.test\r\nConnection: close\r\n\r\n");

        String[] sent = head.split("\r\n");
        String statusLine = sent[0].startsWith("HTTP/1.0") ? "HTTP/1.1" + sent[0].substring(8) : sent[0];
        assertThat(response).startsWith(statusLine + "\r\n").endsWith("\r\n\r\nok");
        for (int i = 1; i < sent.length; i++) {
            assertThat(response).contains("\r\n" + sent[i] + "\r\n");
        }
    }
}
