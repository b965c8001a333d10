package dev.gatehouse.engine;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1 GiB download and a 1 GiB upload through an engine whose JVM has a 128 MB heap: both complete
 * and the SHA-256 of what arrived equals that of what was sent, so the proxy streams bodies with
 * bounded memory instead of holding them. The engine runs in a JVM of its own ({@link LowHeapEngineMain})
 * so the cap applies to it alone; origin and client are here, on plain JDK sockets.
 */
class LargeBodyLowHeapTest {

    private static final long ONE_GIB = 1L << 30;
    private static final int BLOCK = 64 * 1024;

    private static HttpServer origin;
    private static Process engine;
    private static int proxyPort;

    @BeforeAll
    static void start() throws Exception {
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        origin.setExecutor(Executors.newFixedThreadPool(4));
        origin.createContext("/download", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, ONE_GIB);
            try (OutputStream out = exchange.getResponseBody()) {
                writePattern(out, ONE_GIB);
            }
        });
        origin.createContext("/upload", exchange -> {
            MessageDigest digest = sha256();
            long total = 0;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buffer = new byte[BLOCK];
                int read;
                while ((read = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, read);
                    total += read;
                }
            }
            byte[] answer = (total + " " + HexFormat.of().formatHex(digest.digest())).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        origin.start();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        engine = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), LowHeapEngineMain.class.getName(),
                String.valueOf(origin.getAddress().getPort())))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(engine.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = lines.readLine()) != null && !line.startsWith("PORT ")) {
            // the engine's own output before it listens
        }
        assertThat(line).as("the engine JVM started and printed its port").isNotNull();
        proxyPort = Integer.parseInt(line.substring(5).trim());
    }

    @AfterAll
    static void stop() throws Exception {
        if (engine != null) {
            engine.getOutputStream().close();
            if (!engine.waitFor(10, TimeUnit.SECONDS)) {
                engine.destroyForcibly();
            }
        }
        if (origin != null) {
            origin.stop(0);
        }
    }

    @Test
    void oneGibDownloadArrivesWhole() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxyPort)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write("GET /download HTTP/1.1\r\nHost: big.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + ONE_GIB);
            MessageDigest digest = sha256();
            byte[] buffer = new byte[BLOCK];
            long remaining = ONE_GIB;
            while (remaining > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                assertThat(read).as("the body ended %d bytes early", remaining).isPositive();
                digest.update(buffer, 0, read);
                remaining -= read;
            }
            assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(patternDigest(ONE_GIB));
        }
    }

    @Test
    void oneGibChunkedUploadArrivesWhole() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxyPort)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: big.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[BLOCK];
            byte[] chunkHead = (Integer.toHexString(BLOCK) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] crlf = {'\r', '\n'};
            for (long offset = 0; offset < ONE_GIB; offset += BLOCK) {
                fillPattern(block, offset);
                out.write(chunkHead);
                out.write(block);
                out.write(crlf);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200");
            String expected = ONE_GIB + " " + patternDigest(ONE_GIB);
            assertThat(new String(in.readNBytes(expected.length()), StandardCharsets.US_ASCII)).isEqualTo(expected);
        }
    }

    /** Byte i of the pattern is a function of i, so any loss, duplication or reordering shows. */
    private static void fillPattern(byte[] block, long offset) {
        for (int i = 0; i < block.length; i++) {
            long position = offset + i;
            block[i] = (byte) (position * 31 + (position >>> 13));
        }
    }

    private static void writePattern(OutputStream out, long length) throws IOException {
        byte[] block = new byte[BLOCK];
        for (long offset = 0; offset < length; offset += BLOCK) {
            fillPattern(block, offset);
            out.write(block, 0, (int) Math.min(BLOCK, length - offset));
        }
    }

    private static String expectedDigest;

    private static synchronized String patternDigest(long length) {
        if (expectedDigest == null) {
            MessageDigest digest = sha256();
            byte[] block = new byte[BLOCK];
            for (long offset = 0; offset < length; offset += BLOCK) {
                fillPattern(block, offset);
                digest.update(block, 0, (int) Math.min(BLOCK, length - offset));
            }
            expectedDigest = HexFormat.of().formatHex(digest.digest());
        }
        return expectedDigest;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
