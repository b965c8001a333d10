package dev.gatehouse.engine.forward;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behind the TLS handler of an HTTPS connection: once the handshake is done, installs the handlers
 * for the protocol ALPN chose, {@code h2} → HTTP/2, {@code http/1.1} or no ALPN at all → HTTP/1.1,
 * the same ones a cleartext connection gets, then removes itself (handing on any bytes that arrived
 * with the end of the handshake).
 *
 * <p>Failed handshakes (old protocol versions, no shared cipher, port scanners, plain HTTP sent to
 * the HTTPS port) are routine on a public port: the connection is closed and logged at debug only,
 * never at WARN as Netty's default does.
 */
final class TlsProtocolNegotiator extends ApplicationProtocolNegotiationHandler {

    private static final Logger log = LoggerFactory.getLogger(TlsProtocolNegotiator.class);

    private final NettyForwarder forwarder;
    private final LoopContext loop;

    TlsProtocolNegotiator(NettyForwarder forwarder, LoopContext loop) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.forwarder = forwarder;
        this.loop = loop;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            forwarder.installHttp2(ctx, loop, true);
        } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
            forwarder.installHttp1(ctx, loop, true);
        } else {
            // Only h2 and http/1.1 are offered; anything else is a client that ignored that.
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (log.isDebugEnabled()) {
            log.debug("TLS connection {} failed: {}", ctx.channel(), cause.toString());
        }
        ctx.close();
    }
}
