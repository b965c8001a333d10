package dev.gatehouse.engine.balancing;

import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs a backend's active health check: each server is checked every interval (the first check
 * within one interval of the start, at a random offset so many backends do not check in step), one
 * check at a time per server, on the probe's event loop. A verdict change republishes the backend's
 * eligible servers.
 */
final class HealthChecker {

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final String backend;
    private final HealthCheckDefinition check;
    private final BackendProtocol protocol;
    private final HealthProbe probe;
    private final InetSocketAddress[] servers;
    private final ServerDefinition[] definitions;
    private final ServerHealth[] health;
    private final Runnable onVerdictChange;
    private final ScheduledFuture<?>[] timers;
    private volatile boolean stopped;

    HealthChecker(String backend, HealthCheckDefinition check, BackendProtocol protocol, HealthProbe probe,
                  InetSocketAddress[] servers, ServerDefinition[] definitions, ServerHealth[] health,
                  Runnable onVerdictChange) {
        this.backend = backend;
        this.check = check;
        this.protocol = protocol;
        this.probe = probe;
        this.servers = servers;
        this.definitions = definitions;
        this.health = health;
        this.onVerdictChange = onVerdictChange;
        this.timers = new ScheduledFuture<?>[servers.length];
    }

    void start() {
        long intervalMillis = check.interval().toMillis();
        EventExecutor executor = probe.executor();
        executor.execute(() -> {
            for (int i = 0; i < servers.length; i++) {
                // The first check soon (a new server is judged quickly), later ones spread over the interval.
                long delay = ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(intervalMillis, 1000)));
                schedule(i, delay);
            }
        });
    }

    void stop() {
        stopped = true;
        probe.executor().execute(() -> {
            for (ScheduledFuture<?> timer : timers) {
                if (timer != null) {
                    timer.cancel(false);
                }
            }
        });
    }

    private void schedule(int server, long delayMillis) {
        if (!stopped) {
            timers[server] = probe.executor().schedule(() -> run(server), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void run(int server) {
        if (stopped) {
            return;
        }
        probe.probe(servers[server], definitions[server], protocol, check, result -> {
            if (stopped) {
                return;
            }
            boolean wasUp = health[server].checkUp();
            if (health[server].recordCheck(result, check)) {
                log.info("backend {} server {} is {} ({})", backend, definitions[server].address(), wasUp ? "DOWN" : "UP again",
                        result.good() ? "status " + result.status()
                                : result.error() != null ? result.error() : "status " + result.status());
                onVerdictChange.run();
            }
            schedule(server, check.interval().toMillis());
        });
    }
}
