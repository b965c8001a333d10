package dev.gatehouse.engine.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A TCP stream: every connection to {@code listenPort} is forwarded byte for byte to a server of
 * {@code backend} (databases, SSH, game servers, TLS passed through untouched). The server is chosen
 * and judged like an HTTP request's: the backend's balancing, its active health check and passive
 * ejection, its drained and backup servers; a server that refuses the connection is reported and
 * another one tried, up to the backend's {@code maxRetries}.
 *
 * @param id stable identifier of the stream (the storage id), used in error messages and status
 * @param listenPort the port the engine listens on, 1-65535; unique among the streams and not one of
 *     the engine's own ports
 * @param bindHost the IPv4 or IPv6 address to listen on; default null = the engine's host (the
 *     address its HTTP listener binds, {@code 0.0.0.0} unless configured)
 * @param backend the name of the backend connections go to; its servers must be plain {@code host:port}
 *     (a stream forwards raw bytes, it does not speak TLS to the server itself)
 * @param enabled a disabled stream is kept in the snapshot (and validated) but listens on nothing
 * @param proxyProtocol default {@link ProxyProtocol#NONE}; V1 or V2 sends a PROXY protocol header
 *     first, so the server sees the client's real address and port
 * @param idleTimeout a connection without a byte either way for this long is closed; default
 *     {@link #DEFAULT_IDLE_TIMEOUT}
 * @param connectTimeout how long to wait for a server to accept; default null = the backend's
 *     {@link BackendDefinition#connectTimeout()}
 */
public record StreamDefinition(String id, int listenPort, String bindHost, String backend, boolean enabled,
                               ProxyProtocol proxyProtocol, Duration idleTimeout, Duration connectTimeout) {

    /** Default of {@link #idleTimeout()}: 10 minutes, like nginx's {@code proxy_timeout} for streams. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    /** Which PROXY protocol header, if any, opens each connection to the server. */
    public enum ProxyProtocol {
        /** Nothing: the server sees the engine's address. The default. */
        NONE("none"),
        /** The human-readable header ({@code PROXY TCP4 ...\r\n}), understood by nearly every server that takes one. */
        V1("v1"),
        /** The binary header; what newer servers (and HAProxy itself) prefer. */
        V2("v2");

        private final String configName;

        ProxyProtocol(String configName) {
            this.configName = configName;
        }

        /** The name used in the API and the dashboard: {@code none}, {@code v1} or {@code v2}. */
        public String configName() {
            return configName;
        }

        /**
         * The version with this name (case-insensitive).
         *
         * @throws IllegalArgumentException naming the unknown value and every known one
         */
        public static ProxyProtocol fromName(String name) {
            if (name != null) {
                String normalized = name.trim().toLowerCase(Locale.ROOT);
                for (ProxyProtocol version : values()) {
                    if (version.configName.equals(normalized)) {
                        return version;
                    }
                }
            }
            throw new IllegalArgumentException("unknown PROXY protocol '" + name + "'; use one of "
                    + Arrays.stream(values()).map(ProxyProtocol::configName).collect(Collectors.joining(", ")));
        }
    }

    public StreamDefinition {
        bindHost = bindHost == null || bindHost.isBlank() ? null : bindHost.trim();
        proxyProtocol = proxyProtocol == null ? ProxyProtocol.NONE : proxyProtocol;
        idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
    }

    /** An enabled stream on the engine's host with every default: no PROXY header, 10 min idle timeout. */
    public StreamDefinition(String id, int listenPort, String backend) {
        this(id, listenPort, null, backend, true, null, null, null);
    }

    public StreamDefinition withBackend(String backend) {
        return new StreamDefinition(id, listenPort, bindHost, backend, enabled, proxyProtocol, idleTimeout, connectTimeout);
    }

    public StreamDefinition withListenPort(int port) {
        return new StreamDefinition(id, port, bindHost, backend, enabled, proxyProtocol, idleTimeout, connectTimeout);
    }

    public StreamDefinition withBindHost(String host) {
        return new StreamDefinition(id, listenPort, host, backend, enabled, proxyProtocol, idleTimeout, connectTimeout);
    }

    public StreamDefinition withEnabled(boolean on) {
        return new StreamDefinition(id, listenPort, bindHost, backend, on, proxyProtocol, idleTimeout, connectTimeout);
    }

    public StreamDefinition withProxyProtocol(ProxyProtocol version) {
        return new StreamDefinition(id, listenPort, bindHost, backend, enabled, version, idleTimeout, connectTimeout);
    }

    public StreamDefinition withIdleTimeout(Duration timeout) {
        return new StreamDefinition(id, listenPort, bindHost, backend, enabled, proxyProtocol, timeout, connectTimeout);
    }

    public StreamDefinition withConnectTimeout(Duration timeout) {
        return new StreamDefinition(id, listenPort, bindHost, backend, enabled, proxyProtocol, idleTimeout, timeout);
    }
}
