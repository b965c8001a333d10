package dev.gatehouse.engine;

import dev.gatehouse.engine.forward.NettyForwarder;
import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Cleartext HTTP/2 with prior knowledge on the HTTP port: real h2c clients, real HTTP/1.1 origins. */
class ProxyHttp2Test {

    private static final int TEN_MB = 10 * 1024 * 1024;

    private static TestOrigin origin;
    private static ProxyEngine engine;
    private static ConnectionProvider oneConnection;
    private static AtomicInteger clientConnections = new AtomicInteger();
    private static HttpClient h2c;

    record Answer(int status, HttpHeaders headers, String body, String protocol) {
    }

    @BeforeAll
    static void start() throws IOException {
        origin = TestOrigin.start("a");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(2));
        List<BackendDefinition> backends = List.of(backend("a", origin),
                backend("refused", new ServerDefinition("127.0.0.1", closedPort)));
        List<SiteDefinition> sites = List.of(site("1", "a.test", "a"), site("2", "refused.test", "refused"));
        assertThat(engine.apply(new ConfigSnapshot(1, backends, sites)).outcome()).isEqualTo(Outcome.APPLIED);
        oneConnection = ConnectionProvider.builder("h2c-test").maxConnections(1).build();
        h2c = client(engine.httpPort(), oneConnection)
                .doOnChannelInit((observer, channel, remote) -> clientConnections.incrementAndGet());
    }

    @AfterAll
    static void stop() {
        oneConnection.disposeLater().block(Duration.ofSeconds(5));
        engine.close();
        origin.close();
    }

    private static HttpClient client(int port, ConnectionProvider provider) {
        return HttpClient.create(provider)
                .protocol(HttpProtocol.H2C)
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20));
    }

    private static Answer get(HttpClient client, String host, String path) {
        return client.headers(h -> h.set("host", host))
                .get().uri(path)
                .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Answer(response.status().code(), response.responseHeaders(), text,
                                response.version().text())))
                .block(Duration.ofSeconds(30));
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void h2loadWithPriorKnowledgeGetsEveryRequestAnswered() {
        Tools.Result run = Tools.run(List.of(Tools.H2LOAD, "-n", "3000", "-c", "4", "-m", "10", "-H", ":authority: a.test",
                "http://127.0.0.1:" + engine.httpPort() + "/h2load"));
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.stdout()).as(run.all()).contains("Application protocol: h2c")
                .contains("3000 succeeded, 0 failed").contains("status codes: 3000 2xx");
    }

    @Test
    void curlPriorKnowledgeReachesTheOriginOverHttp11WithForwardingHeaders() throws Exception {
        int before = origin.requests.get();
        String out = curl("--http2-prior-knowledge", "-D", "-", "-H", "x-client: yes",
                "--connect-to", "a.test:80:127.0.0.1:" + engine.httpPort(), "http://a.test/hello?x=1");
        assertThat(origin.requests.get()).isEqualTo(before + 1);
        String head = out.substring(0, out.indexOf("\r\n\r\n")).toLowerCase();
        String body = out.substring(out.indexOf("\r\n\r\n") + 4);
        assertThat(head).startsWith("http/2 200");
        assertThat(head).contains("x-origin: a").contains("x-custom: kept").contains("set-cookie: a=1");
        assertThat(head).doesNotContain("connection:").doesNotContain("keep-alive").doesNotContain("transfer-encoding")
                .doesNotContain("x-hop").doesNotContain("proxy-authenticate").doesNotContain("upgrade");
        assertThat(body).isEqualTo("origin=a path=/hello?x=1");

        TestOrigin.SeenRequest seen = origin.lastSeen();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.uri()).isEqualTo("/hello?x=1");
        assertThat(seen.headers().getAll("host")).containsExactly("a.test");
        assertThat(seen.headers().get("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(seen.headers().get("x-forwarded-proto")).isEqualTo("http");
        assertThat(seen.headers().get("x-forwarded-host")).isEqualTo("a.test");
        assertThat(seen.headers().get("x-client")).isEqualTo("yes");
        assertThat(seen.headers().names()).noneMatch(name -> name.toLowerCase().startsWith("x-http2"));
        assertThat(seen.headers().names()).noneMatch(name -> name.startsWith(":"));
    }

    @Test
    void curlPriorKnowledgeUploadWithContentLengthAndExpectContinue() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("h2c-upload", ".bin");
        try {
            java.nio.file.Files.write(file, new byte[300 * 1024]);
            String out = curl("--http2-prior-knowledge", "-H", "Expect: 100-continue", "--data-binary", "@" + file,
                    "--connect-to", "a.test:80:127.0.0.1:" + engine.httpPort(), "http://a.test/upload");
            assertThat(out).isEqualTo("received=" + 300 * 1024);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void curlHttp11OnTheSamePortStillWorks() throws Exception {
        String out = curl("--http1.1", "-D", "-", "--connect-to", "a.test:80:127.0.0.1:" + engine.httpPort(),
                "http://a.test/plain");
        assertThat(out.toLowerCase()).startsWith("http/1.1 200").contains("x-origin: a");
        assertThat(out).endsWith("origin=a path=/plain");
    }

    @Test
    void theUrlLengthLimitAppliesToHttp2AsToHttp1() throws Exception {
        String longPath = "/" + "a".repeat(NettyForwarder.MAX_REQUEST_LINE_BYTES + 10);
        Answer h2 = get(h2c, "a.test", longPath);
        assertThat(h2.status()).isEqualTo(414);
        String http1 = TestClient.rawExchange(engine.httpPort(), "GET " + longPath + " HTTP/1.1\r\nHost: a.test\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(http1).startsWith("HTTP/1.1 414");
        assertThat(get(h2c, "a.test", "/short").status()).as("the connection goes on").isEqualTo(200);
    }

    @Test
    void reactorNettyH2cClientIsForwarded() {
        Answer answer = get(h2c, "a.test", "/via-reactor");
        assertThat(answer.protocol()).isEqualTo("HTTP/2.0");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("origin=a path=/via-reactor");
        assertThat(answer.headers().get("x-custom")).isEqualTo("kept");
        assertThat(answer.headers().contains("connection")).isFalse();
        assertThat(answer.headers().contains("keep-alive")).isFalse();
    }

    @Test
    void fiftyConcurrentStreamsOnOneConnectionAllSucceed() {
        get(h2c, "a.test", "/warm"); // the one connection is open
        int connectionsBefore = clientConnections.get();
        List<Answer> answers = Flux.range(0, 50)
                .flatMap(i -> h2c.headers(h -> h.set("host", "a.test"))
                        .get().uri("/slow?ms=200&i=" + i)
                        .responseSingle((response, body) -> body.asString().map(text ->
                                new Answer(response.status().code(), response.responseHeaders(), text,
                                        response.version().text()))), 50)
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(answers).hasSize(50).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("slow origin=a");
            assertThat(answer.protocol()).isEqualTo("HTTP/2.0");
        });
        assertThat(clientConnections.get()).isEqualTo(connectionsBefore);
    }

    @Test
    void tenMegabyteUploadAndDownloadStreamThrough() {
        byte[] piece = new byte[64 * 1024];
        java.util.Arrays.fill(piece, (byte) 'u');
        String uploaded = h2c.headers(h -> h.set("host", "a.test"))
                .post().uri("/upload")
                .send(Flux.range(0, TEN_MB / piece.length).map(i -> Unpooled.wrappedBuffer(piece)))
                .responseSingle((response, body) -> body.asString())
                .block(Duration.ofSeconds(60));
        assertThat(uploaded).isEqualTo("received=" + TEN_MB);

        Long downloaded = h2c.headers(h -> h.set("host", "a.test"))
                .get().uri("/download?bytes=" + TEN_MB)
                .responseContent()
                .map(ByteBuf::readableBytes)
                .reduce(0L, (sum, n) -> sum + n)
                .block(Duration.ofSeconds(60));
        assertThat(downloaded).isEqualTo((long) TEN_MB);
    }

    @Test
    void unknownHostGetsTheBranded404OverHttp2() {
        Answer answer = get(h2c, "nobody.test", "/");
        assertThat(answer.protocol()).isEqualTo("HTTP/2.0");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.headers().get("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(answer.body()).contains("<title>404").contains("Gatehouse</title>");
        assertThat(answer.headers().get("content-length")).isEqualTo(String.valueOf(answer.body().getBytes().length));
        assertThat(answer.headers().contains("connection")).isFalse();
    }

    @Test
    void refusedBackendGets502OverHttp2AndTheConnectionGoesOn() {
        Answer answer = get(h2c, "refused.test", "/");
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.body()).contains("<title>502");
        assertThat(get(h2c, "a.test", "/after").status()).isEqualTo(200);
    }

    @Test
    void headAndEmptyStatusesOverHttp2() {
        Answer head = h2c.headers(h -> h.set("host", "a.test")).head().uri("/fixed")
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Answer(response.status().code(), response.responseHeaders(), text, "")))
                .block(Duration.ofSeconds(10));
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers().get("content-length")).isEqualTo("10");
        assertThat(head.body()).isEmpty();
        assertThat(get(h2c, "a.test", "/status/204").status()).isEqualTo(204);
    }

    @Test
    void gracefulCloseLetsAnInFlightStreamFinish() throws Exception {
        try (TestOrigin slow = TestOrigin.start("slow")) {
            ProxyEngine own = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0)
                    .shutdownGrace(Duration.ofSeconds(5)));
            assertThat(own.apply(new ConfigSnapshot(1, List.of(backend("s", slow)), List.of(site("1", "s.test", "s"))))
                    .outcome()).isEqualTo(Outcome.APPLIED);
            ConnectionProvider provider = ConnectionProvider.builder("h2c-close").maxConnections(1).build();
            try {
                HttpClient client = client(own.httpPort(), provider);
                Mono<Answer> inFlight = client.headers(h -> h.set("host", "s.test")).get().uri("/slow?ms=700")
                        .responseSingle((response, body) -> body.asString().map(text ->
                                new Answer(response.status().code(), response.responseHeaders(), text, "")))
                        .cache();
                inFlight.subscribe();
                await().atMost(Duration.ofSeconds(5)).until(() -> slow.requests.get() == 1);
                own.close();
                Answer answer = inFlight.block(Duration.ofSeconds(10));
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.body()).isEqualTo("slow origin=slow");
            } finally {
                own.close();
                provider.disposeLater().block(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void applyUnderH2cLoadFailsNoRequest() throws Exception {
        try (TestOrigin blue = TestOrigin.start("blue");
             TestOrigin green = TestOrigin.start("green");
             ProxyEngine own = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0))) {
            assertThat(own.apply(loadSnapshot(1, blue)).outcome()).isEqualTo(Outcome.APPLIED);
            ConnectionProvider provider = ConnectionProvider.builder("h2c-load").maxConnections(4).build();
            try {
                HttpClient client = client(own.httpPort(), provider);
                int total = 3000;
                LongAdder completed = new LongAdder();
                ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
                Map<String, AtomicInteger> byOrigin = new ConcurrentHashMap<>();
                Mono<Void> load = Flux.range(0, total)
                        .flatMap(i -> {
                            String path = "/load/" + i;
                            return client.headers(h -> h.set("host", "load.test")).get().uri(path)
                                    .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                                            .map(text -> {
                                                String from = response.responseHeaders().get("x-origin");
                                                if (response.status().code() != 200 || from == null
                                                        || !text.equals("origin=" + from + " path=" + path)) {
                                                    failures.add(path + " -> " + response.status() + " " + text);
                                                } else {
                                                    byOrigin.computeIfAbsent(from, o -> new AtomicInteger()).incrementAndGet();
                                                }
                                                return text;
                                            }))
                                    .onErrorResume(e -> {
                                        failures.add(path + " -> " + e);
                                        return Mono.empty();
                                    })
                                    .doFinally(s -> completed.increment());
                        }, 32)
                        .then();
                var running = load.toFuture();
                List<ApplyResult> applies = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    long target = (long) (i + 1) * total / 22;
                    await().atMost(Duration.ofSeconds(30)).until(() -> completed.sum() >= target);
                    applies.add(own.apply(loadSnapshot(2 + i, i % 2 == 0 ? green : blue)));
                }
                running.get(60, TimeUnit.SECONDS);
                assertThat(applies).extracting(ApplyResult::outcome).containsOnly(Outcome.APPLIED);
                assertThat(failures).as("failed requests").isEmpty();
                assertThat(completed.sum()).isEqualTo(total);
                assertThat(byOrigin.keySet()).containsExactlyInAnyOrder("blue", "green");
            } finally {
                provider.disposeLater().block(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void prefaceSplitAcrossReadsIsStillHttp2() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", engine.httpPort())) {
            socket.setSoTimeout(5000);
            var out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(100);
            out.write("\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            out.flush();
            byte[] frameHeader = socket.getInputStream().readNBytes(9);
            assertThat(frameHeader).hasSize(9);
            assertThat(frameHeader[3]).as("first frame type: SETTINGS").isEqualTo((byte) 4);
        }
    }

    @Test
    void http11RequestSentByteByByteIsNotMistakenForThePreface() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", engine.httpPort())) {
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            var out = socket.getOutputStream();
            for (byte b : "POST /bytes HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
            }
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("origin=a path=/bytes");
        }
    }

    private static ConfigSnapshot loadSnapshot(long revision, TestOrigin target) {
        return new ConfigSnapshot(revision, List.of(backend("app", target)), List.of(site("load", "load.test", "app")));
    }
}
