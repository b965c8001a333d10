package dev.gatehouse.engine.policy;

import dev.gatehouse.engine.forward.ProxyHeaders;
import dev.gatehouse.engine.routing.CompiledHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The real client address for access lists and rate limits (issue: "only from trusted proxies"):
 * the connection's peer, unless the site trusts that peer as a proxy in front, in which case the
 * nearest address in {@code X-Forwarded-For} that the site does not trust (reading from the right,
 * as each proxy appends the address it saw). A made-up chain from an untrusted client is never read.
 */
public final class ClientAddresses {

    private ClientAddresses() {
    }

    /**
     * @param peer the connection's client (after a trusted PROXY header)
     * @param siteHeaders the site's header policy with its trusted proxies, or null (trusts none)
     */
    public static InetSocketAddress of(InetSocketAddress peer, HttpHeaders headers, CompiledHeaders siteHeaders) {
        if (siteHeaders == null || !siteHeaders.trusts(peer)) {
            return peer;
        }
        List<String> values = headers.getAll(ProxyHeaders.X_FORWARDED_FOR);
        InetSocketAddress nearest = peer;
        for (int v = values.size() - 1; v >= 0; v--) {
            String[] hops = values.get(v).split(",");
            for (int h = hops.length - 1; h >= 0; h--) {
                InetAddress address = NetUtil.createInetAddressFromIpAddressString(hops[h].trim());
                if (address == null) {
                    return nearest; // not an address: nothing further left can be trusted
                }
                InetSocketAddress hop = new InetSocketAddress(address, 0);
                if (!siteHeaders.trusts(hop)) {
                    return hop;
                }
                nearest = hop;
            }
        }
        return nearest;
    }
}
