package dev.gatehouse.engine;

import dev.gatehouse.engine.balancing.ServerStatus;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backends that stay up, through the real engine to real servers on loopback: failover on connect
 * failures, retries by method, passive ejection, active health checks, all-down fast 502s, sticky
 * sessions and a server killed under load.
 */
class BackendFailoverTest {

    private ProxyEngine engine;
    private TestClient client;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private long revision;

    @BeforeEach
    void start() {
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(2));
        client = new TestClient(engine.httpPort());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        engine.close();
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private void apply(BackendDefinition backend) {
        ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(backend),
                List.of(site("1", "app.test", backend.name()))));
        assertThat(result.outcome()).as(result.errors().toString()).isEqualTo(ApplyResult.Outcome.APPLIED);
    }

    /** A port nothing listens on: connects are refused. */
    private static ServerDefinition refusingServer() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new ServerDefinition("127.0.0.1", socket.getLocalPort());
        }
    }

    private List<ServerStatus> status() {
        return engine.backendStatus().get("app");
    }

    private String stateOf(int server) {
        return status().get(server).state();
    }

    private static void awaitTrue(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aRefusedConnectIsRetriedOnTheNextServerForEveryMethodAndEjectsTheServer() throws IOException {
        TestOrigin live = closeLater(TestOrigin.start("live"));
        apply(new BackendDefinition("app", List.of(refusingServer(), live.server())));
        for (int i = 0; i < 6; i++) {
            assertThat(client.get("app.test", "/get").status()).isEqualTo(200);
            TestClient.Response post = client.send(HttpMethod.POST, "app.test", "/upload", h -> { }, "hello");
            assertThat(post.status()).as("a POST that never reached a server may go elsewhere").isEqualTo(200);
            assertThat(post.body()).isEqualTo("received=5");
        }
        assertThat(stateOf(0)).isEqualTo("ejected");
        assertThat(stateOf(1)).isEqualTo("up");
    }

    /** The nginx "return 444" pattern: reads the request, closes without a word, counts what it got. */
    private RawOrigin closingServer(ConcurrentLinkedQueue<String> received) throws IOException {
        return closeLater(new RawOrigin((socket, number) -> {
            String head;
            while ((head = RawOrigin.readRequest(socket.getInputStream())) != null) {
                received.add(head.substring(0, head.indexOf(' ')));
                socket.close();
                return;
            }
        }));
    }

    @Test
    void anEmptyAnswerIsRetriedElsewhereForAGetButAPostIsNeverSentTwice() throws IOException {
        ConcurrentLinkedQueue<String> closerSaw = new ConcurrentLinkedQueue<>();
        RawOrigin closer = closingServer(closerSaw);
        TestOrigin live = closeLater(TestOrigin.start("live"));
        apply(new BackendDefinition("app", List.of(closer.server(), live.server()))
                .withBalancing(LoadBalancing.ROUND_ROBIN).withPassiveHealth(PassiveHealthDefinition.OFF));
        for (int i = 0; i < 8; i++) {
            assertThat(client.get("app.test", "/get").status()).as("GET %d", i).isEqualTo(200);
        }
        int posts = 0;
        int postFailures = 0;
        for (int i = 0; i < 8; i++) {
            TestClient.Response post = client.send(HttpMethod.POST, "app.test", "/upload", h -> { }, "body");
            posts++;
            if (post.status() == 502) {
                postFailures++;
            } else {
                assertThat(post.status()).isEqualTo(200);
            }
        }
        long postsAtCloser = closerSaw.stream().filter("POST"::equals).count();
        long postsAtLive = live.seen.stream().filter(r -> r.method().equals("POST")).count();
        assertThat(postsAtCloser).as("POSTs that reached the closing server").isEqualTo(postFailures).isPositive();
        assertThat(postsAtCloser + postsAtLive).as("each POST reached exactly one server").isEqualTo(posts);
        assertThat(closerSaw).contains("GET");
    }

    @Test
    void a503IsRetriedElsewhereForAGetAndPassedOnForAPost() {
        TestOrigin failing = closeLater(TestOrigin.start("failing", (request, response) ->
                response.status(503).sendString(reactor.core.publisher.Mono.just("busy"))));
        TestOrigin live = closeLater(TestOrigin.start("live"));
        apply(new BackendDefinition("app", List.of(failing.server(), live.server()))
                .withPassiveHealth(PassiveHealthDefinition.OFF));
        for (int i = 0; i < 6; i++) {
            assertThat(client.get("app.test", "/get").status()).isEqualTo(200);
        }
        List<Integer> postStatuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            postStatuses.add(client.send(HttpMethod.POST, "app.test", "/upload", h -> { }, "x").status());
        }
        assertThat(postStatuses).contains(503, 200);
    }

    @Test
    void failingActiveChecksTakeServersDownAndAllDownAnswers502AtOnce() throws Exception {
        // Accepts connections but never answers: without health checks every request would wait.
        ServerSocket silent = closeLater(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        ServerDefinition server = new ServerDefinition("127.0.0.1", silent.getLocalPort());
        apply(new BackendDefinition("app", List.of(server), Duration.ofSeconds(5), Duration.ofSeconds(30))
                .withHealthCheck(HealthCheckDefinition.of("/health")
                        .withInterval(Duration.ofMillis(200), Duration.ofMillis(100)).withThresholds(1, 2)));
        awaitTrue("the silent server is down", Duration.ofSeconds(5), () -> stateOf(0).equals("down"));
        ServerStatus status = status().get(0);
        assertThat(status.lastCheck().error()).contains("no answer within 100 ms");
        long start = System.nanoTime();
        TestClient.Response response = client.get("app.test", "/");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(response.status()).isEqualTo(502);
        assertThat(millis).as("answered without waiting for the server").isLessThan(1000);
    }

    @Test
    void aServerKilledUnderLoadCostsNoClientErrorsAndComesBackAfterARestart() throws Exception {
        TestOrigin steady = closeLater(TestOrigin.start("steady"));
        TestOrigin victim = TestOrigin.start("victim");
        int victimPort = victim.port();
        apply(new BackendDefinition("app", List.of(steady.server(), victim.server()))
                .withHealthCheck(HealthCheckDefinition.of("/health")
                        .withInterval(Duration.ofMillis(500), Duration.ofMillis(300)).withThresholds(1, 2)));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            Thread load = new Thread(() -> {
                try {
                    while (running.get()) {
                        try {
                            TestClient.Response response = client.get("app.test", "/load");
                            if (response.status() == 200) {
                                ok.incrementAndGet();
                            } else {
                                errors.add("status " + response.status());
                            }
                        } catch (RuntimeException e) {
                            errors.add(e.toString());
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
            load.setDaemon(true);
            load.start();
        }
        try {
            awaitTrue("some load went through", Duration.ofSeconds(10), () -> ok.get() > 200);
            long killedAt = System.nanoTime();
            victim.close();
            awaitTrue("the killed server is marked down", Duration.ofSeconds(5), () -> stateOf(1).equals("down"));
            long detectMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertThat(detectMillis).as("detected within the thresholds (2 checks, 500 ms apart)").isLessThan(2500);
            int okAfterKill = ok.get();
            awaitTrue("load goes on", Duration.ofSeconds(10), () -> ok.get() > okAfterKill + 200);
            victim = TestOrigin.startOnPort("victim", victimPort);
            long restartedAt = System.nanoTime();
            awaitTrue("the restarted server is up", Duration.ofSeconds(5), () -> stateOf(1).equals("up"));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt))
                    .as("back within one interval (500 ms) and the check itself").isLessThan(1000);
            int victimSeenBefore = victim.requests.get();
            TestOrigin restarted = victim;
            awaitTrue("the restarted server takes requests again", Duration.ofSeconds(5),
                    () -> restarted.requests.get() > victimSeenBefore + 10);
        } finally {
            running.set(false);
            done.await(30, TimeUnit.SECONDS);
            victim.close();
        }
        assertThat(errors).as("client-visible errors during the kill").isEmpty();
    }

    @Test
    void stickyCookieKeepsAClientOnOneServer() {
        TestOrigin one = closeLater(TestOrigin.start("one"));
        TestOrigin two = closeLater(TestOrigin.start("two"));
        apply(new BackendDefinition("app", List.of(one.server(), two.server())).withBalancing(LoadBalancing.STICKY_COOKIE));
        TestClient.Response first = client.get("app.test", "/");
        String setCookie = stickyCookie(first);
        assertThat(setCookie).startsWith("gatehouse_server=").contains("HttpOnly").contains("SameSite=Lax");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String origin = first.header("x-origin");
        for (int i = 0; i < 10; i++) {
            TestClient.Response next = client.send(HttpMethod.GET, "app.test", "/", h -> h.set("cookie", "a=b; " + cookie), null);
            assertThat(next.header("x-origin")).isEqualTo(origin);
            assertThat(stickyCookie(next)).as("no new cookie while the server stays").isNull();
        }
    }

    private static String stickyCookie(TestClient.Response response) {
        return response.headers().getAll("set-cookie").stream().filter(c -> c.startsWith("gatehouse_server="))
                .findFirst().orElse(null);
    }

    @Test
    void drainedServersGetNoNewRequests() {
        TestOrigin one = closeLater(TestOrigin.start("one"));
        TestOrigin two = closeLater(TestOrigin.start("two"));
        apply(new BackendDefinition("app", List.of(one.server(), two.server().withDrained(true))));
        for (int i = 0; i < 6; i++) {
            assertThat(client.get("app.test", "/").header("x-origin")).isEqualTo("one");
        }
        assertThat(stateOf(1)).isEqualTo("drained");
        apply(new BackendDefinition("app", List.of(one.server(), two.server())));
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            origins.add(client.get("app.test", "/").header("x-origin"));
        }
        assertThat(origins).contains("one", "two");
    }
}
