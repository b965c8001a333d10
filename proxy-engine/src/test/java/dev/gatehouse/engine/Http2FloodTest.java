package dev.gatehouse.engine;

import dev.gatehouse.engine.config.ConfigSnapshot;
import io.netty.util.Version;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;

import static dev.gatehouse.engine.RawHttp2.*;
import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 abuse on raw sockets (frames written by hand, as an attacker would) against the h2c port:
 * rapid reset (CVE-2023-44487), a CONTINUATION flood without END_HEADERS, empty DATA frames, and
 * PING and SETTINGS floods from a client that never reads. Each must end in the connection being
 * closed well before the flood is over, and the backend
 * must see at most a bounded number of the requests. And the Netty in use has every published
 * HTTP/1 and HTTP/2 fix.
 */
class Http2FloodTest {


    private static TestOrigin origin;
    private static ProxyEngine engine;

    @BeforeAll
    static void start() {
        origin = TestOrigin.start("app");
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(1));
        engine.apply(new ConfigSnapshot(1, List.of(backend("app", origin)), List.of(site("1", "a.test", "app"))));
    }

    @AfterAll
    static void stop() {
        engine.close();
        origin.close();
    }

    @Test
    void nettyIsAtLeastTheVersionWithEveryPublishedHttpFix() {
        Map<String, Version> versions = Version.identify();
        for (String artifact : List.of("netty-codec-http", "netty-codec-http2", "netty-handler", "netty-common")) {
            Version version = versions.get(artifact);
            assertThat(version).as(artifact + " on the class path").isNotNull();
            assertThat(compare(version.artifactVersion(), "4.2.18.Final"))
                    .as(artifact + " " + version.artifactVersion() + " must be 4.2.18.Final or newer").isGreaterThanOrEqualTo(0);
        }
    }

    /** Compares dotted numeric versions, qualifiers ignored. */
    private static int compare(String version, String minimum) {
        String[] a = version.split("[.-]");
        String[] b = minimum.split("[.-]");
        for (int i = 0; i < 3; i++) {
            int difference = Integer.parseInt(a[i]) - Integer.parseInt(b[i]);
            if (difference != 0) {
                return difference;
            }
        }
        return 0;
    }

    @Test
    void rapidResetClosesTheConnectionAndFewRequestsReachTheBackend() throws IOException {
        int before = origin.requests.get();
        try (H2 connection = H2.open()) {
            int sent = 0;
            for (int stream = 1; stream < 20_000 && connection.writable(); stream += 2) {
                connection.frame(HEADERS, END_HEADERS | END_STREAM, stream, request("GET", "/"));
                connection.frame(RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8});
                sent++;
            }
            assertThat(connection.closedWithin(5_000)).as("closed after %d resets", sent).isTrue();
            // (Its GOAWAY is often lost to the reset our further writes provoke, so it is not asserted.)
            System.out.printf("attack h2 rapid reset: %d streams opened and reset before the close, %d reached the backend%n",
                    sent, origin.requests.get() - before);
        }
        assertThat(origin.requests.get() - before).as("requests that reached the backend").isLessThan(1_000);
    }

    @Test
    void aContinuationFloodWithoutEndHeadersIsCutOff() throws IOException {
        try (H2 connection = H2.open()) {
            connection.frame(HEADERS, END_STREAM, 1, request("GET", "/"));
            int sent = 0;
            while (sent < 200_000 && connection.writable()) {
                connection.frame(CONTINUATION, 0, 1, new byte[0]);
                sent++;
            }
            assertThat(connection.closedWithin(5_000)).as("closed after %d empty CONTINUATION frames", sent).isTrue();
            System.out.printf("attack h2 CONTINUATION flood: closed after %d empty frames were written%n", sent);
        }
    }

    @Test
    void emptyDataFramesAreCutOff() throws IOException {
        try (H2 connection = H2.open()) {
            connection.frame(HEADERS, END_HEADERS, 1, request("POST", "/"));
            int sent = 0;
            while (sent < 100_000 && connection.writable()) {
                connection.frame(DATA, 0, 1, new byte[0]);
                sent++;
            }
            assertThat(connection.closedWithin(5_000)).as("closed after %d empty DATA frames", sent).isTrue();
            System.out.printf("attack h2 empty DATA flood: closed after %d frames were written%n", sent);
        }
    }

    @Test
    void pingAndSettingsFloodsFromAClientThatNeverReadsAreCutOff() throws IOException {
        for (int type : new int[] {PING, SETTINGS}) {
            try (H2 connection = H2.open()) {
                connection.stopReading();
                int sent = 0;
                byte[] payload = type == PING ? new byte[8] : new byte[0];
                while (sent < 500_000 && connection.writable()) {
                    connection.frame(type, 0, 0, payload);
                    sent++;
                }
                assertThat(connection.closedWithin(10_000)).as("type %d: closed after %d frames", type, sent).isTrue();
                System.out.printf("attack h2 %s flood (client not reading): closed after %d frames were written%n",
                        type == PING ? "PING" : "SETTINGS", sent);
            }
        }
    }

    /** A raw cleartext HTTP/2 connection: frames out, a reader thread looking for GOAWAY and the close. */
    private static final class H2 implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final Thread reader;
        private volatile boolean closed;
        private volatile boolean reading = true;

        private H2(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.reader = new Thread(this::read, "h2-flood-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static H2 open() throws IOException {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), engine.httpPort());
            socket.setSoTimeout(15_000);
            socket.setSendBufferSize(64 * 1024);
            H2 connection = new H2(socket);
            connection.out.write(PREFACE);
            connection.frame(SETTINGS, 0, 0, new byte[0]);
            return connection;
        }

        void stopReading() {
            reading = false;
        }

        private void read() {
            try {
                InputStream in = socket.getInputStream();
                byte[] header = new byte[9];
                while (true) {
                    if (!reading) {
                        Thread.sleep(50);
                        if (socket.isClosed()) {
                            return;
                        }
                        continue;
                    }
                    if (in.readNBytes(header, 0, 9) < 9) {
                        closed = true;
                        return;
                    }
                    int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
                    in.skipNBytes(length);
                }
            } catch (IOException | InterruptedException e) {
                closed = true;
            }
        }

        /** False once a write failed (the server closed or reset the connection). */
        boolean writable() {
            return !closed && !socket.isClosed() && !socket.isOutputShutdown() && !failed;
        }

        private volatile boolean failed;

        void frame(int type, int flags, int stream, byte[] payload) {
            if (failed) {
                return;
            }
            byte[] frame = RawHttp2.frame(type, flags, stream, payload);
            try {
                out.write(frame);
            } catch (IOException e) {
                failed = true;
            }
        }

        /** True when the server ended the connection within the time (a read saw the end, or writes fail). */
        boolean closedWithin(long millis) {
            long deadline = System.currentTimeMillis() + millis;
            while (System.currentTimeMillis() < deadline) {
                if (closed || failed) {
                    return true;
                }
                if (!reading) {
                    // Not reading: probe by writing; a closed peer resets the connection.
                    frame(PING, 0, 0, new byte[8]);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return closed || failed;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
