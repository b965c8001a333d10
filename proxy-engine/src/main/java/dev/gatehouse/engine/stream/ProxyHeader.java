package dev.gatehouse.engine.stream;

import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The PROXY protocol header (HAProxy's, v1 text or v2 binary) that tells a stream's server who the
 * client is: the client's own address and port as source, and the address and port it connected to
 * on the engine as destination. Encoded by Netty's {@code HAProxyMessageEncoder}.
 */
final class ProxyHeader {

    private ProxyHeader() {
    }

    /**
     * The header for a client connection: TCP4 when both ends are IPv4, else TCP6 (an IPv4 end then
     * written as an IPv4-mapped IPv6 address, as the protocol has one family per header).
     */
    static HAProxyMessage of(HAProxyProtocolVersion version, Channel client) {
        if (!(client.remoteAddress() instanceof InetSocketAddress source) || source.getAddress() == null
                || !(client.localAddress() instanceof InetSocketAddress destination) || destination.getAddress() == null) {
            // Not a TCP/IP connection: the protocol's "unknown" form, which servers treat as a local one.
            return new HAProxyMessage(version, HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0);
        }
        InetAddress from = source.getAddress();
        InetAddress to = destination.getAddress();
        boolean ipv4 = from instanceof Inet4Address && to instanceof Inet4Address;
        return new HAProxyMessage(version, HAProxyCommand.PROXY,
                ipv4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                text(from, ipv4), text(to, ipv4), source.getPort(), destination.getPort());
    }

    private static String text(InetAddress address, boolean ipv4) {
        if (ipv4) {
            return address.getHostAddress();
        }
        return address instanceof Inet4Address ? "::ffff:" + address.getHostAddress() : NetUtil.toAddressString(address);
    }
}
