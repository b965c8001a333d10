package dev.gatehouse.engine.config;

import java.time.Duration;
import java.util.List;

/**
 * A named pool of servers that sites route to.
 *
 * @param name unique name sites refer to (letters, digits, '-', '_', '.'; 1-64 characters)
 * @param servers at least one server; requests are spread round-robin across them
 * @param connectTimeout how long to wait for a TCP connection to a server; default
 *     {@link #DEFAULT_CONNECT_TIMEOUT} when null. A refused or timed-out connect answers 502.
 * @param responseTimeout how long to wait for the response headers after the request was sent;
 *     default {@link #DEFAULT_RESPONSE_TIMEOUT} when null. Expiry answers 504.
 */
public record BackendDefinition(String name, List<ServerDefinition> servers, Duration connectTimeout,
                                Duration responseTimeout) {

    /** Default for {@link #connectTimeout()}: 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default for {@link #responseTimeout()}: 60 seconds, like nginx's proxy_read_timeout. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    public BackendDefinition {
        servers = servers == null ? List.of() : List.copyOf(servers);
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        responseTimeout = responseTimeout == null ? DEFAULT_RESPONSE_TIMEOUT : responseTimeout;
    }

    /** A backend with default timeouts. */
    public BackendDefinition(String name, List<ServerDefinition> servers) {
        this(name, servers, null, null);
    }
}
