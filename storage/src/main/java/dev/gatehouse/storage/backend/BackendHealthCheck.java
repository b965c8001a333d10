package dev.gatehouse.storage.backend;

import dev.gatehouse.storage.internal.Require;

/**
 * The stored active health check of a backend; every setting is stored, none is left to a default.
 *
 * @param path               request path, e.g. {@code /health}; at most 1024 characters
 * @param intervalMs         time between two checks of one server, above 0
 * @param timeoutMs          time allowed to one check, above 0
 * @param expectedStatusMin  lowest status that counts as healthy
 * @param expectedStatusMax  highest status that counts as healthy, at least {@code expectedStatusMin}
 * @param healthyThreshold   good checks in a row that bring a server back, above 0
 * @param unhealthyThreshold failed checks in a row that take a server down, above 0
 */
public record BackendHealthCheck(String path, long intervalMs, long timeoutMs, int expectedStatusMin,
                                 int expectedStatusMax, int healthyThreshold, int unhealthyThreshold) {

    /** Longest path the schema holds. */
    public static final int MAX_PATH_LENGTH = 1024;

    /** @throws IllegalArgumentException naming the first value the schema would refuse */
    public BackendHealthCheck {
        Require.text("health check path", path, MAX_PATH_LENGTH);
        Require.atLeast("health check interval (ms)", intervalMs, 1);
        Require.atLeast("health check timeout (ms)", timeoutMs, 1);
        Require.atLeast("health check highest expected status", expectedStatusMax, expectedStatusMin);
        Require.atLeast("health check healthy threshold", healthyThreshold, 1);
        Require.atLeast("health check unhealthy threshold", unhealthyThreshold, 1);
    }
}
