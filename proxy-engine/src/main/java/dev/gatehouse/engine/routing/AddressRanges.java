package dev.gatehouse.engine.routing;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;

import io.netty.util.NetUtil;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A set of IP addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code 192.0.2.7}),
 * checked against a connection's peer on the request path: trusted proxies in front, trusted sources
 * of the PROXY protocol. Immutable; a lookup walks the entries without allocating.
 */
public final class AddressRanges {

    /** Matches nothing. */
    public static final AddressRanges NONE = new AddressRanges(new IpSubnetFilterRule[0]);

    private final IpSubnetFilterRule[] ranges;

    private AddressRanges(IpSubnetFilterRule[] ranges) {
        this.ranges = ranges;
    }

    /**
     * @param entries addresses, optionally {@code /prefix}, already validated (see
     *     {@link dev.gatehouse.engine.config.HeaderPolicy#trustedProxyProblem})
     */
    public static AddressRanges of(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            return NONE;
        }
        return new AddressRanges(entries.stream().map(AddressRanges::range).toArray(IpSubnetFilterRule[]::new));
    }

    private static IpSubnetFilterRule range(String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry.trim() : entry.substring(0, slash).trim();
        // By the parsed address, not its spelling: an IPv4-mapped IPv6 literal is an IPv4 address here.
        InetAddress parsed = NetUtil.createInetAddressFromIpAddressString(address);
        if (parsed == null) {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block");
        }
        int bits = parsed instanceof Inet4Address ? 32 : 128;
        int prefix = slash < 0 ? bits : Integer.parseInt(entry.substring(slash + 1).trim());
        return new IpSubnetFilterRule(parsed, prefix, IpFilterRuleType.ACCEPT);
    }

    public boolean isEmpty() {
        return ranges.length == 0;
    }

    /** True when the address lies in one of the ranges; never for a null or unresolved address. */
    public boolean contains(InetSocketAddress peer) {
        if (peer == null || peer.isUnresolved()) {
            return false;
        }
        for (IpSubnetFilterRule range : ranges) {
            if (range.matches(peer)) {
                return true;
            }
        }
        return false;
    }
}
