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
 * @param limits idle timeout and per-server connection limit with its queue; default null = the engine's
 *     (30 s idle, no limit, a queue of 100 waiting up to 10 s)
 * @param protocol what the servers speak: {@code http1} or {@code http2} (also written {@code http/1.1},
 *     {@code h2}, {@code h2c}, {@code grpc}); default {@code http1}. HTTP/2 is for gRPC services and
 *     HTTP/2-only servers
 */
public record BackendCommand(String name, List<ServerCommand> servers, String balancing, Long connectTimeoutMs,
                             Long responseTimeoutMs, Integer maxRetries, PassiveHealthCommand passiveHealth,
                             HealthCheckCommand healthCheck, LimitsCommand limits, String protocol) {

    public BackendCommand {
        servers = servers == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(servers));
    }

    /** An HTTP/1.1 backend. */
    public BackendCommand(String name, List<ServerCommand> servers, String balancing, Long connectTimeoutMs,
                          Long responseTimeoutMs, Integer maxRetries, PassiveHealthCommand passiveHealth,
                          HealthCheckCommand healthCheck, LimitsCommand limits) {
        this(name, servers, balancing, connectTimeoutMs, responseTimeoutMs, maxRetries, passiveHealth, healthCheck,
                limits, null);
    }

    /** A backend with the default connection limits. */
    public BackendCommand(String name, List<ServerCommand> servers, String balancing, Long connectTimeoutMs,
                          Long responseTimeoutMs, Integer maxRetries, PassiveHealthCommand passiveHealth,
                          HealthCheckCommand healthCheck) {
        this(name, servers, balancing, connectTimeoutMs, responseTimeoutMs, maxRetries, passiveHealth, healthCheck,
                null);
    }

    /** A backend of these {@code host:port} addresses with every setting at its default. */
    public BackendCommand(String name, List<String> addresses) {
        this(name, addresses == null ? null
                : addresses.stream().map(address -> address == null ? null : ServerCommand.of(address)).toList(),
                null, null, null, null, null, null, null, null);
    }

    /**
     * One server.
     *
     * @param address {@code host:port}, {@code [ipv6]:port}, or {@code https://host:port} (which sets the scheme)
     * @param weight relative share under the weighted policies, 1-1000; default 1
     * @param backup used only while no primary server is eligible; default false
     * @param drained takes no new requests, those in flight finish; default false
     * @param scheme {@code http} or {@code https}; default the address's scheme, else {@code http}
     * @param verifyTls with https: check the server's certificate; default true. Only https servers may say false
     * @param tlsServerName with https: the name sent as SNI and expected in the certificate; default null =
     *     the host. Only https servers may have one
     */
    public record ServerCommand(String address, Integer weight, Boolean backup, Boolean drained, String scheme,
                                Boolean verifyTls, String tlsServerName) {

        /** A plain-HTTP server (or whatever scheme the address names). */
        public ServerCommand(String address, Integer weight, Boolean backup, Boolean drained) {
            this(address, weight, backup, drained, null, null, null);
        }

        /** A primary server of weight 1, not drained. */
        public static ServerCommand of(String address) {
            return new ServerCommand(address, null, null, null);
        }
    }

    /**
     * How the backend keeps and limits its connections to each server.
     *
     * @param idleTimeoutMs an idle keep-alive connection is closed after this long, 1 s to 1 h; default null =
     *     the engine's (30 s)
     * @param maxConnectionsPerServer requests in flight per server at most, 0-100000; default 0 = no limit
     * @param queueSize requests that may wait for a free slot over the whole backend, 0-100000; default 100
     * @param queueTimeoutMs how long a request may wait for a slot before it gets 503, 100 ms to 5 min;
     *     default 10000
     */
    public record LimitsCommand(Long idleTimeoutMs, Integer maxConnectionsPerServer, Integer queueSize,
                                Long queueTimeoutMs) {
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
     * @param healthyThreshold good checks in a row that bring a server back, 1-10; default 1
     * @param unhealthyThreshold failed checks in a row that take a server down, 1-10; default 3
     */
    public record HealthCheckCommand(String path, Long intervalMs, Long timeoutMs, Integer expectedStatusMin,
                                     Integer expectedStatusMax, Integer healthyThreshold, Integer unhealthyThreshold) {
    }
}
