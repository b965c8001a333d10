package dev.gatehouse.storage.backend;

import java.util.Arrays;
import java.util.List;

import dev.gatehouse.storage.internal.Require;

/**
 * One stored server of a backend.
 *
 * @param address       {@code host:port} as the application normalized it, e.g. {@code 10.0.0.1:8080} or
 *                      {@code [::1]:8080}; never a scheme, that is {@code tls}
 * @param weight        relative share of requests under the weighted policies, at least 1; default 1
 * @param backup        used only while no primary server of the backend is eligible; default false
 * @param drained       takes no new requests (those in flight finish); default false
 * @param tls           reached over TLS (an https server); default false
 * @param verifyTls     with {@code tls}: the server's certificate is checked; default true (also stored,
 *                      unused, on plain-HTTP servers)
 * @param tlsServerName with {@code tls}: the name sent as SNI and expected in the certificate, at most
 *                      {@value #MAX_TLS_SERVER_NAME_LENGTH} characters; default null = the host. Only
 *                      allowed on a TLS server
 */
public record BackendServer(String address, int weight, boolean backup, boolean drained, boolean tls,
                            boolean verifyTls, String tlsServerName) {

    /** Default of {@link #weight()}, as the schema's column default. */
    public static final int DEFAULT_WEIGHT = 1;
    /** Longest TLS server name the schema holds: the longest DNS name. */
    public static final int MAX_TLS_SERVER_NAME_LENGTH = 253;

    /**
     * @throws IllegalArgumentException if the address is blank or longer than the schema holds, the
     *     weight is below 1, or a TLS server name is blank, too long or given for a plain-HTTP server
     */
    public BackendServer {
        Require.text("backend server address", address, BackendRepository.MAX_SERVER_LENGTH);
        Require.atLeast("backend server weight", weight, 1);
        if (tlsServerName != null) {
            Require.text("backend server TLS server name", tlsServerName, MAX_TLS_SERVER_NAME_LENGTH);
            if (!tls) {
                throw new IllegalArgumentException("backend server TLS server name '" + tlsServerName
                        + "' is only allowed on a TLS (https) server");
            }
        }
    }

    /** A plain-HTTP server: how servers were before they could be https. */
    public BackendServer(String address, int weight, boolean backup, boolean drained) {
        this(address, weight, backup, drained, false, true, null);
    }

    /** A primary plain-HTTP server of weight 1, not drained: a server as it was before servers had settings. */
    public static BackendServer of(String address) {
        return new BackendServer(address, DEFAULT_WEIGHT, false, false);
    }

    /** {@link #of(String)} for each address, in order. */
    public static List<BackendServer> list(String... addresses) {
        return Arrays.stream(addresses).map(BackendServer::of).toList();
    }

    public BackendServer withDrained(boolean drained) {
        return new BackendServer(address, weight, backup, drained, tls, verifyTls, tlsServerName);
    }

    /**
     * This server over TLS.
     *
     * @param verify check its certificate
     * @param serverName SNI and expected certificate name, or null for the host
     */
    public BackendServer withTls(boolean verify, String serverName) {
        return new BackendServer(address, weight, backup, drained, true, verify, serverName);
    }
}
