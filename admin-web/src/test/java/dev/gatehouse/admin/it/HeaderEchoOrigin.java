package dev.gatehouse.admin.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An origin on 127.0.0.1 that answers 200 with what reached it: a {@code path: } line, then each
 * request header as {@code name: value} (lower-case names, sorted), and an {@code X-Powered-By}
 * response header of its own for response-rule tests. For API tests that check what the proxy sends on.
 */
final class HeaderEchoOrigin implements AutoCloseable {

    private final HttpServer server;
    /** Requests that reached it. */
    final AtomicInteger requests = new AtomicInteger();

    private HeaderEchoOrigin(HttpServer server) {
        this.server = server;
    }

    static HeaderEchoOrigin start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HeaderEchoOrigin origin = new HeaderEchoOrigin(server);
        server.createContext("/", exchange -> {
            origin.requests.incrementAndGet();
            Map<String, List<String>> sorted = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> sorted.put(name.toLowerCase(), values));
            StringBuilder body = new StringBuilder("path: " + exchange.getRequestURI().getRawPath() + "\n");
            sorted.forEach((name, values) -> values.forEach(value -> body.append(name).append(": ").append(value).append('\n')));
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("X-Powered-By", "origin");
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return origin;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
