package dev.gatehouse.admin.backendstatus;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.balancing.ServerStatus;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each backend's servers as the engine sees them now, with a request rate per server: the engine
 * counts requests started, this service turns two readings into requests per second. Reads only
 * the engine's memory (no database), so it runs on the calling thread.
 */
@Service
public class BackendStatusService {

    /** Readings closer together than this reuse the previous rate (several browsers polling). */
    private static final long MIN_RATE_WINDOW_NANOS = 500_000_000L;

    private final ProxyEngine engine;
    private final Map<String, Reading> lastReadings = new ConcurrentHashMap<>();

    private record Reading(long requests, long atNanos, double perSecond) {
    }

    public BackendStatusService(ProxyEngine engine) {
        this.engine = engine;
    }

    /** Backends by name (sorted), each with its servers in configuration order. */
    public List<BackendServersView> current() {
        long now = System.nanoTime();
        List<BackendServersView> backends = new ArrayList<>();
        for (Map.Entry<String, List<ServerStatus>> backend : engine.backendStatus().entrySet()) {
            List<ServerView> servers = new ArrayList<>();
            for (ServerStatus server : backend.getValue()) {
                String key = backend.getKey() + "|" + server.address();
                double rate = lastReadings.compute(key, (k, previous) -> next(previous, server.requestsStarted(), now)).perSecond();
                servers.add(ServerView.of(server, rate));
            }
            backends.add(new BackendServersView(backend.getKey(), servers));
        }
        return backends;
    }

    private static Reading next(Reading previous, long requests, long now) {
        if (previous == null || requests < previous.requests()) {
            // First sight, or the backend was re-applied (its counters start again).
            return new Reading(requests, now, 0);
        }
        long elapsed = now - previous.atNanos();
        if (elapsed < MIN_RATE_WINDOW_NANOS) {
            return previous;
        }
        return new Reading(requests, now, (requests - previous.requests()) * 1e9 / elapsed);
    }

    /** One backend's servers. */
    public record BackendServersView(String name, List<ServerView> servers) {

        /** Servers that may take requests now. */
        @JsonProperty("eligibleServers")
        public long up() {
            return servers.stream().filter(ServerView::eligible).count();
        }

        /**
         * Share of requests that went over an already open connection, in percent with two decimals
         * (Pingora's upstream connection reuse), since the backend was last applied; null before any
         * request.
         */
        @JsonProperty("connectionReusePercent")
        public Double connectionReusePercent() {
            long requests = servers.stream().mapToLong(ServerView::requestsStarted).sum();
            long opened = servers.stream().mapToLong(ServerView::connectionsOpened).sum();
            if (requests == 0) {
                return null;
            }
            return Math.max(0, Math.round((1 - opened / (double) requests) * 10_000) / 100.0);
        }
    }

    /**
     * One server for the page and the API.
     *
     * @param state up, down, ejected, draining or drained
     * @param lastCheck "200 in 3 ms", the check's error, or null without active checks
     * @param lastCheckLatencyMillis the last check's duration, or -1
     * @param requestsPerSecond over the time since the previous reading
     * @param requestsStarted requests sent to the server since the backend was last applied
     * @param connectionsOpened connections opened to it over the same time
     */
    public record ServerView(String address, int weight, boolean backup, String state, boolean eligible,
                             String lastCheck, long lastCheckLatencyMillis, int activeRequests,
                             double requestsPerSecond, int failuresInARow, long requestsStarted,
                             long connectionsOpened) {

        static ServerView of(ServerStatus status, double rate) {
            String check = null;
            long latency = -1;
            if (status.lastCheck() != null) {
                latency = status.lastCheck().latencyMillis();
                check = status.lastCheck().good() ? "status " + status.lastCheck().status() + " in " + latency + " ms"
                        : status.lastCheck().error();
            }
            return new ServerView(status.address(), status.weight(), status.backup(), status.state(), status.eligible(),
                    check, latency, status.activeRequests(), Math.round(rate * 10) / 10.0, status.failuresInARow(),
                    status.requestsStarted(), status.connectionsOpened());
        }

        /** The badge colour of the state. */
        public String tone() {
            return switch (state) {
                case "up" -> "green";
                case "down" -> "red";
                case "ejected" -> "orange";
                default -> "secondary";
            };
        }
    }
}
