package dev.gatehouse.admin.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Puts the client's address into the Reactor context of the security chain, where the sign-in
 * throttle ({@link ThrottledAuthenticationManager}) reads it: Spring Security hands authentication
 * managers the credentials only, not the request.
 *
 * <p>The address is the socket's: the admin app believes no X-Forwarded-For, so a client cannot
 * choose the address it is throttled under. IPv6 clients are grouped by their /64, the block one
 * subscriber usually gets whole; otherwise every attempt could come from a new address.
 */
final class ClientAddress implements WebFilter {

    /** For requests whose address is not known (never over TCP); they share one throttle entry. */
    static final String UNKNOWN = "unknown";

    static final Class<ClientAddress> CONTEXT_KEY = ClientAddress.class;
    private static final int IPV6_PREFIX_BYTES = 8;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String client = of(exchange.getRequest().getRemoteAddress());
        return chain.filter(exchange).contextWrite(Context.of(CONTEXT_KEY, client));
    }

    /** The client as the filter stored it, or {@link #UNKNOWN}. */
    static String from(ContextView context) {
        return context.getOrDefault(CONTEXT_KEY, UNKNOWN);
    }

    /** {@code 192.0.2.7}; {@code 2001:db8:1:2:0:0:0:0/64} for any address in that /64. */
    static String of(InetSocketAddress remote) {
        if (remote == null || remote.getAddress() == null) {
            return UNKNOWN;
        }
        InetAddress address = remote.getAddress();
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(prefix, IPV6_PREFIX_BYTES, prefix.length, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", impossible);
        }
    }
}
