package dev.gatehouse.engine.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;

import java.util.List;

/**
 * Netty's request decoder with the framing rules a proxy in front of other parsers needs on top
 * (request smuggling, RFC 9112 5.2 and 6.1): a request head with an obsolete line folding
 * ({@code obs-fold}, a header line starting with a space or tab), or a {@code Transfer-Encoding}
 * other than exactly one {@code chunked}, is marked failed, so the connection answers 400 and
 * closes. Netty alone unfolds such lines and accepts {@code gzip, chunked}; a backend may read either
 * differently.
 *
 * <p>Only the bytes the decoder consumes while reading a head are scanned (the decoder consumes
 * whole lines), a few hundred bytes per request; bodies are not looked at.
 */
final class ClientRequestDecoder extends HttpRequestDecoder {

    private static final IllegalArgumentException OBS_FOLD =
            new IllegalArgumentException("obsolete line folding in the request head");
    private static final IllegalArgumentException TRANSFER_ENCODING =
            new IllegalArgumentException("a Transfer-Encoding other than exactly chunked");

    /** Between requests or inside a head (not a body): consumed bytes are head lines. */
    private boolean inHead = true;
    /** The last head byte consumed was a line feed: a space or tab next starts a folded line. */
    private boolean afterLineFeed;
    /** The head being read has a folded line. */
    private boolean folded;
    /** System.nanoTime() when the first byte of the head being read arrived; 0 while none is. */
    private long headStartedNanos;

    ClientRequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (!inHead) {
            int before = out.size();
            super.decode(ctx, buffer, out);
            if (endsRequest(out, before)) {
                startHead();
            }
            return;
        }
        if (headStartedNanos == 0 && buffer.isReadable()) {
            headStartedNanos = System.nanoTime();
        }
        int start = buffer.readerIndex();
        int before = out.size();
        super.decode(ctx, buffer, out);
        int end = buffer.readerIndex();
        if (end > start) {
            scanHeadBytes(buffer, start, end);
        }
        for (int i = before; i < out.size(); i++) {
            if (out.get(i) instanceof HttpRequest request) {
                check(request);
                inHead = false;
                headStartedNanos = 0;
            }
        }
        if (!inHead && endsRequest(out, before)) {
            startHead();
        }
    }

    /** When the first byte of a request head still being read arrived (System.nanoTime()), or 0. */
    long headStartedNanos() {
        return headStartedNanos;
    }

    private void startHead() {
        inHead = true;
        afterLineFeed = false;
        folded = false;
    }

    private static boolean endsRequest(List<Object> out, int from) {
        return out.size() > from && out.get(out.size() - 1) instanceof LastHttpContent;
    }

    private void scanHeadBytes(ByteBuf buffer, int start, int end) {
        if (afterLineFeed && isSpaceOrTab(buffer.getByte(start))) {
            folded = true;
        }
        int lineFeed = buffer.indexOf(start, end, (byte) '\n');
        while (lineFeed >= 0 && lineFeed + 1 < end) {
            if (isSpaceOrTab(buffer.getByte(lineFeed + 1))) {
                folded = true;
            }
            lineFeed = buffer.indexOf(lineFeed + 1, end, (byte) '\n');
        }
        afterLineFeed = buffer.getByte(end - 1) == '\n';
    }

    private void check(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return;
        }
        if (folded) {
            request.setDecoderResult(DecoderResult.failure(OBS_FOLD));
            return;
        }
        HttpHeaders headers = request.headers();
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
            if (codings.size() != 1 || !AsciiString.contentEqualsIgnoreCase(codings.get(0).trim(), HttpHeaderValues.CHUNKED)) {
                request.setDecoderResult(DecoderResult.failure(TRANSFER_ENCODING));
            }
        }
    }

    private static boolean isSpaceOrTab(byte b) {
        return b == ' ' || b == '\t';
    }
}
