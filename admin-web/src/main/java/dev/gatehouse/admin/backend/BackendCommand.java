package dev.gatehouse.admin.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a form or API call asks a backend to be. Values are raw user input; {@link BackendValidator}
 * checks them and fills in the defaults. Every null means "the default".
 *
 * @param name unique name sites refer to
 * @param servers in order; null elements are kept so the validator can point at {@code servers[i]}
 * @param balancing engine name of the load-balancing policy ({@code least-connections}, ...); default
 *     {@code round-robin}
 * @param connectTimeoutMs TCP connect timeout, 100 ms to 5 min; default null = the engine's (5 s)
 * @param responseTimeoutMs time allowed for the response headers, 1 s to 1 h; default null = the engine's (60 s)
 * @param maxRetries other servers one request may be retried on, 0-10; default 2
 * @param passiveHealth when failing servers are ejected; default 3 failures in a row eject for 30 s
 * @param healthCheck the active health check; default null = none
 */
public record BackendCommand(String name, List<ServerCommand> servers, String balancing, Long connectTimeoutMs,
                             Long responseTimeoutMs, Integer maxRetries, PassiveHealthCommand passiveHealth,
                             HealthCheckCommand healthCheck) {

    public BackendCommand {
        servers = servers == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(servers));
    }

    /** A backend of these {@code host:port} addresses with every setting at its default. */
    public BackendCommand(String name, List<String> addresses) {
        this(name, addresses == null ? null
                : addresses.stream().map(address -> address == null ? null : ServerCommand.of(address)).toList(),
                null, null, null, null, null, null);
    }

    /**
     * One server.
     *
     * @param address {@code host:port}, {@code [ipv6]:port}
     * @param weight relative share under the weighted policies, 1-1000; default 1
     * @param backup used only while no primary server is eligible; default false
     * @param drained takes no new requests, those in flight finish; default false
     */
    public record ServerCommand(String address, Integer weight, Boolean backup, Boolean drained) {

        /** A primary server of weight 1, not drained. */
        public static ServerCommand of(String address) {
            return new ServerCommand(address, null, null, null);
        }
    }

    /**
     * Passive health: failed requests eject a server for a while.
     *
     * @param maxFailures failures in a row that eject a server, 0-100 (0 = off); default 3
     * @param ejectForSeconds how long an ejected server rests, 1-3600; default 30
     */
    public record PassiveHealthCommand(Integer maxFailures, Integer ejectForSeconds) {
    }

    /**
     * The active health check: {@code GET path} to every server every {@code intervalMs}.
     *
     * @param path starts with {@code /}, no spaces; default {@code /}
     * @param intervalMs time between two checks of one server, 1 s to 1 h; default 10000
     * @param timeoutMs time allowed to one check, at least 100 ms and below the interval; default 2000
     * @param expectedStatusMin lowest healthy status, 100-599; default 200
     * @param expectedStatusMax highest healthy status, 100-599, at least the minimum; default 399
     * @param healthyThreshold good checks in a row that bring a server back, 1-10; default 2
     * @param unhealthyThreshold failed checks in a row that take a server down, 1-10; default 3
     */
    public record HealthCheckCommand(String path, Long intervalMs, Long timeoutMs, Integer expectedStatusMin,
                                     Integer expectedStatusMax, Integer healthyThreshold, Integer unhealthyThreshold) {
    }
}
