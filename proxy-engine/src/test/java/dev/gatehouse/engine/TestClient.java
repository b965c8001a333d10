package dev.gatehouse.engine;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/** A keep-alive HTTP client aimed at the engine, setting any Host header it is told to. */
final class TestClient implements AutoCloseable {

    record Response(int status, HttpHeaders headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final ConnectionProvider provider;
    private final HttpClient client;

    TestClient(int port) {
        this.provider = ConnectionProvider.builder("test-client").maxConnections(32).pendingAcquireMaxCount(-1).build();
        this.client = HttpClient.create(provider)
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30));
    }

    Response get(String host, String path) {
        return send(HttpMethod.GET, host, path, headers -> { }, null);
    }

    Response send(HttpMethod method, String host, String path, Consumer<HttpHeaders> headers, String body) {
        return client.headers(h -> {
                    h.set(HttpHeaderNames.HOST, host);
                    headers.accept(h);
                })
                .request(method)
                .uri(path)
                .send(body == null ? Mono.empty() : ByteBufFlux.fromString(Mono.just(body)))
                .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("")
                        .map(text -> new Response(response.status().code(), response.responseHeaders(), text)))
                .block(Duration.ofSeconds(40));
    }

    HttpClient raw() {
        return client;
    }

    @Override
    public void close() {
        provider.disposeLater().block(Duration.ofSeconds(5));
    }

    /**
     * Sends bytes exactly as given on a new connection and returns everything the server sends back
     * until it closes (requests should say {@code Connection: close}).
     */
    static String rawExchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.write(buffer, 0, n);
            }
            return received.toString(StandardCharsets.UTF_8);
        }
    }
}
