package dev.gatehouse.engine.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The head of a connection from a trusted load balancer in front (an address in the engine's
 * PROXY-protocol sources): when the first bytes are a PROXY protocol header, v1 text or v2 binary, it
 * is read and its source address becomes the connection's client address ({@link #clientAddress});
 * a connection without one is served as it is, so the balancer's own health checks still work. It
 * removes itself either way, before TLS or HTTP see a byte.
 *
 * <p>Connections from anywhere else never get this handler: a PROXY header from them is not believed
 * (it is a malformed request to the HTTP decoder, and garbage to TLS).
 */
final class ProxyProtocolReader extends ByteToMessageDecoder {

    /** The client address a trusted PROXY header gave the connection; absent when it had none. */
    static final AttributeKey<InetSocketAddress> PROXIED_CLIENT = AttributeKey.valueOf("gatehouse.proxiedClient");

    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolReader.class);

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ProtocolDetectionResult<HAProxyProtocolVersion> detected = HAProxyMessageDecoder.detectProtocol(in);
        if (detected.state() == ProtocolDetectionState.NEEDS_MORE_DATA) {
            return;
        }
        if (detected.state() == ProtocolDetectionState.DETECTED) {
            // The decoder takes over the bytes this handler holds, reads the header, then leaves too.
            ctx.pipeline().addAfter(ctx.name(), "proxy-protocol-decoder", new HAProxyMessageDecoder());
            ctx.pipeline().addAfter("proxy-protocol-decoder", "proxy-protocol-source", new SourceRecorder());
        }
        ctx.pipeline().remove(this);
    }

    /** The client address of a connection: from a trusted PROXY header, else the socket's peer. */
    static InetSocketAddress clientAddress(Channel channel) {
        InetSocketAddress proxied = channel.attr(PROXIED_CLIENT).get();
        if (proxied != null) {
            return proxied;
        }
        return channel.remoteAddress() instanceof InetSocketAddress remote ? remote : null;
    }

    /** Takes the decoded header: a PROXY command over TCP names the client; LOCAL (the balancer's own) does not. */
    private static final class SourceRecorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HAProxyMessage header)) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null
                        && (header.proxiedProtocol() == HAProxyProxiedProtocol.TCP4
                        || header.proxiedProtocol() == HAProxyProxiedProtocol.TCP6)) {
                    ctx.channel().attr(PROXIED_CLIENT).set(address(header.sourceAddress(), header.sourcePort()));
                }
            } finally {
                ReferenceCountUtil.release(msg);
                ctx.pipeline().remove(this);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (log.isDebugEnabled()) {
                log.debug("bad PROXY protocol header from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            }
            ctx.close();
        }

        private static InetSocketAddress address(String ip, int port) {
            byte[] literal = NetUtil.createByteArrayFromIpAddressString(ip);
            try {
                return new InetSocketAddress(InetAddress.getByAddress(literal), port);
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException("decoded address " + ip + " is not an IP", impossible);
            }
        }
    }
}
