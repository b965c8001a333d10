package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.SiteDefinition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The walking skeleton's promise: config changes go live while traffic flows, and not one request
 * fails. Four keep-alive clients send 3000 requests while 20 applies switch the site's backend
 * between two origins (each switch a changed backend definition, so a new pool while the old one
 * drains) and add and remove sites the load does not use.
 */
class ApplyUnderLoadTest {

    private static final int CLIENTS = 4;
    private static final int REQUESTS_PER_CLIENT = 750;
    private static final int APPLIES = 20;

    @Test
    void zeroFailedRequestsAcrossTwentyApplies() throws Exception {
        try (TestOrigin blue = TestOrigin.start("blue");
             TestOrigin green = TestOrigin.start("green");
             TestOrigin unused = TestOrigin.start("unused");
             ProxyEngine engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0));
             TestClient client = new TestClient(engine.httpPort())) {

            assertThat(engine.apply(snapshot(1, blue, unused)).outcome()).isEqualTo(Outcome.APPLIED);

            LongAdder completed = new LongAdder();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            Map<String, AtomicInteger> byOrigin = new ConcurrentHashMap<>();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> loads = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int clientNumber = c;
                loads.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                        String path = "/load/" + clientNumber + "/" + i;
                        try {
                            TestClient.Response response = client.get("load.test", path);
                            String origin = response.header("x-origin");
                            if (response.status() != 200 || origin == null
                                    || !response.body().equals("origin=" + origin + " path=" + path)) {
                                failures.add(path + " -> " + response.status() + " " + response.body());
                            } else {
                                byOrigin.computeIfAbsent(origin, o -> new AtomicInteger()).incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            failures.add(path + " -> " + e);
                        }
                        completed.increment();
                    }
                    return null;
                }));
            }

            go.countDown();
            List<ApplyResult> applies = new ArrayList<>();
            int total = CLIENTS * REQUESTS_PER_CLIENT;
            for (int i = 0; i < APPLIES; i++) {
                // Spread the applies over the run: each waits for some traffic instead of sleeping.
                long target = (long) (i + 1) * total / (APPLIES + 2);
                await().atMost(Duration.ofSeconds(30)).until(() -> completed.sum() >= target);
                applies.add(engine.apply(snapshot(2 + i, i % 2 == 0 ? green : blue, unused)));
            }
            for (Future<?> load : loads) {
                load.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(applies).extracting(ApplyResult::outcome).containsOnly(Outcome.APPLIED);
            assertThat(engine.status().liveRevision()).isEqualTo(APPLIES + 1);
            assertThat(failures).as("failed requests").isEmpty();
            assertThat(completed.sum()).isEqualTo(total);
            assertThat(byOrigin.keySet()).containsExactlyInAnyOrder("blue", "green");
            assertThat(byOrigin.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(total);
            assertThat(unused.requests.get()).isZero();
        }
    }

    /**
     * Revision n: load.test goes to the origin given (the backend "app" changes definition, so the
     * engine builds a new pool and drains the old one); odd revisions also carry extra sites and a
     * backend the load never touches, so sites come and go too.
     */
    private static ConfigSnapshot snapshot(long revision, TestOrigin loadOrigin, TestOrigin unused) {
        List<BackendDefinition> backends = new ArrayList<>(List.of(backend("app", loadOrigin)));
        List<SiteDefinition> sites = new ArrayList<>(List.of(site("load", "load.test", "app")));
        if (revision % 2 == 1) {
            backends.add(backend("side", unused));
            sites.add(site("side-" + revision, "side-" + revision + ".test", "side"));
            sites.add(site("wild", "*.side.test", "side"));
        }
        return new ConfigSnapshot(revision, backends, sites);
    }
}
