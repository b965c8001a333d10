package dev.gatehouse.engine.config;

import java.time.Duration;

/**
 * An active health check: every {@code interval} the engine sends {@code GET path} to each server
 * of the backend (Host: the server's address) and expects a status in
 * [{@code expectedStatusMin}, {@code expectedStatusMax}] within {@code timeout}. A server goes down
 * after {@code unhealthyThreshold} failed checks in a row and comes back up after
 * {@code healthyThreshold} good ones in a row — by default the first good one, so a restarted
 * server is back within one interval. Servers start up: a fresh backend serves at once.
 *
 * @param path request path, starting with {@code /}; default {@code /}
 * @param interval time between two checks of one server; default 10 s
 * @param timeout connect plus response time allowed to one check; default 2 s, must be below the interval
 * @param expectedStatusMin lowest good status; default 200
 * @param expectedStatusMax highest good status; default 399
 * @param healthyThreshold good checks in a row that bring a down server back; default 1
 * @param unhealthyThreshold failed checks in a row that take a server down; default 3
 */
public record HealthCheckDefinition(String path, Duration interval, Duration timeout, int expectedStatusMin,
                                    int expectedStatusMax, int healthyThreshold, int unhealthyThreshold) {

    public static final String DEFAULT_PATH = "/";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_STATUS_MIN = 200;
    public static final int DEFAULT_STATUS_MAX = 399;
    public static final int DEFAULT_HEALTHY_THRESHOLD = 1;
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;

    /** Nulls and zeros take the defaults. */
    public HealthCheckDefinition {
        path = path == null || path.isEmpty() ? DEFAULT_PATH : path;
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        expectedStatusMin = expectedStatusMin == 0 ? DEFAULT_STATUS_MIN : expectedStatusMin;
        expectedStatusMax = expectedStatusMax == 0 ? DEFAULT_STATUS_MAX : expectedStatusMax;
        healthyThreshold = healthyThreshold == 0 ? DEFAULT_HEALTHY_THRESHOLD : healthyThreshold;
        unhealthyThreshold = unhealthyThreshold == 0 ? DEFAULT_UNHEALTHY_THRESHOLD : unhealthyThreshold;
    }

    /** A check of {@code path} with every other setting at its default. */
    public static HealthCheckDefinition of(String path) {
        return new HealthCheckDefinition(path, null, null, 0, 0, 0, 0);
    }

    public HealthCheckDefinition withInterval(Duration interval, Duration timeout) {
        return new HealthCheckDefinition(path, interval, timeout, expectedStatusMin, expectedStatusMax,
                healthyThreshold, unhealthyThreshold);
    }

    public HealthCheckDefinition withThresholds(int healthy, int unhealthy) {
        return new HealthCheckDefinition(path, interval, timeout, expectedStatusMin, expectedStatusMax, healthy, unhealthy);
    }

    public HealthCheckDefinition withExpectedStatus(int min, int max) {
        return new HealthCheckDefinition(path, interval, timeout, min, max, healthyThreshold, unhealthyThreshold);
    }
}
