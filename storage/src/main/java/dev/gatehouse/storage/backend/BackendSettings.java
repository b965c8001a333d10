package dev.gatehouse.storage.backend;

import java.util.List;

import dev.gatehouse.storage.internal.Require;

/**
 * How a stored backend spreads, times, retries and checks its requests, limits its connections, and
 * which protocol its servers speak.
 * The defaults are the proxy engine's, and the schema's column defaults, so a backend stored before
 * it had settings reads back as {@link #DEFAULT}. Storage only refuses what the schema cannot hold; the admin application checks
 * the ranges (and the policy name) with messages.
 *
 * @param balancing           engine name of the load-balancing policy, e.g. {@code least-connections};
 *                            default {@value #DEFAULT_BALANCING}
 * @param connectTimeoutMs    TCP connect timeout, above 0; null (the default) = the engine's default
 * @param responseTimeoutMs   time allowed for response headers, above 0; null (the default) = the engine's default
 * @param maxRetries          other servers one request may be retried on, at least 0; default {@value #DEFAULT_MAX_RETRIES}
 * @param passiveMaxFailures  failed requests in a row that eject a server, at least 0 (0 = passive checks off);
 *                            default {@value #DEFAULT_PASSIVE_MAX_FAILURES}
 * @param passiveEjectSeconds how long an ejected server rests, above 0; default {@value #DEFAULT_PASSIVE_EJECT_SECONDS}
 * @param healthCheck         the active health check; null (the default) = none
 * @param limits              idle timeout and per-server connection limit with its queue; null is read as
 *                            {@link BackendConnectionLimits#DEFAULT} (the default)
 * @param protocol            engine name of what the servers speak, one of {@link #PROTOCOLS}; null is read as
 *                            {@value #DEFAULT_PROTOCOL} (HTTP/1.1, the default). {@code http2} is for gRPC
 *                            services and HTTP/2-only servers
 */
public record BackendSettings(String balancing, Long connectTimeoutMs, Long responseTimeoutMs, int maxRetries,
                              int passiveMaxFailures, int passiveEjectSeconds, BackendHealthCheck healthCheck,
                              BackendConnectionLimits limits, String protocol) {

    public static final String DEFAULT_BALANCING = "round-robin";
    public static final int DEFAULT_MAX_RETRIES = 2;
    public static final int DEFAULT_PASSIVE_MAX_FAILURES = 3;
    public static final int DEFAULT_PASSIVE_EJECT_SECONDS = 30;
    /** Longest policy name the schema holds. */
    public static final int MAX_BALANCING_LENGTH = 32;
    public static final String DEFAULT_PROTOCOL = "http1";
    /** Every protocol the schema holds (ck_backend_protocol), by its engine name. */
    public static final List<String> PROTOCOLS = List.of(DEFAULT_PROTOCOL, "http2");

    /** Every setting at its default. */
    public static final BackendSettings DEFAULT = new BackendSettings(DEFAULT_BALANCING, null, null,
            DEFAULT_MAX_RETRIES, DEFAULT_PASSIVE_MAX_FAILURES, DEFAULT_PASSIVE_EJECT_SECONDS, null,
            BackendConnectionLimits.DEFAULT, DEFAULT_PROTOCOL);

    /** @throws IllegalArgumentException naming the first value the schema would refuse */
    public BackendSettings {
        Require.text("backend balancing", balancing, MAX_BALANCING_LENGTH);
        if (connectTimeoutMs != null) {
            Require.atLeast("backend connect timeout (ms)", connectTimeoutMs, 1);
        }
        if (responseTimeoutMs != null) {
            Require.atLeast("backend response timeout (ms)", responseTimeoutMs, 1);
        }
        Require.atLeast("backend max retries", maxRetries, 0);
        Require.atLeast("backend passive max failures", passiveMaxFailures, 0);
        Require.atLeast("backend passive eject seconds", passiveEjectSeconds, 1);
        limits = limits == null ? BackendConnectionLimits.DEFAULT : limits;
        protocol = protocol == null ? DEFAULT_PROTOCOL : protocol;
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("backend protocol '" + protocol + "' must be one of "
                    + String.join(", ", PROTOCOLS));
        }
    }

    /** HTTP/1.1 settings: how settings were before backends had a protocol. */
    public BackendSettings(String balancing, Long connectTimeoutMs, Long responseTimeoutMs, int maxRetries,
                           int passiveMaxFailures, int passiveEjectSeconds, BackendHealthCheck healthCheck,
                           BackendConnectionLimits limits) {
        this(balancing, connectTimeoutMs, responseTimeoutMs, maxRetries, passiveMaxFailures, passiveEjectSeconds,
                healthCheck, limits, null);
    }

    /** Settings with the default connection limits: how settings were before backends had limits. */
    public BackendSettings(String balancing, Long connectTimeoutMs, Long responseTimeoutMs, int maxRetries,
                           int passiveMaxFailures, int passiveEjectSeconds, BackendHealthCheck healthCheck) {
        this(balancing, connectTimeoutMs, responseTimeoutMs, maxRetries, passiveMaxFailures, passiveEjectSeconds,
                healthCheck, null);
    }

    public BackendSettings withLimits(BackendConnectionLimits limits) {
        return new BackendSettings(balancing, connectTimeoutMs, responseTimeoutMs, maxRetries, passiveMaxFailures,
                passiveEjectSeconds, healthCheck, limits, protocol);
    }

    public BackendSettings withProtocol(String protocol) {
        return new BackendSettings(balancing, connectTimeoutMs, responseTimeoutMs, maxRetries, passiveMaxFailures,
                passiveEjectSeconds, healthCheck, limits, protocol);
    }
}
