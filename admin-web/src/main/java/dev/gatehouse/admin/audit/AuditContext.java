package dev.gatehouse.admin.audit;

import java.net.InetSocketAddress;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Where a request came from, for the audit log: a filter in front of everything else puts the client's
 * address into the request's Reactor context, where every service call made for the request can read it
 * without passing it along (a configuration change reads it in {@code ConfigPublisher}). Work the appliance
 * does by itself (startup) has no such context and is logged without an address.
 *
 * <p>The address is the socket's, the same the sign-in throttle uses: the admin app believes no
 * X-Forwarded-For, so a client cannot write someone else's address into the log.
 */
public final class AuditContext implements WebFilter, Ordered {

    private static final Class<AuditContext> CLIENT_IP = AuditContext.class;

    /** First of all filters, so that Spring Security's and every later one's work can read the address. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String client = clientIp(exchange);
        if (client == null) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange).contextWrite(context -> context.put(CLIENT_IP, client));
    }

    /** The client's address as text ({@code 192.0.2.7}, {@code 2001:db8::7}); null when not known. */
    static String clientIp(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return null;
        }
        return remote.getAddress().getHostAddress();
    }

    /** The address the filter stored for the current request; null outside a request. */
    public static String clientIp(ContextView context) {
        return context.getOrDefault(CLIENT_IP, null);
    }
}
