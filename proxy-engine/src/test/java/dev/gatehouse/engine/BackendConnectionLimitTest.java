package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-server connection limits with their wait queue, the response timeout and the pool's idle
 * timeout, through the real engine to a real origin.
 */
class BackendConnectionLimitTest {

    private ProxyEngine engine;
    private TestClient client;
    private TestOrigin origin;
    private long revision;

    @BeforeEach
    void start() {
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(2));
        client = new TestClient(engine.httpPort());
        origin = TestOrigin.start("slow");
    }

    @AfterEach
    void stop() {
        client.close();
        engine.close();
        origin.close();
    }

    private void apply(BackendDefinition backend) {
        ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(backend),
                List.of(site("1", "app.test", backend.name()))));
        assertThat(result.outcome()).as(result.errors().toString()).isEqualTo(ApplyResult.Outcome.APPLIED);
    }

    private record Timed(TestClient.Response response, long millis) {
    }

    private List<Timed> concurrently(int requests, String path) {
        List<CompletableFuture<Timed>> futures = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            futures.add(CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                TestClient.Response response = client.get("app.test", path);
                return new Timed(response, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }));
        }
        return futures.stream().map(f -> f.orTimeout(30, TimeUnit.SECONDS).join()).toList();
    }

    private int activeRequests() {
        return engine.backendStatus().get("app").stream().mapToInt(s -> s.activeRequests()).sum();
    }

    @Test
    void requestsOverTheLimitAndTheQueueGet503WithRetryAfterAndNoneHang() {
        apply(new BackendDefinition("app", List.of(origin.server()))
                .withPool(ConnectionPoolDefinition.limited(2, 2, Duration.ofSeconds(10))));
        List<Timed> results = concurrently(8, "/slow?ms=600");
        List<Timed> ok = results.stream().filter(t -> t.response().status() == 200).toList();
        List<Timed> busy = results.stream().filter(t -> t.response().status() == 503).toList();
        assertThat(ok).as("2 in flight + 2 queued").hasSize(4);
        assertThat(busy).hasSize(4);
        for (Timed rejected : busy) {
            assertThat(rejected.response().header("retry-after")).isEqualTo("1");
            assertThat(rejected.response().body()).contains("The site is busy");
            assertThat(rejected.millis()).as("rejected at once, not after the slow answers").isLessThan(500);
        }
        assertThat(ok.stream().mapToLong(Timed::millis).max().orElseThrow()).as("the queued ones waited their turn")
                .isGreaterThanOrEqualTo(1100);
        assertThat(origin.requests.get()).isEqualTo(4);
        assertThat(activeRequests()).isZero();
    }

    @Test
    void queuedRequestsRunAsSlotsFreeUp() {
        apply(new BackendDefinition("app", List.of(origin.server()))
                .withPool(ConnectionPoolDefinition.limited(1, 20, Duration.ofSeconds(10))));
        List<Timed> results = concurrently(6, "/slow?ms=100");
        assertThat(results).allSatisfy(t -> assertThat(t.response().status()).isEqualTo(200));
        assertThat(activeRequests()).isZero();
    }

    @Test
    void aRequestWaitingTooLongGets503() {
        apply(new BackendDefinition("app", List.of(origin.server()))
                .withPool(ConnectionPoolDefinition.limited(1, 10, Duration.ofMillis(200))));
        List<Timed> results = concurrently(3, "/slow?ms=1500");
        List<Timed> busy = results.stream().filter(t -> t.response().status() == 503).toList();
        assertThat(busy).hasSize(2);
        assertThat(busy).allSatisfy(t -> assertThat(t.millis()).isBetween(150L, 1400L));
        assertThat(results.stream().filter(t -> t.response().status() == 200)).hasSize(1);
        assertThat(origin.requests.get()).isEqualTo(1);
    }

    @Test
    void aSlowServerAnswers504AfterTheResponseTimeoutAndThePoolGoesBackToBaseline() throws Exception {
        apply(new BackendDefinition("app", List.of(origin.server()), null, Duration.ofMillis(300))
                .withPool(ConnectionPoolDefinition.limited(1, 0, Duration.ofSeconds(1))));
        long start = System.nanoTime();
        TestClient.Response slow = client.get("app.test", "/slow?ms=2000");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(slow.status()).isEqualTo(504);
        assertThat(millis).isBetween(250L, 1500L);
        assertThat(activeRequests()).isZero();
        // The slot the timed-out request held is free again: with a limit of 1, a leak would give 503.
        assertThat(client.get("app.test", "/fast").status()).isEqualTo(200);
        assertThat(client.get("app.test", "/fast").status()).isEqualTo(200);
    }

    @Test
    void idleBackendConnectionsCloseAfterTheIdleTimeout() throws Exception {
        apply(new BackendDefinition("app", List.of(origin.server()))
                .withPool(new ConnectionPoolDefinition(Duration.ofMillis(300), 0, 100, null)));
        assertThat(client.get("app.test", "/").status()).isEqualTo(200);
        assertThat(origin.connections.get()).isEqualTo(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (origin.closedConnections.get() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(origin.closedConnections.get()).as("closed by the idle timeout").isEqualTo(1);
        assertThat(client.get("app.test", "/").status()).isEqualTo(200);
        assertThat(origin.connections.get()).isEqualTo(2);
    }

    @Test
    void keepAliveReusesUpstreamConnectionsAndTheStatusCountsIt() {
        apply(new BackendDefinition("app", List.of(origin.server())));
        for (int i = 0; i < 200; i++) {
            assertThat(client.get("app.test", "/").status()).isEqualTo(200);
        }
        var server = engine.backendStatus().get("app").get(0);
        assertThat(server.requestsStarted()).isEqualTo(200);
        assertThat(server.connectionsOpened()).as("one per event loop at most").isBetween(1L, 2L);
        assertThat(origin.connections.get()).isEqualTo((int) server.connectionsOpened());
    }
}
