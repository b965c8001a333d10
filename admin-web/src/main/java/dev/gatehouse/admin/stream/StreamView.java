package dev.gatehouse.admin.stream;

import dev.gatehouse.engine.stream.StreamStatus;
import java.time.Instant;

/**
 * A stored TCP stream as the dashboard and the API show it.
 *
 * @param bindHost the address it listens on; null = the proxy's own bind address
 * @param backend the name of the backend its connections go to
 * @param proxyProtocol {@code none}, {@code v1} or {@code v2}
 * @param idleTimeoutMs as stored: null = the engine's default ({@link StreamValidator#DEFAULT_IDLE_TIMEOUT_MS})
 * @param connectTimeoutMs as stored: null = the backend's connect timeout
 * @param live what the engine is doing with it now; null when the live configuration does not have it
 *     (yet), e.g. right after a restart that failed to restore the configuration
 */
public record StreamView(long id, int listenPort, String bindHost, String backend, boolean enabled, String proxyProtocol,
                         Long idleTimeoutMs, Long connectTimeoutMs, Instant createdAt, Instant updatedAt,
                         StreamStatus live) {

    /** The idle timeout in effect, default filled in. */
    public long idleTimeoutMsInEffect() {
        return idleTimeoutMs == null ? StreamValidator.DEFAULT_IDLE_TIMEOUT_MS : idleTimeoutMs;
    }

    /** What the list shows for the idle timeout: "10 min", "2 h". */
    public String idleTimeoutText() {
        return StreamValidator.duration(idleTimeoutMsInEffect());
    }

    /** What the list shows for the listen address: "0.0.0.0:5432", "[::1]:2222", or ":5432" before the engine said where. */
    public String listenAddress() {
        String host = bindHost != null ? bindHost : live != null ? live.bindHost() : "";
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + listenPort;
    }

    /** True while the engine accepts connections for it. */
    public boolean listening() {
        return live != null && live.listening();
    }

    /** Why an enabled stream is not listening, or null. */
    public String problem() {
        return live == null ? null : live.problem();
    }

    public int activeConnections() {
        return live == null ? 0 : live.activeConnections();
    }
}
