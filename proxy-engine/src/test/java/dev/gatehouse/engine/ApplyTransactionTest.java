package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.forward.Upstream;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ApplyTransactionTest {

    private TestOrigin originA;
    private TestOrigin originB;
    private ProxyEngine engine;
    private TestClient client;

    @BeforeEach
    void start() {
        originA = TestOrigin.start("a");
        originB = TestOrigin.start("b");
        // One event loop: backend pools are per loop, so with two a second client connection (the test
        // client opens one when its previous one is not back in its pool yet, e.g. on a busy machine)
        // could land on the other loop and rightly open a backend connection there, which would make the
        // connection-count assertions below depend on timing.
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(1));
        client = new TestClient(engine.httpPort());
    }

    @AfterEach
    void stop() {
        client.close();
        engine.close();
        originA.close();
        originB.close();
    }

    private ConfigSnapshot appOn(long revision, TestOrigin origin, SiteDefinition... extraSites) {
        List<SiteDefinition> sites = new ArrayList<>(List.of(site("1", "app.test", "app")));
        sites.addAll(List.of(extraSites));
        return new ConfigSnapshot(revision, List.of(backend("app", origin)), sites);
    }

    @Test
    void appliesAndReportsTheLiveRevision() {
        ApplyResult result = engine.apply(appOn(3, originA));
        assertThat(result).isEqualTo(new ApplyResult(Outcome.APPLIED, 3, List.of()));
        assertThat(client.get("app.test", "/").body()).isEqualTo("origin=a path=/");
        EngineStatus status = engine.status();
        assertThat(status).isEqualTo(new EngineStatus(true, 3, engine.httpPort(), 1, 1));
    }

    @Test
    void identicalContentIsANoOpThatOnlyMovesTheRevision() {
        engine.apply(appOn(1, originA));
        Object table = engine.liveTable();
        ApplyResult result = engine.apply(appOn(2, originA));
        assertThat(result).isEqualTo(new ApplyResult(Outcome.UNCHANGED, 2, List.of()));
        assertThat(engine.liveTable()).isSameAs(table);
        assertThat(engine.status().liveRevision()).isEqualTo(2);
    }

    @Test
    void anEmptySnapshotOnAFreshEngineIsUnchanged() {
        assertThat(engine.apply(new ConfigSnapshot(4, List.of(), List.of())))
                .isEqualTo(new ApplyResult(Outcome.UNCHANGED, 4, List.of()));
    }

    @Test
    void invalidSnapshotIsRejectedAndTheOldRoutesKeepServing() {
        engine.apply(appOn(1, originA));
        ConfigSnapshot broken = new ConfigSnapshot(2, List.of(backend("app", originB)),
                List.of(site("1", "app.test", "app"), site("2", "bad host", "missing")));
        ApplyResult result = engine.apply(broken);
        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.liveRevision()).isEqualTo(1);
        assertThat(result.errors()).containsExactly(
                new ConfigError("site 2", "hostnames[0]", "'bad host' must not contain spaces"),
                new ConfigError("site 2", "routes[0].backend", "backend 'missing' does not exist"));
        assertThat(client.get("app.test", "/").body()).isEqualTo("origin=a path=/");
        assertThat(engine.status().liveRevision()).isEqualTo(1);
    }

    @Test
    void validateNeverTouchesLiveTraffic() {
        engine.apply(appOn(1, originA));
        assertThat(engine.validate(appOn(2, originB))).isEqualTo(new ApplyResult(Outcome.VALID, 1, List.of()));
        assertThat(engine.validate(new ConfigSnapshot(3, List.of(), List.of(site("1", "a.test", "x")))).outcome())
                .isEqualTo(Outcome.REJECTED);
        assertThat(client.get("app.test", "/").body()).isEqualTo("origin=a path=/");
        assertThat(engine.status().liveRevision()).isEqualTo(1);
    }

    @Test
    void switchingTheBackendTakesEffectOnTheNextRequest() {
        engine.apply(appOn(1, originA));
        assertThat(client.get("app.test", "/").body()).isEqualTo("origin=a path=/");
        engine.apply(appOn(2, originB));
        assertThat(client.get("app.test", "/").body()).isEqualTo("origin=b path=/");
        engine.apply(new ConfigSnapshot(3, List.of(backend("app", originB)), List.of(
                new SiteDefinition("1", List.of("app.test"), false, List.of(new dev.gatehouse.engine.config.RouteDefinition("/", "app"))))));
        assertThat(client.get("app.test", "/").status()).as("disabled").isEqualTo(404);
        assertThat(engine.status().siteCount()).isZero();
    }

    @Test
    void unchangedBackendsKeepTheirPoolAndConnectionsAcrossApplies() {
        engine.apply(appOn(1, originA));
        for (int i = 0; i < 20; i++) {
            client.get("app.test", "/warm");
        }
        int connections = originA.connections.get();
        Upstream app = engine.liveTable().backends().get("app");

        ConfigSnapshot withMore = new ConfigSnapshot(2, List.of(backend("app", originA), backend("other", originB)),
                List.of(site("1", "app.test", "app"), site("2", "other.test", "other")));
        assertThat(engine.apply(withMore).outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(engine.liveTable().backends().get("app")).isSameAs(app);
        for (int i = 0; i < 20; i++) {
            client.get("app.test", "/after");
        }
        assertThat(originA.connections.get()).as("no new upstream connection after an unrelated change").isEqualTo(connections);
        assertThat(app.isDisposed()).isFalse();

        ConfigSnapshot changedTimeout = new ConfigSnapshot(3,
                List.of(new BackendDefinition("app", List.of(originA.server()), null, Duration.ofSeconds(30))),
                List.of(site("1", "app.test", "app")));
        assertThat(engine.apply(changedTimeout).outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(engine.liveTable().backends().get("app")).isNotSameAs(app);
        await().atMost(Duration.ofSeconds(5)).until(app::isDisposed);
        client.get("app.test", "/changed");
        assertThat(originA.connections.get()).as("a changed backend gets a fresh pool").isEqualTo(connections + 1);
    }

    @Test
    void inFlightRequestFinishesAfterItsSiteAndBackendAreRemoved() throws Exception {
        engine.apply(appOn(1, originA));
        Upstream app = engine.liveTable().backends().get("app");
        int seenBefore = originA.requests.get();
        CompletableFuture<String> slow = client.raw()
                .headers(h -> h.set(HttpHeaderNames.HOST, "app.test"))
                .get().uri("/slow?ms=1500")
                .responseSingle((response, body) -> body.asString().map(text -> response.status().code() + " " + text))
                .toFuture();
        await().atMost(Duration.ofSeconds(5)).until(() -> originA.requests.get() > seenBefore);

        ApplyResult removal = engine.apply(new ConfigSnapshot(2, List.of(backend("b", originB)), List.of(site("9", "b.test", "b"))));
        assertThat(removal.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(client.get("app.test", "/").status()).as("new requests see the new table").isEqualTo(404);
        assertThat(app.inFlight()).isEqualTo(1);
        assertThat(app.isDisposed()).as("the pool outlives its in-flight request").isFalse();

        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("200 slow origin=a");
        await().atMost(Duration.ofSeconds(5)).until(app::isDisposed);
    }

    @Test
    void aClientHangingUpReleasesItsBackendReference() throws Exception {
        engine.apply(appOn(1, originA));
        Upstream app = engine.liveTable().backends().get("app");
        int seenBefore = originA.requests.get();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", engine.httpPort())) {
            socket.getOutputStream().write("GET /slow?ms=3000 HTTP/1.1\r\nHost: app.test\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(5)).until(() -> originA.requests.get() > seenBefore);
            assertThat(app.inFlight()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> app.inFlight() == 0);
    }

    @Test
    void concurrentAppliesAreSerialisedAndLeaveAConsistentTable() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<Future<ApplyResult>> results = new ArrayList<>();
            for (int i = 1; i <= 30; i++) {
                long revision = i;
                TestOrigin origin = i % 2 == 0 ? originA : originB;
                SiteDefinition[] extra = i % 3 == 0 ? new SiteDefinition[] {site("x" + i, "x" + i + ".test", "app")}
                        : new SiteDefinition[0];
                results.add(threads.submit(() -> engine.apply(appOn(revision, origin, extra))));
            }
            for (Future<ApplyResult> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS).outcome()).isIn(Outcome.APPLIED, Outcome.UNCHANGED);
            }
        } finally {
            threads.shutdownNow();
        }
        long live = engine.status().liveRevision();
        String expectedOrigin = live % 2 == 0 ? "a" : "b";
        assertThat(client.get("app.test", "/").body()).isEqualTo("origin=" + expectedOrigin + " path=/");
        assertThat(engine.status().siteCount()).isEqualTo(live % 3 == 0 ? 2 : 1);
    }
}
