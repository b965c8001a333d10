package dev.gatehouse.engine.config;

import java.time.Duration;
import java.util.List;

/**
 * A named pool of servers that sites route to.
 *
 * @param name unique name sites refer to (letters, digits, '-', '_', '.'; 1-64 characters)
 * @param servers at least one server
 * @param connectTimeout how long to wait for a TCP connection to a server; default
 *     {@link #DEFAULT_CONNECT_TIMEOUT} when null. A refused or timed-out connect is retried on
 *     another server, and answers 502 when none is left.
 * @param responseTimeout how long to wait for the response headers after the request was sent (and
 *     then between reads of the body); default {@link #DEFAULT_RESPONSE_TIMEOUT} when null. Expiry
 *     answers 504.
 * @param balancing how requests are spread over the servers; default {@link LoadBalancing#ROUND_ROBIN}
 * @param healthCheck the active health check, or null for none (the default): servers are then only
 *     judged by their answers to requests
 * @param passiveHealth when failing servers are ejected; default {@link PassiveHealthDefinition#DEFAULT}
 * @param maxRetries how many other servers one request may be retried on, 0-10; default
 *     {@link #DEFAULT_MAX_RETRIES}. A connect failure is always retried (nothing was sent); a closed
 *     connection, an empty answer, 502 or 503 only for GET, HEAD, OPTIONS, PUT and DELETE without a
 *     body. A POST is never sent twice. Retries also draw on a budget of about a fifth of the
 *     backend's requests, so they cannot multiply the load during an outage.
 * @param pool idle timeout and per-server connection limit with its wait queue; default
 *     {@link ConnectionPoolDefinition#DEFAULT} (30 s idle, no limit). With {@link BackendProtocol#HTTP2}
 *     the limit counts requests (streams) per server, and an idle connection is one without streams
 * @param protocol what the servers speak; default (null) {@link BackendProtocol#HTTP1}.
 *     {@link BackendProtocol#HTTP2} for gRPC services and other HTTP/2-only servers
 */
public record BackendDefinition(String name, List<ServerDefinition> servers, Duration connectTimeout,
                                Duration responseTimeout, LoadBalancing balancing,
                                HealthCheckDefinition healthCheck, PassiveHealthDefinition passiveHealth,
                                int maxRetries, ConnectionPoolDefinition pool, BackendProtocol protocol) {

    /** Default for {@link #connectTimeout()}: 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default for {@link #responseTimeout()}: 60 seconds, like nginx's proxy_read_timeout. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    /** Default for {@link #maxRetries()}: 2 other servers (3 tries in all). */
    public static final int DEFAULT_MAX_RETRIES = 2;
    /** Largest {@link #maxRetries()}. */
    public static final int MAX_RETRIES = 10;

    public BackendDefinition {
        servers = servers == null ? List.of() : List.copyOf(servers);
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        responseTimeout = responseTimeout == null ? DEFAULT_RESPONSE_TIMEOUT : responseTimeout;
        balancing = balancing == null ? LoadBalancing.ROUND_ROBIN : balancing;
        passiveHealth = passiveHealth == null ? PassiveHealthDefinition.DEFAULT : passiveHealth;
        pool = pool == null ? ConnectionPoolDefinition.DEFAULT : pool;
        protocol = protocol == null ? BackendProtocol.HTTP1 : protocol;
    }

    /** An HTTP/1.1 backend. */
    public BackendDefinition(String name, List<ServerDefinition> servers, Duration connectTimeout, Duration responseTimeout,
                             LoadBalancing balancing, HealthCheckDefinition healthCheck,
                             PassiveHealthDefinition passiveHealth, int maxRetries, ConnectionPoolDefinition pool) {
        this(name, servers, connectTimeout, responseTimeout, balancing, healthCheck, passiveHealth, maxRetries, pool, null);
    }

    /** A backend with the default connection pool (30 s idle timeout, no connection limit). */
    public BackendDefinition(String name, List<ServerDefinition> servers, Duration connectTimeout, Duration responseTimeout,
                             LoadBalancing balancing, HealthCheckDefinition healthCheck,
                             PassiveHealthDefinition passiveHealth, int maxRetries) {
        this(name, servers, connectTimeout, responseTimeout, balancing, healthCheck, passiveHealth, maxRetries, null);
    }

    /** A backend with default timeouts, round robin, passive checks only and default retries. */
    public BackendDefinition(String name, List<ServerDefinition> servers) {
        this(name, servers, null, null);
    }

    /** A backend with these timeouts, round robin, passive checks only and default retries. */
    public BackendDefinition(String name, List<ServerDefinition> servers, Duration connectTimeout, Duration responseTimeout) {
        this(name, servers, connectTimeout, responseTimeout, null, null, null, DEFAULT_MAX_RETRIES);
    }

    public BackendDefinition withBalancing(LoadBalancing balancing) {
        return new BackendDefinition(name, servers, connectTimeout, responseTimeout, balancing, healthCheck, passiveHealth, maxRetries, pool, protocol);
    }

    public BackendDefinition withHealthCheck(HealthCheckDefinition healthCheck) {
        return new BackendDefinition(name, servers, connectTimeout, responseTimeout, balancing, healthCheck, passiveHealth, maxRetries, pool, protocol);
    }

    public BackendDefinition withPassiveHealth(PassiveHealthDefinition passiveHealth) {
        return new BackendDefinition(name, servers, connectTimeout, responseTimeout, balancing, healthCheck, passiveHealth, maxRetries, pool, protocol);
    }

    public BackendDefinition withMaxRetries(int maxRetries) {
        return new BackendDefinition(name, servers, connectTimeout, responseTimeout, balancing, healthCheck, passiveHealth, maxRetries, pool, protocol);
    }

    public BackendDefinition withPool(ConnectionPoolDefinition pool) {
        return new BackendDefinition(name, servers, connectTimeout, responseTimeout, balancing, healthCheck, passiveHealth, maxRetries, pool, protocol);
    }

    public BackendDefinition withProtocol(BackendProtocol protocol) {
        return new BackendDefinition(name, servers, connectTimeout, responseTimeout, balancing, healthCheck, passiveHealth, maxRetries, pool, protocol);
    }

    public BackendDefinition withServers(List<ServerDefinition> servers) {
        return new BackendDefinition(name, servers, connectTimeout, responseTimeout, balancing, healthCheck, passiveHealth, maxRetries, pool, protocol);
    }
}
