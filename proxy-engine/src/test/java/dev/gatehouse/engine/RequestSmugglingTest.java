package dev.gatehouse.engine;

import dev.gatehouse.engine.config.ConfigSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request-smuggling vectors sent on raw sockets through the real engine to a backend that parses
 * what it receives (Content-Length and chunked framing, like a typical origin) and records every
 * request line. Each vector ends with a second, "smuggled" request glued behind an ambiguous body:
 * the proxy must refuse the request with 400 and close, so the backend sees nothing at all.
 */
class RequestSmugglingTest {

    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n";

    private static ProxyEngine engine;
    private static RawOrigin origin;
    private static final ConcurrentLinkedQueue<String> seenRequestLines = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws IOException {
        origin = new RawOrigin((socket, number) -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String line;
            while ((line = readRequestRecordingIt(in)) != null) {
                seenRequestLines.add(line);
                out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                out.flush();
            }
        });
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(1));
        engine.apply(new ConfigSnapshot(1, List.of(backend("app", origin.server())), List.of(site("1", "app.test", "app"))));
    }

    @AfterAll
    static void stop() throws IOException {
        engine.close();
        origin.close();
    }

    @BeforeEach
    void forget() {
        seenRequestLines.clear();
    }

    static Stream<Arguments> vectors() {
        String post = "POST /upload HTTP/1.1\r\nHost: app.test\r\n";
        return Stream.of(
                Arguments.of("CL.TE", post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("TE.CL", post + "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("two different Content-Length", post + "Content-Length: 0\r\nContent-Length: 45\r\n\r\n" + SMUGGLED),
                Arguments.of("two equal Content-Length", post + "Content-Length: 0\r\nContent-Length: 0\r\n\r\n" + SMUGGLED),
                Arguments.of("Content-Length list", post + "Content-Length: 0, 45\r\n\r\n" + SMUGGLED),
                Arguments.of("Content-Length +0", post + "Content-Length: +0\r\n\r\n" + SMUGGLED),
                Arguments.of("Content-Length -1", post + "Content-Length: -1\r\n\r\n" + SMUGGLED),
                Arguments.of("Content-Length 0x0", post + "Content-Length: 0x0\r\n\r\n" + SMUGGLED),
                Arguments.of("Content-Length 1_0", post + "Content-Length: 1_0\r\n\r\n" + SMUGGLED),
                Arguments.of("Content-Length 0 0", post + "Content-Length: 0 0\r\n\r\n" + SMUGGLED),
                Arguments.of("Content-Length overflow", post + "Content-Length: 99999999999999999999\r\n\r\n" + SMUGGLED),
                Arguments.of("Transfer-Encoding gzip, chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("Transfer-Encoding chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("Transfer-Encoding identity", post + "Transfer-Encoding: identity\r\nContent-Length: 0\r\n\r\n" + SMUGGLED),
                Arguments.of("Transfer-Encoding xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("Transfer-Encoding twice", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("Transfer-Encoding with a tab-obfuscated value", post + "Transfer-Encoding:\tchunked\u000b\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("Transfer-Encoding in HTTP/1.0", "POST /upload HTTP/1.0\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("obs-fold", post + "Content-Length: 0\r\nX-Folded: a\r\n b\r\n\r\n" + SMUGGLED),
                Arguments.of("obs-fold hiding Transfer-Encoding", post + "Content-Length: 0\r\nX-A: b\r\n Transfer-Encoding: chunked\r\n\r\n" + SMUGGLED),
                Arguments.of("bare LF in a chunk line", post + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("chunk size 0x5", post + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("negative chunk size", post + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("chunk size overflow", post + "Transfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("chunk size with a space", post + "Transfer-Encoding: chunked\r\n\r\n5 5\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("chunk data longer than its size", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("space before the colon", post + "Content-Length : 45\r\n\r\n" + SMUGGLED),
                Arguments.of("tab before the colon", post + "Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                Arguments.of("NUL in a header value", post + "Content-Length: 0\r\nX-A: a\u0000b\r\n\r\n" + SMUGGLED),
                Arguments.of("CR in a header value", post + "Content-Length: 0\r\nX-A: a\rb\r\n\r\n" + SMUGGLED),
                Arguments.of("header without a colon", post + "Content-Length: 0\r\nX-No-Colon\r\n\r\n" + SMUGGLED),
                Arguments.of("two Host headers", "GET / HTTP/1.1\r\nHost: app.test\r\nHost: other.test\r\n\r\n" + SMUGGLED),
                Arguments.of("no Host in HTTP/1.1", "GET / HTTP/1.1\r\nX-A: b\r\n\r\n" + SMUGGLED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theVectorIsRefusedAndNothingReachesTheBackend(String name, String attack) throws IOException {
        String answer = send(attack);
        assertThat(answer).as(name + " got: " + answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer.toLowerCase(Locale.ROOT)).as("the connection ends after the refusal").contains("connection: close");
        assertThat(seenRequestLines).as(name + ": the backend saw").isEmpty();
    }

    @Test
    void aTargetWithRawNonAsciiBytesReachesTheBackendAsTheSameBytes() throws IOException {
        // "/café?q=ÿ" in raw UTF-8, unescaped, as some clients send it; nginx passes such bytes on.
        String target = new String("/caf\u00e9?q=\u00ff".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);

        String answer = send("GET " + target + " HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200 ");
        assertThat(seenRequestLines).containsExactly("GET " + target + " HTTP/1.1");
    }

    /** Sends the bytes on a new connection and reads until the proxy closes it (or 5 s of silence). */
    private static String send(String attack) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), engine.httpPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(attack.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(answer);
            } catch (SocketTimeoutException | SocketException stillOpenOrReset) {
                // what arrived so far is the answer
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads one request as a lenient origin would (CL or chunked body) and returns its request line. */
    private static String readRequestRecordingIt(InputStream in) throws IOException {
        String head = RawOrigin.readRequest(in);
        if (head == null) {
            return null;
        }
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                String sizeLine = readLine(in);
                int size = Integer.parseInt(sizeLine.trim(), 16);
                if (size == 0) {
                    readLine(in);
                    break;
                }
                in.skipNBytes(size + 2);
            }
        }
        return head.substring(0, head.indexOf("\r\n"));
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
