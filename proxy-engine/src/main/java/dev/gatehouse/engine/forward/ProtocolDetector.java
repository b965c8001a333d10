package dev.gatehouse.engine.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The head of every new client connection's pipeline until its first bytes arrive: when they are the
 * HTTP/2 connection preface ({@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}, cleartext HTTP/2 with prior
 * knowledge) the connection gets the HTTP/2 handlers, otherwise the HTTP/1.1 ones, like nginx's
 * {@code http2 on} serving both on one port. It then removes itself (handing on the bytes it held),
 * so an HTTP/1.1 connection's pipeline is exactly what it was without HTTP/2 support.
 *
 * <p>A connection that sends nothing is closed after the client idle timeout.
 */
final class ProtocolDetector extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final NettyForwarder forwarder;
    private final LoopContext loop;
    private ScheduledFuture<?> silenceTimeout;

    ProtocolDetector(NettyForwarder forwarder, LoopContext loop) {
        this.forwarder = forwarder;
        this.loop = loop;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        silenceTimeout = ctx.executor().schedule(() -> {
            ctx.close();
        }, NettyForwarder.CLIENT_IDLE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (silenceTimeout != null) {
            silenceTimeout.cancel(false);
            silenceTimeout = null;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int readable = in.readableBytes();
        int prefaceLength = PREFACE.readableBytes();
        int compared = Math.min(readable, prefaceLength);
        int start = in.readerIndex();
        for (int i = 0; i < compared; i++) {
            if (in.getByte(start + i) != PREFACE.getByte(PREFACE.readerIndex() + i)) {
                forwarder.switchToHttp1(ctx, loop);
                return;
            }
        }
        if (compared == prefaceLength) {
            forwarder.switchToHttp2(ctx, loop);
        }
        // A prefix of the preface: wait for more.
    }
}
