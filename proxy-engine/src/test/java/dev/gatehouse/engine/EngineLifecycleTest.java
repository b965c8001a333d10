package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.config.ConfigSnapshot;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class EngineLifecycleTest {

    private static EngineSettings loopback() {
        return EngineSettings.defaults().host("127.0.0.1").httpPort(0);
    }

    @Test
    void aPortInUseFailsWithAClearMessage() {
        try (ProxyEngine first = ProxyEngine.start(loopback())) {
            int port = first.httpPort();
            assertThat(port).isPositive();
            assertThatThrownBy(() -> ProxyEngine.start(loopback().httpPort(port)))
                    .isInstanceOf(EngineStartException.class)
                    .hasMessage("HTTP port " + port + " on 127.0.0.1 is already in use; "
                            + "stop the program using it or choose another HTTP port");
            assertThat(first.status().running()).as("the running engine is unaffected").isTrue();
        }
    }

    @Test
    void anAddressNotOnThisMachineFailsWithAClearMessage() {
        assertThatThrownBy(() -> ProxyEngine.start(loopback().host("192.0.2.123")))
                .isInstanceOf(EngineStartException.class)
                .hasMessageStartingWith("cannot bind HTTP port 0 on 192.0.2.123: 192.0.2.123 is not an address of this machine");
    }

    @Test
    void closeLetsInFlightRequestsFinishThenStopsListening() throws Exception {
        try (TestOrigin origin = TestOrigin.start("a");
             TestClient client = new TestClient(0)) {
            ProxyEngine engine = ProxyEngine.start(loopback().shutdownGrace(Duration.ofSeconds(5)));
            engine.apply(new ConfigSnapshot(1, List.of(backend("app", origin)), List.of(site("1", "app.test", "app"))));
            int port = engine.httpPort();
            int seenBefore = origin.requests.get();
            CompletableFuture<String> slow = client.raw()
                    .baseUrl("http://127.0.0.1:" + port)
                    .headers(h -> h.set(HttpHeaderNames.HOST, "app.test"))
                    .get().uri("/slow?ms=800")
                    .responseSingle((response, body) -> body.asString().map(text -> response.status().code() + " " + text))
                    .toFuture();
            await().atMost(Duration.ofSeconds(5)).until(() -> origin.requests.get() > seenBefore);

            long started = System.nanoTime();
            engine.close();
            long closeMillis = (System.nanoTime() - started) / 1_000_000;

            assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("200 slow origin=a");
            assertThat(closeMillis).as("close waited for the request, not the whole grace").isLessThan(4000);
            assertThat(engine.status()).isEqualTo(new EngineStatus(false, 1, -1, 1, 1));
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);

            ApplyResult afterClose = engine.apply(new ConfigSnapshot(2, List.of(), List.of()));
            assertThat(afterClose.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(afterClose.errors()).extracting(ConfigError::message)
                    .containsExactly("the proxy engine is stopped; nothing was applied");
            engine.close();
        }
    }

    @Test
    void closeGivesUpOnRequestsOutlastingTheGrace() {
        try (TestOrigin origin = TestOrigin.start("a");
             TestClient client = new TestClient(0)) {
            ProxyEngine engine = ProxyEngine.start(loopback().shutdownGrace(Duration.ofMillis(300)));
            engine.apply(new ConfigSnapshot(1, List.of(backend("app", origin)), List.of(site("1", "app.test", "app"))));
            int seenBefore = origin.requests.get();
            CompletableFuture<String> tooSlow = client.raw()
                    .baseUrl("http://127.0.0.1:" + engine.httpPort())
                    .headers(h -> h.set(HttpHeaderNames.HOST, "app.test"))
                    .get().uri("/slow?ms=20000")
                    .responseSingle((response, body) -> body.asString())
                    .toFuture();
            await().atMost(Duration.ofSeconds(5)).until(() -> origin.requests.get() > seenBefore);

            long started = System.nanoTime();
            engine.close();
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(250L, 8000L);
            assertThatThrownBy(() -> tooSlow.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class);
        }
    }

    @Test
    void startsWithOneEventLoopAndServes() throws IOException {
        try (ProxyEngine engine = ProxyEngine.start(loopback().eventLoopThreads(1))) {
            assertThat(engine.status()).isEqualTo(new EngineStatus(true, 0, engine.httpPort(), 0, 0));
            assertThat(TestClient.rawExchange(engine.httpPort(), "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 404 Not Found");
        }
    }
}
