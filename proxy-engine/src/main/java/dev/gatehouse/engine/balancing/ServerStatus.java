package dev.gatehouse.engine.balancing;

/**
 * A moment's view of one server of a backend, for the dashboard and the API.
 *
 * @param address {@code host:port}
 * @param state {@code up}, {@code down} (the active check failed), {@code ejected} (passive checks,
 *     for a while), {@code draining} (drained, requests still in flight) or {@code drained}
 * @param lastCheck the last active check's result, or null (no active check, or none ran yet)
 * @param activeRequests requests in flight on the server
 * @param requestsStarted requests sent to the server since this version of the backend was applied
 * @param failuresInARow consecutive failed requests (passive checks)
 * @param connectionsOpened connections opened to the server since this version of the backend was
 *     applied: with {@code requestsStarted}, the upstream connection reuse (Pingora's figure)
 */
public record ServerStatus(String address, int weight, boolean backup, String state, boolean eligible,
                           ServerHealth.CheckResult lastCheck, int activeRequests, long requestsStarted,
                           int failuresInARow, long connectionsOpened) {
}
