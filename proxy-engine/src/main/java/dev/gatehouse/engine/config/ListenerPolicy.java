package dev.gatehouse.engine.config;

import java.time.Duration;
import java.util.List;

/**
 * How the HTTP and HTTPS listeners treat the connections they accept, whatever site they are for:
 * who may send a PROXY protocol header, and the limits that keep slow or greedy clients (slowloris,
 * slow POST, slow read, connection floods) from tying the proxy up.
 *
 * @param proxyProtocolFrom addresses or CIDR blocks ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) of
 *     load balancers in front (HAProxy, an AWS NLB, a cloud TCP balancer) whose connections may begin
 *     with a PROXY protocol header, v1 or v2. The client address it names replaces the balancer's for
 *     everything after: {@code X-Forwarded-For}, access lists, rate limits, balancing by client IP.
 *     Their connections without a header are served as they are (a balancer's health check). Default
 *     none: a PROXY header from anyone is not believed, and is a malformed request
 * @param headerTimeout a request head (request line and headers) must arrive whole within this
 *     long of its first byte, or the client gets 408 and the connection closes; default (null)
 *     {@link #DEFAULT_HEADER_TIMEOUT}, like HAProxy's {@code timeout http-request}
 * @param bodyTimeout the window over which a request body's pace is measured; default (null)
 *     {@link #DEFAULT_BODY_TIMEOUT}
 * @param minBodyRate bytes per second a request body must average over each {@code bodyTimeout}
 *     window (while the proxy itself is not holding the client back), or the client gets 408; 0 turns
 *     it off; default {@link #DEFAULT_MIN_BODY_RATE}, far below any real upload and far above a
 *     slow-POST attack
 * @param sendTimeout a client that accepts no response bytes for this long while the proxy has some
 *     to send is disconnected (slow read); default (null) {@link #DEFAULT_SEND_TIMEOUT}, nginx's
 *     {@code send_timeout}
 * @param maxConnections open client connections per listener; more are closed at once; 0 = no
 *     limit; default {@link #DEFAULT_MAX_CONNECTIONS}
 * @param maxConnectionsPerClient open connections per client address (balancers in
 *     {@code proxyProtocolFrom} excepted: everything comes from them); 0 = no limit; default
 *     {@link #DEFAULT_MAX_CONNECTIONS_PER_CLIENT}, well above a browser's handful or an office behind
 *     one address
 */
public record ListenerPolicy(List<String> proxyProtocolFrom, Duration headerTimeout, Duration bodyTimeout, int minBodyRate,
                             Duration sendTimeout, int maxConnections, int maxConnectionsPerClient) {

    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MIN_BODY_RATE = 1024;
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;

    /** No PROXY protocol, the default timeouts and limits. */
    public static final ListenerPolicy DEFAULT = new ListenerPolicy(List.of());

    public ListenerPolicy {
        proxyProtocolFrom = proxyProtocolFrom == null ? List.of() : List.copyOf(proxyProtocolFrom);
        headerTimeout = headerTimeout == null ? DEFAULT_HEADER_TIMEOUT : headerTimeout;
        bodyTimeout = bodyTimeout == null ? DEFAULT_BODY_TIMEOUT : bodyTimeout;
        sendTimeout = sendTimeout == null ? DEFAULT_SEND_TIMEOUT : sendTimeout;
    }

    /** These PROXY protocol sources with the default timeouts and limits. */
    public ListenerPolicy(List<String> proxyProtocolFrom) {
        this(proxyProtocolFrom, null, null, DEFAULT_MIN_BODY_RATE, null, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
    }

    /** This policy with other timeouts. */
    public ListenerPolicy withTimeouts(Duration header, Duration body, int minRate, Duration send) {
        return new ListenerPolicy(proxyProtocolFrom, header, body, minRate, send, maxConnections, maxConnectionsPerClient);
    }

    /** This policy with other connection limits. */
    public ListenerPolicy withConnectionLimits(int perListener, int perClient) {
        return new ListenerPolicy(proxyProtocolFrom, headerTimeout, bodyTimeout, minBodyRate, sendTimeout, perListener, perClient);
    }
}
