package dev.gatehouse.engine;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-Sent Events stream through unbuffered: each event reaches the client as the origin sends
 * it, the first one within milliseconds of what a direct connection sees, while the response stays open.
 */
class ServerSentEventsTest {

    private ProxyEngine engine;
    private TestOrigin events;

    @BeforeEach
    void start() {
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(1));
        // One event at once, one every 300 ms after it; the stream never ends by itself.
        events = TestOrigin.start("events", (request, response) -> response
                .header("content-type", "text/event-stream")
                .header("cache-control", "no-cache")
                .sendString(Flux.concat(Flux.just("data: first\n\n"),
                        Flux.interval(Duration.ofMillis(300)).map(i -> "data: tick " + i + "\n\n"))));
        ApplyResult result = engine.apply(new ConfigSnapshot(1, List.of(new BackendDefinition("events",
                List.of(events.server()))), List.of(site("1", "events.test", "events"))));
        assertThat(result.outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
    }

    @AfterEach
    void stop() {
        engine.close();
        events.close();
    }

    /** Milliseconds from sending the request until {@code text} has arrived. */
    private static long millisUntil(int port, String host, String text) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            long start = System.nanoTime();
            socket.getOutputStream().write(("GET /stream HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buffer = new byte[4096];
            while (!seen.toString().contains(text)) {
                int n = in.read(buffer);
                assertThat(n).as("stream ended before '%s'; got %s", text, seen).isPositive();
                seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
    }

    @Test
    void theFirstEventArrivesAsFastAsDirectAndLaterOnesAsTheyAreSent() throws Exception {
        // Warm both paths once so class loading and connection set-up are not measured.
        millisUntil(events.port(), "events.test", "data: first");
        millisUntil(engine.httpPort(), "events.test", "data: first");

        long direct = millisUntil(events.port(), "events.test", "data: first");
        long proxied = millisUntil(engine.httpPort(), "events.test", "data: first");
        assertThat(proxied).as("first event through the proxy (direct: %d ms)", direct).isLessThan(direct + 100);

        long secondTick = millisUntil(engine.httpPort(), "events.test", "data: tick 1");
        assertThat(secondTick).as("events are passed on as they come, not when the stream ends").isBetween(450L, 2000L);
    }
}
