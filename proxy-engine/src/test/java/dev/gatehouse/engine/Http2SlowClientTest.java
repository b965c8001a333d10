package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ListenerPolicy;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.gatehouse.engine.RawHttp2.*;
import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow clients over cleartext HTTP/2 (raw frames, so the client can misbehave exactly): a request
 * body under the minimum rate and a response the client will not let through are cut off per
 * stream — 408 or RST_STREAM — while the connection's other streams are served. A client that reads
 * nothing at all is cut off the same way: Netty's flow controller never writes more than the socket
 * takes, so the stall shows on the streams.
 */
class Http2SlowClientTest {

    private static final ListenerPolicy SHORT = new ListenerPolicy(List.of())
            .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(600), 1000, Duration.ofSeconds(1));

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

    @Test
    void aStreamWithABodyUnderTheMinimumRateGets408AndTheOtherStreamsAreServed() throws Exception {
        try (H2 h2 = H2.open(65_535)) {
            h2.frame(HEADERS, END_HEADERS, 1, request("POST", "/upload"));
            h2.frame(DATA, 0, 1, new byte[100]);
            long started = System.nanoTime();
            // A trickle far under 1000 bytes per 600 ms.
            Frame answer = null;
            for (int i = 0; i < 40 && answer == null; i++) {
                h2.frame(DATA, 0, 1, new byte[1]);
                answer = h2.frames.poll(100, TimeUnit.MILLISECONDS);
            }
            if (answer == null) {
                answer = h2.next();
            }
            assertThat(answer.type).isEqualTo(HEADERS);
            assertThat(answer.stream).isEqualTo(1);
            assertThat(answer.headers.status().toString()).isEqualTo("408");
            assertThat((System.nanoTime() - started) / 1_000_000).as("cut off after the 600 ms window, not at the end of the trickle").isLessThan(8_000);

            h2.frame(HEADERS, END_HEADERS | END_STREAM, 3, request("GET", "/after"));
            Frame next = h2.nextOn(3);
            assertThat(next.type).isEqualTo(HEADERS);
            assertThat(next.headers.status().toString()).isEqualTo("200");
        }
    }

    @Test
    void aStreamWhoseResponseTheClientDoesNotLetThroughIsResetAndTheOtherStreamsAreServed() throws Exception {
        // A 16 KiB window per stream, never reopened for stream 1: its 8 MiB download stalls at once.
        try (H2 h2 = H2.open(16 * 1024)) {
            h2.frame(HEADERS, END_HEADERS | END_STREAM, 1, request("GET", "/download?bytes=8388608"));
            long started = System.nanoTime();
            Frame reset = h2.nextOfType(RST_STREAM, 1);
            assertThat((System.nanoTime() - started) / 1_000_000).as("reset after the 1 s send timeout").isBetween(900L, 8_000L);
            assertThat(reset.stream).isEqualTo(1);

            h2.frame(HEADERS, END_HEADERS | END_STREAM, 3, request("GET", "/after"));
            Frame next = h2.nextOn(3);
            assertThat(next.type).isEqualTo(HEADERS);
            assertThat(next.headers.status().toString()).isEqualTo("200");
        }
    }

    @Test
    void aStreamThatKeepsReadingIsNeverCutOff() throws Exception {
        try (H2 h2 = H2.open(65_535)) {
            h2.frame(HEADERS, END_HEADERS | END_STREAM, 1, request("GET", "/download?bytes=262144"));
            long received = 0;
            while (true) {
                Frame frame = h2.nextOn(1);
                assertThat(frame.type).as("frame type").isIn(HEADERS, DATA);
                if (frame.type == DATA) {
                    received += frame.length;
                    // Reopen the windows slowly: 16 KiB every 300 ms is slow but steady, under the 1 s timeout.
                    Thread.sleep(300);
                    h2.windowUpdate(0, frame.length);
                    h2.windowUpdate(1, frame.length);
                }
                if ((frame.flags & END_STREAM) != 0) {
                    break;
                }
            }
            assertThat(received).isEqualTo(262_144);
        }
    }

    @Test
    void aClientThatReadsNothingAtAllHasItsStreamResetAfterTheSendTimeout() throws Exception {
        // Windows wide open, so nothing but the socket itself holds the 64 MiB download back.
        try (H2 h2 = H2.open(Integer.MAX_VALUE)) {
            h2.windowUpdate(0, Integer.MAX_VALUE - 65_535);
            h2.paused = true;
            h2.frame(HEADERS, END_HEADERS | END_STREAM, 1, request("GET", "/download?bytes=67108864"));
            // Far longer than the 1 s send timeout, so the reset is in before reading resumes even on
            // a busy machine (resumed too early, the download would move again and never be reset).
            Thread.sleep(8_000);
            h2.paused = false;
            long received = 0;
            Frame frame;
            while ((frame = h2.nextOn(1)).type == DATA || frame.type == HEADERS) {
                received += frame.type == DATA ? frame.length : 0;
            }
            assertThat(frame.type).as("the stream was reset").isEqualTo(RST_STREAM);
            assertThat(received).as("only what the socket buffers held").isLessThan(32L << 20);

            h2.frame(HEADERS, END_HEADERS | END_STREAM, 3, request("GET", "/after"));
            assertThat(h2.nextOn(3).headers.status().toString()).isEqualTo("200");
        }
    }

    private record Frame(int type, int flags, int stream, int length, Http2Headers headers) { }

    /** A raw cleartext HTTP/2 connection; a reader thread decodes what the server sends into {@link #frames}. */
    private static final class H2 implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        /** While set, the reader reads nothing: the server's writes back up into the socket buffers. */
        volatile boolean paused;

        private H2(Socket socket, int initialWindow) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            // Preface and SETTINGS before the reader starts: it acknowledges the server's SETTINGS,
            // which must not reach the server before our preface.
            out.write(PREFACE);
            byte[] value = int32(initialWindow);
            frame(SETTINGS, 0, 0, new byte[] {0, 4, value[0], value[1], value[2], value[3]}); // SETTINGS_INITIAL_WINDOW_SIZE
            Thread reader = new Thread(this::read, "h2-slow-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** Connects with the given initial stream window (SETTINGS_INITIAL_WINDOW_SIZE). */
        static H2 open(int initialWindow) throws IOException {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), engine.httpPort());
            socket.setSoTimeout(15_000);
            return new H2(socket, initialWindow);
        }

        private void read() {
            DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);
            try {
                InputStream in = socket.getInputStream();
                byte[] header = new byte[9];
                while (true) {
                    while (paused) {
                        Thread.sleep(20);
                    }
                    if (in.readNBytes(header, 0, 9) < 9) {
                        break;
                    }
                    int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
                    int type = header[3];
                    int flags = header[4] & 0xff;
                    int stream = ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8) | (header[8] & 0xff);
                    byte[] payload = in.readNBytes(length);
                    Http2Headers headers = null;
                    if (type == HEADERS) {
                        headers = hpack.decodeHeaders(stream, Unpooled.wrappedBuffer(payload));
                    } else if (type == SETTINGS && (flags & ACK) == 0) {
                        frame(SETTINGS, ACK, 0, new byte[0]);
                    }
                    if (type != SETTINGS && type != WINDOW_UPDATE) {
                        frames.add(new Frame(type, flags, stream, length, headers));
                    }
                }
            } catch (IOException | Http2Exception | InterruptedException e) {
                // closed
            }
            frames.add(new Frame(-1, 0, 0, 0, null));
        }

        synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
            out.write(RawHttp2.frame(type, flags, stream, payload));
            out.flush();
        }

        void windowUpdate(int stream, int increment) throws IOException {
            frame(WINDOW_UPDATE, 0, stream, int32(increment));
        }

        Frame next() throws InterruptedException {
            Frame frame = frames.poll(10, TimeUnit.SECONDS);
            assertThat(frame).as("a frame within 10 s").isNotNull();
            assertThat(frame.type).as("the connection is still open").isNotEqualTo(-1).isNotEqualTo(GOAWAY);
            return frame;
        }

        Frame nextOn(int stream) throws InterruptedException {
            while (true) {
                Frame frame = next();
                if (frame.stream == stream) {
                    return frame;
                }
            }
        }

        Frame nextOfType(int type, int stream) throws InterruptedException {
            while (true) {
                Frame frame = nextOn(stream);
                if (frame.type == type) {
                    return frame;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
