package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ListenerPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and greedy clients on raw sockets, with the listener's timeouts made short: slowloris (a head
 * that never ends), slow POST (a body under the minimum rate), slow read (a client that takes no
 * response bytes) and too many connections from one address. Each is cut off; ordinary clients,
 * idle keep-alive connections included, are not.
 */
class SlowClientTest {

    private static final ListenerPolicy SHORT = new ListenerPolicy(List.of())
            .withTimeouts(Duration.ofMillis(600), Duration.ofMillis(600), 1000, Duration.ofSeconds(1))
            .withConnectionLimits(0, 6);

    private static TestOrigin origin;
    private static ProxyEngine engine;

    @BeforeAll
    static void start() {
        origin = TestOrigin.start("app");
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(1));
        ApplyResult applied = engine.apply(new ConfigSnapshot(1, List.of(backend("app", origin)),
                List.of(site("1", "a.test", "app"))).withListeners(SHORT));
        assertThat(applied.outcome()).as(applied.toString()).isEqualTo(Outcome.APPLIED);
    }

    @AfterAll
    static void stop() {
        engine.close();
        origin.close();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), engine.httpPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** What arrives until the server closes (or 10 s pass). */
    private static String readToEnd(Socket socket) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            socket.getInputStream().transferTo(all);
        } catch (SocketTimeoutException | SocketException endedOrReset) {
            // what came so far
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void slowlorisGets408WhenItsHeadTakesLongerThanTheHeaderTimeout() throws Exception {
        int before = origin.requests.get();
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: a.test\r\n".getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                try {
                    out.write(("X-Keep-" + i + ": going\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (SocketException closed) {
                    break;
                }
                Thread.sleep(150);
                if (socket.getInputStream().available() > 0) {
                    break;
                }
            }
            String answer = readToEnd(socket);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout");
            assertThat(elapsedMillis).as("cut off soon after the 600 ms header timeout").isLessThan(2_500);
        }
        assertThat(origin.requests.get()).isEqualTo(before);
    }

    @Test
    void aHeadSentInPiecesWithinTheTimeoutIsServed() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /pieces HTTP/1.1\r\nHost: a.te".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(150);
            out.write("st\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readToEnd(socket)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void slowPostGets408WhenItsBodyIsUnderTheMinimumRate() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[100]);
            long started = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                try {
                    out.write('x');
                    out.flush();
                } catch (SocketException closed) {
                    break;
                }
                Thread.sleep(100);
                if (socket.getInputStream().available() > 0) {
                    break;
                }
            }
            String answer = readToEnd(socket);
            assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout");
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3_500);
        }
    }

    @Test
    void aSteadyUploadAboveTheRateIsServed() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3000\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 15; i++) {
                out.write(new byte[200]); // 2 KB/s against a minimum of 1 KB/s, for 1.5 s
                out.flush();
                Thread.sleep(100);
            }
            assertThat(readToEnd(socket)).startsWith("HTTP/1.1 200").endsWith("received=3000");
        }
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedAfterTheSendTimeout() throws Exception {
        long size = 200L * 1024 * 1024;
        try (Socket socket = connect()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.getOutputStream().write(("GET /download?bytes=" + size + " HTTP/1.1\r\nHost: a.test\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(3_000); // reads nothing: the proxy's writes back up, then the send timeout runs out
            long received = 0;
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            try {
                int read;
                while ((read = in.read(buffer)) > 0) {
                    received += read;
                }
            } catch (SocketException | SocketTimeoutException reset) {
                // closed by the proxy
            }
            assertThat(received).as("the download was cut off").isLessThan(size);
        }
    }

    @Test
    void anIdleKeepAliveConnectionOutlivesTheHeaderTimeout() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /first HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(RawResponse.readResponse(in)).startsWith("HTTP/1.1 200");
            Thread.sleep(1_500); // idle, no bytes: not a slow head
            out.write("GET /second HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readToEnd(socket)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void connectionsOverThePerClientLimitAreClosedAtOnce() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                held.add(connect());
            }
            Thread.sleep(200);
            try (Socket extra = connect()) {
                long started = System.nanoTime();
                extra.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readToEnd(extra)).as("the seventh connection gets nothing").isEmpty();
                assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2_000);
            } catch (SocketException reset) {
                // closed before we could write: also refused
            }
            held.remove(0).close();
            Thread.sleep(200);
            try (Socket again = connect()) {
                again.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readToEnd(again)).startsWith("HTTP/1.1 200");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /** Reads one response with a Content-Length body from a raw stream. */
    private static final class RawResponse {
        static String readResponse(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return head.toString();
                }
                head.append((char) b);
            }
            int at = head.toString().toLowerCase().indexOf("content-length:");
            if (at >= 0) {
                int end = head.indexOf("\r\n", at);
                int length = Integer.parseInt(head.substring(at + 15, end).trim());
                head.append(new String(in.readNBytes(length), StandardCharsets.ISO_8859_1));
            }
            return head.toString();
        }
    }
}
