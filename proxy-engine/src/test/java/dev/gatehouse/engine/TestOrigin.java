package dev.gatehouse.engine;

import dev.gatehouse.engine.config.ServerDefinition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A real origin server on 127.0.0.1 and an ephemeral port, recording what reached it.
 *
 * <p>Paths it understands (any method):
 * <ul>
 *   <li>{@code /slow?ms=N} waits N ms before answering;</li>
 *   <li>{@code /download?bytes=N} streams N bytes (chunked) in 64 KiB pieces;</li>
 *   <li>{@code /upload} counts the request body and answers the count;</li>
 *   <li>{@code /status/N} answers status N with an empty body;</li>
 *   <li>{@code /fixed} answers "0123456789" with an explicit Content-Length, also on HEAD;</li>
 *   <li>anything else answers 200 "origin=NAME path=URI" with a few headers of its own.</li>
 * </ul>
 */
final class TestOrigin implements AutoCloseable {

    record SeenRequest(String method, String uri, HttpHeaders headers) {
    }

    final String name;
    private final DisposableServer server;
    final AtomicInteger connections = new AtomicInteger();
    /** Origin connections that have closed (either side closing them). */
    final AtomicInteger closedConnections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final ConcurrentLinkedQueue<SeenRequest> seen = new ConcurrentLinkedQueue<>();

    private TestOrigin(String name, BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> custom,
                       Duration idleTimeout) {
        this(name, custom, idleTimeout, 0);
    }

    private TestOrigin(String name, BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> custom,
                       Duration idleTimeout, int port) {
        this.name = name;
        HttpServer http = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .httpRequestDecoder(spec -> spec.maxHeaderSize(64 * 1024))
                // doOnConnection fires per HTTP request; channel init fires once per TCP connection.
                .doOnChannelInit((observer, channel, remote) -> {
                    connections.incrementAndGet();
                    channel.closeFuture().addListener(f -> closedConnections.incrementAndGet());
                })
                .handle(custom != null ? custom : this::handle);
        this.server = (idleTimeout == null ? http : http.idleTimeout(idleTimeout)).bindNow();
    }

    static TestOrigin start(String name) {
        return new TestOrigin(name, null, null);
    }

    static TestOrigin start(String name, BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
        return new TestOrigin(name, handler, null);
    }

    /** An origin on a given port: the same server again after a {@link #close()}. */
    static TestOrigin startOnPort(String name, int port) {
        return new TestOrigin(name, null, null, port);
    }

    /** An origin that closes keep-alive connections idle for longer than {@code idleTimeout}. */
    static TestOrigin startClosingIdleConnectionsAfter(String name, Duration idleTimeout) {
        return new TestOrigin(name, null, idleTimeout);
    }

    int port() {
        return ((InetSocketAddress) server.address()).getPort();
    }

    ServerDefinition server() {
        return new ServerDefinition("127.0.0.1", port());
    }

    SeenRequest lastSeen() {
        SeenRequest last = null;
        for (SeenRequest r : seen) {
            last = r;
        }
        return last;
    }

    private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        requests.incrementAndGet();
        seen.add(new SeenRequest(request.method().name(), request.uri(), new DefaultHttpHeaders().set(request.requestHeaders())));
        if (seen.size() > 10_000) {
            seen.poll();
        }
        String uri = request.uri();
        if (uri.startsWith("/slow")) {
            long ms = Long.parseLong(param(uri, "ms"));
            return request.receive().then()
                    .then(Mono.delay(Duration.ofMillis(ms)))
                    .then(Mono.defer(() -> response.header("x-origin", name)
                            .sendString(Mono.just("slow origin=" + name)).then()));
        }
        if (uri.startsWith("/download")) {
            long bytes = Long.parseLong(param(uri, "bytes"));
            int piece = 64 * 1024;
            long pieces = (bytes + piece - 1) / piece;
            Flux<ByteBuf> body = Flux.range(0, (int) pieces).map(i -> {
                int size = (int) Math.min(piece, bytes - (long) i * piece);
                byte[] chunk = new byte[size];
                java.util.Arrays.fill(chunk, (byte) ('a' + (i % 26)));
                return Unpooled.wrappedBuffer(chunk);
            });
            return response.header("x-origin", name).send(body).then();
        }
        if (uri.startsWith("/upload")) {
            return request.receive()
                    .map(ByteBuf::readableBytes)
                    .reduce(0L, (sum, n) -> sum + n)
                    .flatMap(total -> response.header("x-origin", name)
                            .sendString(Mono.just("received=" + total)).then());
        }
        if (uri.startsWith("/fixed")) {
            response.header("x-origin", name).header("content-type", "text/plain").header("content-length", "10");
            return "HEAD".equals(request.method().name()) ? response.send()
                    : response.sendString(Mono.just("0123456789")).then();
        }
        if (uri.startsWith("/status/")) {
            int status = Integer.parseInt(uri.substring("/status/".length()));
            return response.status(status).header("x-origin", name).send();
        }
        return request.receive().then().then(Mono.defer(() -> response
                .header("x-origin", name)
                .header("x-custom", "kept")
                .header("set-cookie", "a=1")
                .addHeader("set-cookie", "b=2")
                .header("keep-alive", "timeout=5")
                .header("connection", "keep-alive, x-hop")
                .header("x-hop", "must-not-pass")
                .header("proxy-authenticate", "Basic")
                .status(200)
                .sendString(Mono.just("origin=" + name + " path=" + uri), StandardCharsets.UTF_8)
                .then()));
    }

    static String param(String uri, String name) {
        int q = uri.indexOf('?');
        for (String pair : uri.substring(q + 1).split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new IllegalArgumentException("no " + name + " in " + uri);
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
