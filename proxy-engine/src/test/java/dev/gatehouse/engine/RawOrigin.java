package dev.gatehouse.engine;

import dev.gatehouse.engine.config.ServerDefinition;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An origin on plain blocking sockets, for behaviour a framework would hide: each accepted
 * connection runs {@link Script#serve} on its own thread, with helpers to read request heads.
 */
final class RawOrigin implements AutoCloseable {

    @FunctionalInterface
    interface Script {
        /** Serves one accepted connection; {@code number} counts connections from 1. */
        void serve(Socket socket, int number) throws IOException;
    }

    private final ServerSocket server;
    private final ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();
    final AtomicInteger connections = new AtomicInteger();

    RawOrigin(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    sockets.add(socket);
                    int number = connections.incrementAndGet();
                    Thread worker = new Thread(() -> {
                        try (socket) {
                            script.serve(socket, number);
                        } catch (IOException ignored) {
                            // the peer went away; that is what several scripts test
                        }
                    }, "raw-origin-" + number);
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "raw-origin-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    ServerDefinition server() {
        return new ServerDefinition("127.0.0.1", server.getLocalPort());
    }

    /** Reads one request head (through the blank line) and skips its Content-Length body; null at end of stream. */
    static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                long length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                in.skipNBytes(length);
            }
        }
        return text;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
