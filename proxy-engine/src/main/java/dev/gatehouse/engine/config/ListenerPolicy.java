package dev.gatehouse.engine.config;

import java.util.List;

/**
 * How the HTTP and HTTPS listeners treat the connections they accept, whatever site they are for.
 *
 * @param proxyProtocolFrom addresses or CIDR blocks ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) of
 *     load balancers in front (HAProxy, an AWS NLB, a cloud TCP balancer) whose connections may begin
 *     with a PROXY protocol header, v1 or v2. The client address it names replaces the balancer's for
 *     everything after: {@code X-Forwarded-For}, sites' trusted-proxy checks, balancing by client IP.
 *     Their connections without a header are served as they are (a balancer's health check). Default
 *     none: a PROXY header from anyone is not believed, and is a malformed request
 */
public record ListenerPolicy(List<String> proxyProtocolFrom) {

    /** Reads no PROXY protocol header from anyone. */
    public static final ListenerPolicy DEFAULT = new ListenerPolicy(List.of());

    public ListenerPolicy {
        proxyProtocolFrom = proxyProtocolFrom == null ? List.of() : List.copyOf(proxyProtocolFrom);
    }
}
