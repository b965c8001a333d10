package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Downloads of many MiB through the proxy, with a Content-Length and chunked, arrive byte for byte
 * to a client that first reads nothing and then reads slowly: the backend is held back instead of
 * the body being buffered, and the framing is respected so the next response on the same keep-alive
 * connection is intact.
 */
class LargeDownloadStreamingTest {

    private static final long MIB = 1024 * 1024;
    /** Large against every buffer on the path (socket buffers on both sides and the proxy's write buffer). */
    private static final long FIRST = 40 * MIB + 12_345;
    /** The second response on the same connections: framing errors in the first would corrupt it. */
    private static final long SECOND = 3 * MIB + 777;
    /** Chunk sizes a chunked origin cycles through: tiny, odd, and larger than the proxy's read buffers. */
    private static final int[] CHUNKS = {1, 100, 8192, 64 * 1024 + 17, 300_001, 5};

    private ProxyEngine engine;
    private RawOrigin origin;

    @BeforeEach
    void start() {
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0));
    }

    @AfterEach
    void stop() throws IOException {
        engine.close();
        if (origin != null) {
            origin.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"content-length", "chunked"})
    void aSlowClientGetsEveryByteOfTwoLargeDownloadsOnOneConnection(String framing) throws Exception {
        boolean chunked = framing.equals("chunked");
        AtomicLong written = new AtomicLong();
        origin = new RawOrigin((socket, number) -> {
            socket.setSendBufferSize(64 * 1024);
            InputStream in = socket.getInputStream();
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 32 * 1024);
            String request;
            while ((request = RawOrigin.readRequest(in)) != null) {
                long length = request.startsWith("GET /first ") ? FIRST : SECOND;
                int seed = request.startsWith("GET /first ") ? 1 : 2;
                serveBody(out, length, seed, chunked, written);
            }
        });
        ConfigSnapshot snapshot = new ConfigSnapshot(1, List.of(new BackendDefinition("app", List.of(origin.server()))),
                List.of(site("1", "app.test", "app")));
        assertThat(engine.apply(snapshot).outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);

        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(64 * 1024);
            client.connect(new InetSocketAddress("127.0.0.1", engine.httpPort()));
            client.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(client.getInputStream(), 16 * 1024);
            OutputStream out = client.getOutputStream();

            out.write(RawOrigin.ascii("GET /first HTTP/1.1\r\nHost: app.test\r\n\r\n"));
            out.flush();
            // Let the origin write as much as the path takes while the client reads nothing.
            long previous = -1;
            for (int i = 0; i < 50 && written.get() != previous; i++) {
                previous = written.get();
                Thread.sleep(200);
            }
            assertThat(written.get()).as("bytes the origin could write while the client read nothing")
                    .isLessThan(FIRST / 2);
            readAndCompare(in, FIRST, 1, chunked, true);

            out.write(RawOrigin.ascii("GET /second HTTP/1.1\r\nHost: app.test\r\n\r\n"));
            out.flush();
            readAndCompare(in, SECOND, 2, chunked, false);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> written.get() == FIRST + SECOND);
        assertThat(origin.connections.get()).as("one upstream connection, reused for the second download").isEqualTo(1);
    }

    /** The byte at {@code position} of the body number {@code seed}: not periodic at any buffer size used here. */
    private static int expected(long position, int seed) {
        long x = position * 0x9E3779B97F4A7C15L + seed;
        return (int) ((x ^ (x >>> 29) ^ (position >>> 16)) & 0xff);
    }

    private static void serveBody(OutputStream out, long length, int seed, boolean chunked, AtomicLong written)
            throws IOException {
        String framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + length;
        out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n" + framing + "\r\n\r\n"));
        byte[] block = new byte[CHUNKS[4]];
        long sent = 0;
        for (int c = 0; sent < length; c++) {
            int size = (int) Math.min(length - sent, CHUNKS[c % CHUNKS.length]);
            for (int i = 0; i < size; i++) {
                block[i] = (byte) expected(sent + i, seed);
            }
            if (chunked) {
                out.write(RawOrigin.ascii(Integer.toHexString(size) + "\r\n"));
            }
            out.write(block, 0, size);
            if (chunked) {
                out.write(RawOrigin.ascii("\r\n"));
            }
            sent += size;
            written.addAndGet(size);
        }
        if (chunked) {
            out.write(RawOrigin.ascii("0\r\n\r\n"));
        }
        out.flush();
    }

    /** Reads one response in whatever framing the proxy chose, checking every body byte. */
    private static void readAndCompare(InputStream in, long length, int seed, boolean originChunked, boolean slowly)
            throws Exception {
        String head = readHead(in);
        assertThat(head).startsWith("HTTP/1.1 200 OK");
        String lower = head.toLowerCase(Locale.ROOT);
        Checker checker = new Checker(seed, slowly);
        if (originChunked) {
            assertThat(lower).contains("transfer-encoding: chunked").doesNotContain("content-length");
            while (true) {
                String line = readLine(in);
                int size = Integer.parseInt(line.split(";", 2)[0].trim(), 16);
                if (size == 0) {
                    assertThat(readLine(in)).as("no trailers, then the end").isEmpty();
                    break;
                }
                checker.check(in, size);
                assertThat(readLine(in)).as("CRLF after a chunk").isEmpty();
            }
        } else {
            assertThat(lower).contains("content-length: " + length).doesNotContain("transfer-encoding");
            checker.check(in, length);
        }
        assertThat(checker.position).as("body bytes").isEqualTo(length);
    }

    private static final class Checker {
        private final int seed;
        private final boolean slowly;
        private final byte[] buffer = new byte[8 * 1024];
        long position;

        Checker(int seed, boolean slowly) {
            this.seed = seed;
            this.slowly = slowly;
        }

        void check(InputStream in, long count) throws Exception {
            long left = count;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                assertThat(n).as("end of stream after %d body bytes", position).isPositive();
                for (int i = 0; i < n; i++) {
                    if ((buffer[i] & 0xff) != expected(position + i, seed)) {
                        throw new AssertionError("body byte " + (position + i) + " differs");
                    }
                }
                position += n;
                left -= n;
                if (slowly && position < 2 * MIB && (position / buffer.length) % 32 == 0) {
                    Thread.sleep(5); // a slow start: the proxy keeps pausing and resuming the origin
                }
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            head.append(line).append("\r\n");
        }
        return head.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            assertThat(b).as("end of stream inside a line").isNotNegative();
            line.append((char) b);
        }
        assertThat(line).as("line ends with CRLF").endsWith("\r");
        return line.substring(0, line.length() - 1);
    }
}
