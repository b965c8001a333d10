package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.balancing.ServerStatus;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Backends that speak HTTP/2 (h2c with prior knowledge), reached by HTTP/1.1 and HTTP/2 clients
 * alike: headers both ways, bodies, trailers, and active health checks sent as HTTP/2 streams.
 */
class Http2BackendTest {

    private static DisposableServer origin;
    private static TestOrigin http1Only;
    private static ProxyEngine engine;
    private static final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();

    record Seen(String protocol, String uri, HttpHeaders headers, int bodyLength) {
    }

    @BeforeAll
    static void start() {
        origin = HttpServer.create().host("127.0.0.1").port(0).protocol(HttpProtocol.H2C)
                .route(routes -> routes
                        .get("/health", (request, response) -> response.sendString(Mono.just("ok")))
                        .route(request -> true, (request, response) -> request.receive().aggregate().asByteArray()
                                .defaultIfEmpty(new byte[0])
                                .flatMap(body -> {
                                    seen.add(new Seen(request.version().text(), request.uri(), request.requestHeaders().copy(), body.length));
                                    return response.header("x-origin", "h2")
                                            .header("trailer", "x-checksum")
                                            .trailerHeaders(trailers -> trailers.set("x-checksum", "sum-" + body.length))
                                            .sendString(Flux.just("h2 origin saw ", request.uri() + " with " + body.length + " bytes"))
                                            .then();
                                })))
                .bindNow();
        http1Only = TestOrigin.start("http1");
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(2));
        HealthCheckDefinition fastCheck = HealthCheckDefinition.of("/health")
                .withInterval(Duration.ofMillis(200), Duration.ofMillis(150)).withThresholds(1, 1);
        List<BackendDefinition> backends = List.of(
                new BackendDefinition("h2", List.of(new ServerDefinition("127.0.0.1", origin.port())))
                        .withProtocol(BackendProtocol.HTTP2),
                new BackendDefinition("checked", List.of(new ServerDefinition("127.0.0.1", origin.port())))
                        .withProtocol(BackendProtocol.HTTP2).withHealthCheck(fastCheck),
                new BackendDefinition("not-h2", List.of(http1Only.server()))
                        .withProtocol(BackendProtocol.HTTP2).withHealthCheck(fastCheck));
        ApplyResult result = engine.apply(new ConfigSnapshot(1, backends, List.of(site("1", "h2.test", "h2"),
                site("2", "checked.test", "checked"), site("3", "not-h2.test", "not-h2"))));
        assertThat(result.outcome()).as(result.errors().toString()).isEqualTo(Outcome.APPLIED);
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (origin != null) {
            origin.disposeNow();
        }
        if (http1Only != null) {
            http1Only.close();
        }
    }

    private static Tools.Result curl(String... args) {
        List<String> command = new ArrayList<>(List.of(Tools.CURL, "-sS", "--max-time", "20", "-D", "-",
                "--connect-to", "h2.test:80:127.0.0.1:" + engine.httpPort()));
        command.addAll(List.of(args));
        Tools.Result result = Tools.run(command);
        assertThat(result.exitCode()).as(result.all()).isZero();
        return result;
    }

    @Test
    void anHttp11ClientReachesAnH2cServerAndGetsItsTrailersInTheChunkedEnd() {
        seen.clear();
        String out = curl("--http1.1", "-H", "x-client: yes", "http://h2.test/a/b?c=d").stdout();
        String lower = out.toLowerCase();
        assertThat(lower).startsWith("http/1.1 200").contains("x-origin: h2").contains("transfer-encoding: chunked")
                .doesNotContain("x-http2-stream-id");
        assertThat(out).contains("h2 origin saw /a/b?c=d with 0 bytes");
        // curl lists the chunked trailer after the body in its header dump.
        assertThat(lower).contains("x-checksum: sum-0");
        Seen request = seen.poll();
        assertThat(request.protocol()).isEqualTo("HTTP/2.0");
        assertThat(request.uri()).isEqualTo("/a/b?c=d");
        assertThat(request.headers().get("host")).isEqualTo("h2.test");
        assertThat(request.headers().get("x-client")).isEqualTo("yes");
        assertThat(request.headers().get("x-forwarded-for")).isEqualTo("127.0.0.1");
        // Connection-specific headers (connection, transfer-encoding...) would have been a protocol
        // error the origin's HTTP/2 decoder rejects; the 200 above says none was sent.
        assertThat(request.headers().contains("connection")).as(request.headers().toString()).isFalse();
    }

    @Test
    void aChunkedUploadFromHttp11ArrivesWhole(@TempDir Path dir) throws Exception {
        seen.clear();
        byte[] body = new byte[300_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        Path file = Files.write(dir.resolve("upload.bin"), body);
        String out = curl("--http1.1", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file,
                "http://h2.test/upload").stdout();
        assertThat(out).contains("with 300000 bytes");
        assertThat(seen.poll().bodyLength()).isEqualTo(300_000);
    }

    @Test
    void anHttp2ClientKeepsTeTrailersAndGetsTheTrailersAsTrailers() {
        seen.clear();
        String out = curl("--http2-prior-knowledge", "-H", "te: trailers", "http://h2.test/grpc-like").stdout().toLowerCase();
        assertThat(out).startsWith("http/2 200").contains("x-checksum: sum-0");
        assertThat(seen.poll().headers().get("te")).isEqualTo("trailers");
    }

    @Test
    void healthChecksAreHttp2StreamsAndAServerThatCannotSpeakItIsDown() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            ServerStatus checked = engine.backendStatus().get("checked").get(0);
            assertThat(checked.lastCheck()).isNotNull();
            assertThat(checked.lastCheck().status()).as(String.valueOf(checked.lastCheck())).isEqualTo(200);
            assertThat(checked.state()).isEqualTo("up");
            ServerStatus notH2 = engine.backendStatus().get("not-h2").get(0);
            assertThat(notH2.lastCheck()).isNotNull();
            assertThat(notH2.lastCheck().good()).isFalse();
            assertThat(notH2.state()).isEqualTo("down");
        });
        assertThat(Tools.run(List.of(Tools.CURL, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                "--connect-to", "checked.test:80:127.0.0.1:" + engine.httpPort(), "http://checked.test/x")).stdout())
                .isEqualTo("200");
        assertThat(new String(Tools.run(List.of(Tools.CURL, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                "--connect-to", "not-h2.test:80:127.0.0.1:" + engine.httpPort(), "http://not-h2.test/x")).stdout()
                .getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII)).isEqualTo("502");
    }
}
