package dev.gatehouse.admin.it;

import io.netty.handler.codec.http.HttpHeaderNames;
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
}
