package dev.gatehouse.admin.it;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** Sends plain HTTP/1.1 requests with a chosen Host header to the engine's port, like a browser would. */
final class ProxyClient {

    /** What came back: status and body text. */
    record Answer(int status, String body) {
    }

    private static final ConnectionProvider CONNECTIONS = ConnectionProvider.newConnection();

    private ProxyClient() {
    }

    static Answer get(int port, String host, String path) {
        return HttpClient.create(CONNECTIONS)
                .host("127.0.0.1")
                .port(port)
                .responseTimeout(Duration.ofSeconds(5))
                .headers(headers -> headers.set(HttpHeaderNames.HOST, host))
                .get()
                .uri(path)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Answer(response.status().code(), text)))
                .block(Duration.ofSeconds(10));
    }

    /**
     * Sends {@code request} byte for byte on a new connection and returns everything the proxy sends
     * until it closes ("" when it says nothing). A connection ended with a reset after (or instead
     * of) an answer keeps what arrived.
     */
    static String raw(int port, String request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    answer.write(buffer, 0, read);
                }
            } catch (SocketException reset) {
                // what arrived before the reset is the answer
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
