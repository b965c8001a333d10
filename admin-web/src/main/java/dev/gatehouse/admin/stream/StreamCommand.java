package dev.gatehouse.admin.stream;

/**
 * What a form or API call asks a TCP stream to be. Values are raw user input; {@link StreamValidator}
 * and {@link StreamService} check and normalize them.
 *
 * @param listenPort the port on the appliance clients connect to, 1-65535; required
 * @param bindHost the IPv4 or IPv6 address to listen on; null or blank (the default) = the proxy's own
 *     bind address ({@code GATEHOUSE_BIND_ADDRESS})
 * @param backend the name of an existing backend whose servers take the connections; required
 * @param enabled null means "enabled" for a new stream and "keep as it is" for an existing one
 * @param proxyProtocol {@code none} (the default), {@code v1} or {@code v2}: the PROXY protocol header sent
 *     to the server first, so it sees the client's real address
 * @param idleTimeoutMs a connection without traffic either way for this long is closed, 1 s to 7 days;
 *     null = the engine's default (10 minutes)
 * @param connectTimeoutMs how long a server may take to accept, 100 ms to 5 minutes; null = the backend's
 */
public record StreamCommand(Integer listenPort, String bindHost, String backend, Boolean enabled, String proxyProtocol,
                            Long idleTimeoutMs, Long connectTimeoutMs) {

    /** A stream with every option at its default. */
    public StreamCommand(Integer listenPort, String backend, Boolean enabled) {
        this(listenPort, null, backend, enabled, null, null, null);
    }
}
