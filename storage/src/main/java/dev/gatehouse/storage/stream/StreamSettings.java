package dev.gatehouse.storage.stream;

import java.util.List;
import java.util.Locale;

import dev.gatehouse.storage.internal.Require;

/**
 * What a stored TCP stream is: everything but its id and times. Storage only refuses what the schema
 * cannot hold; the admin application checks the ranges with messages naming the field.
 *
 * @param listenPort       the port the proxy listens on, 1-65535; one stream per port
 * @param bindHost         the IPv4 or IPv6 address to listen on (at most {@value #MAX_BIND_HOST_LENGTH}
 *                         characters); null (the default) = the proxy's own bind address
 * @param backendId        the backend connections are forwarded to
 * @param enabled          false keeps the stream stored but listening on nothing
 * @param proxyProtocol    one of {@link #PROXY_PROTOCOLS}; null is read as {@value #NO_PROXY_PROTOCOL} (the default)
 * @param idleTimeoutMs    a connection without traffic either way for this long is closed, above 0; null (the
 *                         default) = the engine's default, so a later change of that default reaches the stream
 * @param connectTimeoutMs how long a server may take to accept, above 0; null (the default) = the backend's
 */
public record StreamSettings(int listenPort, String bindHost, long backendId, boolean enabled, String proxyProtocol,
                             Long idleTimeoutMs, Long connectTimeoutMs) {

    /** Longest bind address the schema holds (a full IPv6 address with an embedded IPv4 one). */
    public static final int MAX_BIND_HOST_LENGTH = 45;
    public static final String NO_PROXY_PROTOCOL = "none";
    /** Every PROXY protocol setting the schema holds (ck_tcp_stream_proxy_protocol). */
    public static final List<String> PROXY_PROTOCOLS = List.of(NO_PROXY_PROTOCOL, "v1", "v2");

    /** @throws IllegalArgumentException naming the first value the schema would refuse */
    public StreamSettings {
        if (listenPort < 1 || listenPort > 65535) {
            throw new IllegalArgumentException("stream listen port must be 1-65535, got " + listenPort);
        }
        bindHost = bindHost == null || bindHost.isBlank() ? null
                : Require.maxLength("stream bind host", bindHost.strip(), MAX_BIND_HOST_LENGTH);
        proxyProtocol = proxyProtocol == null ? NO_PROXY_PROTOCOL : proxyProtocol.strip().toLowerCase(Locale.ROOT);
        if (!PROXY_PROTOCOLS.contains(proxyProtocol)) {
            throw new IllegalArgumentException("stream PROXY protocol must be one of " + PROXY_PROTOCOLS + ", got '"
                    + proxyProtocol + "'");
        }
        if (idleTimeoutMs != null) {
            Require.atLeast("stream idle timeout (ms)", idleTimeoutMs, 1);
        }
        if (connectTimeoutMs != null) {
            Require.atLeast("stream connect timeout (ms)", connectTimeoutMs, 1);
        }
    }

    /** An enabled stream on the proxy's address with every default. */
    public static StreamSettings of(int listenPort, long backendId) {
        return new StreamSettings(listenPort, null, backendId, true, null, null, null);
    }

    public StreamSettings withEnabled(boolean on) {
        return new StreamSettings(listenPort, bindHost, backendId, on, proxyProtocol, idleTimeoutMs, connectTimeoutMs);
    }
}
