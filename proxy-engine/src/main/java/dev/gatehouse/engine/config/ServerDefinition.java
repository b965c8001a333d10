package dev.gatehouse.engine.config;

/**
 * One upstream server of a backend, reached over HTTP/1.1, in clear or over TLS.
 *
 * @param host a hostname, IPv4 address or IPv6 address (without brackets)
 * @param port 1-65535
 * @param weight relative share of requests under the weighted policies, 1-1000; default 1
 * @param backup used only while no primary (non-backup) server of the backend is eligible; default false
 * @param drained takes no new requests (those in flight finish); default false
 * @param tls reach the server over TLS (an {@code https} backend); default false
 * @param verifyTls with {@code tls}: check the server's certificate against the system's trusted
 *     authorities and the expected name; default true. Off accepts any certificate (self-signed
 *     apps on a LAN) and stays encrypted, but no longer proves who answers.
 * @param tlsServerName with {@code tls}: the name sent as SNI and expected in the certificate;
 *     default null = the host when it is a name (an IP address sends no SNI and is checked as an
 *     IP address)
 */
public record ServerDefinition(String host, int port, int weight, boolean backup, boolean drained, boolean tls,
                               boolean verifyTls, String tlsServerName) {

    /** Default of {@link #weight()}. */
    public static final int DEFAULT_WEIGHT = 1;
    /** Largest {@link #weight()}. */
    public static final int MAX_WEIGHT = 1000;

    /** A primary plain-HTTP server of weight 1, not drained. */
    public ServerDefinition(String host, int port) {
        this(host, port, DEFAULT_WEIGHT, false, false, false, true, null);
    }

    /** A plain-HTTP server. */
    public ServerDefinition(String host, int port, int weight, boolean backup, boolean drained) {
        this(host, port, weight, backup, drained, false, true, null);
    }

    public ServerDefinition withWeight(int weight) {
        return new ServerDefinition(host, port, weight, backup, drained, tls, verifyTls, tlsServerName);
    }

    public ServerDefinition asBackup() {
        return new ServerDefinition(host, port, weight, true, drained, tls, verifyTls, tlsServerName);
    }

    public ServerDefinition withDrained(boolean drained) {
        return new ServerDefinition(host, port, weight, backup, drained, tls, verifyTls, tlsServerName);
    }

    /**
     * This server over TLS.
     *
     * @param verify check its certificate (see {@link #verifyTls()})
     * @param serverName SNI and expected certificate name, or null for the host
     */
    public ServerDefinition withTls(boolean verify, String serverName) {
        return new ServerDefinition(host, port, weight, backup, drained, true, verify, serverName);
    }

    /** The name a TLS connection sends as SNI and verifies, or null (an IP address without override). */
    public String effectiveTlsServerName() {
        if (tlsServerName != null && !tlsServerName.isBlank()) {
            return tlsServerName;
        }
        return host != null && !io.netty.util.NetUtil.isValidIpV4Address(host) && !io.netty.util.NetUtil.isValidIpV6Address(host)
                ? host : null;
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port}.
     *
     * @throws IllegalArgumentException naming what is wrong, e.g. a missing or out-of-range port
     */
    public static ServerDefinition parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("address is empty; expected host:port");
        }
        String trimmed = address.trim();
        if (trimmed.contains("://")) {
            throw new IllegalArgumentException("address '" + trimmed + "' must not contain a scheme; expected host:port");
        }
        String host;
        String portText;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0 || close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("address '" + trimmed + "' is not [ipv6]:port");
            }
            host = trimmed.substring(1, close);
            portText = trimmed.substring(close + 2);
        } else {
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || colon != trimmed.indexOf(':')) {
                throw new IllegalArgumentException("address '" + trimmed + "' is not host:port");
            }
            host = trimmed.substring(0, colon);
            portText = trimmed.substring(colon + 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
            throw new IllegalArgumentException("address '" + trimmed + "' has an invalid host");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address '" + trimmed + "' has a port that is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("address '" + trimmed + "' has port " + port + "; ports are 1-65535");
        }
        return new ServerDefinition(host, port);
    }

    /** {@code host:port}, with brackets around an IPv6 host: the inverse of {@link #parse}. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
