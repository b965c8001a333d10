package dev.gatehouse.engine.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;

/**
 * Writes the HTTP/1.1 messages of one connection as bytes: requests on a backend connection
 * ({@link #forRequests()}), responses on a client connection ({@link #forResponses()}). It takes the
 * place of Netty's {@code HttpRequestEncoder} / {@code HttpResponseEncoder} and writes the same
 * bytes; heads follow those encoders' rules (see {@link ResponseHeads} and {@link RequestHeads}),
 * bodies are framed here: as they are (Content-Length, or until the connection closes), chunked, or
 * dropped when the message can have none (1xx, 204, 205, 304 responses).
 *
 * <p>Why not Netty's encoders: a proxied answer arrives as a head and a body in one read, and Netty
 * writes them as two buffers (two outbound entries, two iovecs, a retain and a release for the
 * body), through a {@code MessageToMessageEncoder} list and a type check chain per message. Here the
 * encoded head is held back, without a copy, until the next write or flush on the connection: a body
 * that fits the head buffer's spare room (it is sized from Content-Length when that is small) is
 * copied behind it and both go out as one buffer. Holding happens only for writes with a void
 * promise; anything else on the connection (a flush, another write, a close) sends the held head
 * first, so order is always kept.
 */
final class Http1MessageEncoder extends ChannelOutboundHandlerAdapter {

    /** A body up to this size is copied behind its head (one buffer); a larger one goes out as it is. */
    static final int COALESCE_LIMIT = 4096;

    private static final int BETWEEN_MESSAGES = 0;
    /** Body bytes as they are: Content-Length framing, or until the connection closes. */
    private static final int AS_IS = 1;
    private static final int CHUNKED = 2;
    /** The message can have no body (a 204, a 304, ...): body bytes written anyway are dropped. */
    private static final int NO_BODY = 3;

    private static final int CRLF = ('\r' << 8) | '\n';
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    private static final ByteBuf LAST_CHUNK_BUF = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(LAST_CHUNK.length).writeBytes(LAST_CHUNK)).asReadOnly();

    private final Heads heads;
    private int state = BETWEEN_MESSAGES;
    /** Padded moving average of encoded head sizes, the next head buffer's first capacity. */
    private int headSizeEstimate = 256;
    /** An encoded head (maybe with body bytes behind it) not yet passed on, or null. */
    private ByteBuf held;

    private Http1MessageEncoder(Heads heads) {
        this.heads = heads;
    }

    /** For a backend connection: writes {@link HttpRequest}s and their bodies. */
    static Http1MessageEncoder forRequests() {
        return new Http1MessageEncoder(new RequestHeads());
    }

    /** For a client connection: writes {@link HttpResponse}s and their bodies. */
    static Http1MessageEncoder forResponses() {
        return new Http1MessageEncoder(new ResponseHeads());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        try {
            if (msg instanceof HttpMessage message) {
                writeMessage(ctx, message, promise);
            } else if (msg instanceof HttpContent content) {
                writeContent(ctx, content, promise);
            } else if (msg instanceof ByteBuf bytes) {
                writeBytes(ctx, bytes, promise);
            } else {
                sendHeld(ctx);
                ctx.write(msg, promise);
            }
        } catch (EncoderException e) {
            throw e;
        } catch (Exception e) {
            throw new EncoderException(e);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        sendHeld(ctx);
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        sendHeld(ctx);
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Removed with a head still held (the channel is going away): nothing will send it.
        if (held != null) {
            held.release();
            held = null;
        }
    }

    private void writeMessage(ChannelHandlerContext ctx, HttpMessage message, ChannelPromise promise) throws Exception {
        if (state != BETWEEN_MESSAGES) {
            ReferenceCountUtil.release(message);
            throw new IllegalStateException("unexpected message type: " + message.getClass().getSimpleName()
                    + " while the previous message's body is being written");
        }
        sendHeld(ctx);
        ByteBuf body = message instanceof HttpContent content ? content.content() : Unpooled.EMPTY_BUFFER;
        ByteBuf buf;
        try {
            buf = ctx.alloc().buffer(headSizeEstimate + roomForBody(message, body));
            try {
                state = heads.write(buf, message);
            } catch (Exception e) {
                buf.release();
                throw e;
            }
        } catch (Exception e) {
            ReferenceCountUtil.release(message);
            throw e;
        }
        headSizeEstimate = Math.max(64, (headSizeEstimate * 4 + buf.readableBytes() * 4 / 3) / 5);
        if (message instanceof HttpContent content) {
            // A message with its body (an error page, a FullHttpMessage): written whole at once.
            writeBody(ctx, buf, content, promise);
        } else if (promise.isVoid()) {
            held = buf;
        } else {
            ctx.write(buf, promise);
        }
    }

    /** Room to reserve behind a head for the body that will be copied there. */
    private static int roomForBody(HttpMessage message, ByteBuf body) {
        if (body.isReadable()) {
            return body.readableBytes() <= COALESCE_LIMIT ? body.readableBytes() : 0;
        }
        if (message instanceof HttpContent) {
            return 0;
        }
        long length = HttpUtil.getContentLength(message, -1L);
        return length > 0 && length <= COALESCE_LIMIT ? (int) length : 0;
    }

    private void writeContent(ChannelHandlerContext ctx, HttpContent content, ChannelPromise promise) {
        if (state == BETWEEN_MESSAGES) {
            // Netty's encoder passes an empty end through here (LastHttpContent.EMPTY_LAST_CONTENT after
            // a FullHttpMessage); anything with bytes is a caller's mistake.
            boolean empty = !content.content().isReadable();
            content.release();
            if (!empty) {
                throw new IllegalStateException("body bytes written before any message head");
            }
            sendHeld(ctx);
            ctx.write(Unpooled.EMPTY_BUFFER, promise);
            return;
        }
        ByteBuf prefix = held;
        held = null;
        writeBody(ctx, prefix, content, promise);
    }

    private void writeBytes(ChannelHandlerContext ctx, ByteBuf bytes, ChannelPromise promise) {
        if (state == BETWEEN_MESSAGES) {
            if (bytes.isReadable()) {
                bytes.release();
                throw new IllegalStateException("body bytes written before any message head");
            }
            sendHeld(ctx);
            ctx.write(bytes, promise);
            return;
        }
        ByteBuf prefix = held;
        held = null;
        writeBodyBytes(ctx, prefix, bytes, null, false, promise);
    }

    /**
     * Writes a body piece (and, for the last one, the message's end) behind {@code prefix}, the
     * message's encoded head or null. Takes over {@code content}.
     */
    private void writeBody(ChannelHandlerContext ctx, ByteBuf prefix, HttpContent content, ChannelPromise promise) {
        boolean last = content instanceof LastHttpContent;
        HttpHeaders trailers = last ? ((LastHttpContent) content).trailingHeaders() : null;
        writeBodyBytes(ctx, prefix, content.content(), trailers, last, promise);
    }

    private void writeBodyBytes(ChannelHandlerContext ctx, ByteBuf prefix, ByteBuf body, HttpHeaders trailers,
                                boolean last, ChannelPromise promise) {
        int length = body.readableBytes();
        int framing = state;
        if (last) {
            state = BETWEEN_MESSAGES; // the next write starts a new message, whatever happens below
        }
        ByteBuf out = prefix;
        if (framing == NO_BODY || length == 0 && framing == AS_IS) {
            body.release();
        } else if (framing == AS_IS) {
            if (out != null && out.maxFastWritableBytes() >= length) {
                copyBehind(out, body);
            } else {
                pass(ctx, out);
                out = body;
            }
        } else {
            // chunked: "size CRLF data CRLF" for the piece, then "0 CRLF trailers CRLF" at the end
            if (length > 0) {
                if (out == null) {
                    out = ctx.alloc().buffer(length <= COALESCE_LIMIT ? 16 + length : 16);
                }
                ByteBufUtil.writeAscii(out, Integer.toHexString(length));
                out.writeShort(CRLF);
                if (out.maxFastWritableBytes() >= length + 2) {
                    copyBehind(out, body);
                    out.writeShort(CRLF);
                } else {
                    pass(ctx, out);
                    ctx.write(body, ctx.voidPromise());
                    out = ctx.alloc().buffer(2).writeShort(CRLF);
                }
            } else {
                body.release();
            }
            if (last) {
                if (trailers == null || trailers.isEmpty()) {
                    if (out == null) {
                        out = LAST_CHUNK_BUF.duplicate();
                    } else {
                        out.writeBytes(LAST_CHUNK);
                    }
                } else {
                    if (out == null) {
                        out = ctx.alloc().buffer(64);
                    }
                    out.writeMedium(('0' << 16) | CRLF);
                    CompactHttpHeaders.encode(trailers, out);
                    out.writeShort(CRLF);
                }
            }
        }
        if (out == null) {
            ctx.write(Unpooled.EMPTY_BUFFER, promise);
        } else if (!last && promise.isVoid() && out == prefix) {
            // The head with the first body bytes: more may follow in this same read.
            held = out;
        } else {
            ctx.write(out, promise);
        }
    }

    /**
     * Copies {@code body} behind what {@code out} holds and releases it. Read from the body's side:
     * {@code out.writeBytes(body)} makes two NIO buffer views of the pooled memory per copy, a read
     * is a plain memory copy between the two.
     */
    private static void copyBehind(ByteBuf out, ByteBuf body) {
        int length = body.readableBytes();
        // Grows the capacity in place (the caller checked maxFastWritableBytes), or getBytes would
        // find the target too small.
        out.ensureWritable(length);
        body.getBytes(body.readerIndex(), out, out.writerIndex(), length);
        out.writerIndex(out.writerIndex() + length);
        body.release();
    }

    /** Passes {@code buf} on, if there is one. */
    private static void pass(ChannelHandlerContext ctx, ByteBuf buf) {
        if (buf != null) {
            ctx.write(buf, ctx.voidPromise());
        }
    }

    private void sendHeld(ChannelHandlerContext ctx) {
        ByteBuf buf = held;
        if (buf != null) {
            held = null;
            ctx.write(buf, ctx.voidPromise());
        }
    }

    /** Writes a message's initial line and headers and tells how its body is framed. */
    private interface Heads {
        void initialLine(ByteBuf buf, HttpMessage message) throws Exception;

        /** Whether the message can have no body (as Netty's encoder decides). */
        boolean alwaysEmpty(HttpMessage message);

        /** Removes the framing headers a message without body must not carry (as Netty's encoder does). */
        void sanitize(HttpMessage message, boolean alwaysEmpty);

        /** Writes the message's head and returns how its body is framed. */
        default int write(ByteBuf buf, HttpMessage message) throws Exception {
            initialLine(buf, message);
            boolean alwaysEmpty = alwaysEmpty(message);
            int framing = alwaysEmpty ? NO_BODY : HttpUtil.isTransferEncodingChunked(message) ? CHUNKED : AS_IS;
            sanitize(message, alwaysEmpty);
            CompactHttpHeaders.encode(message.headers(), buf);
            buf.writeShort(CRLF);
            return framing;
        }
    }

    /**
     * Netty's response rules, reached through its encoder: the status line (its version and status
     * writers are not public), which statuses have no body (1xx, 204, 205 and 304, as Netty decides)
     * and the framing headers removed from those.
     */
    private static final class ResponseHeads extends HttpResponseEncoder implements Heads {
        @Override
        public void initialLine(ByteBuf buf, HttpMessage message) throws Exception {
            encodeInitialLine(buf, (HttpResponse) message);
        }

        @Override
        public boolean alwaysEmpty(HttpMessage message) {
            return isContentAlwaysEmpty((HttpResponse) message);
        }

        @Override
        public void sanitize(HttpMessage message, boolean alwaysEmpty) {
            sanitizeHeadersBeforeEncode((HttpResponse) message, alwaysEmpty);
        }
    }

    /** Requests: every request may have a body, and none has headers removed (as in Netty's encoder). */
    private static final class RequestHeads implements Heads {
        /**
         * Netty's request line, with one difference: the target goes out as the bytes it came in as.
         * The decoder makes each byte of the target one character (ISO-8859-1); Netty's encoder
         * writes the characters as UTF-8, so a raw non-ASCII byte from a client (a UTF-8 {@code é}
         * sent unescaped, as some clients do) reached the backend as two bytes each, another path.
         * An empty target becomes {@code /}, and an absolute target without a path gets one, as
         * Netty does.
         */
        @Override
        public void initialLine(ByteBuf buf, HttpMessage message) {
            HttpRequest request = (HttpRequest) message;
            ByteBufUtil.copy(request.method().asciiName(), buf);
            buf.writeByte(' ');
            buf.writeCharSequence(withPath(request.uri()), StandardCharsets.ISO_8859_1);
            buf.writeByte(' ');
            buf.writeCharSequence(request.protocolVersion().text(), StandardCharsets.US_ASCII);
            buf.writeShort(CRLF);
        }

        private static CharSequence withPath(String uri) {
            if (uri.isEmpty()) {
                return "/";
            }
            int start = uri.indexOf("://");
            if (start < 0 || uri.charAt(0) == '/') {
                return uri;
            }
            start += 3;
            int query = uri.indexOf('?', start);
            if (query < 0) {
                return uri.lastIndexOf('/') < start ? uri + '/' : uri;
            }
            return uri.lastIndexOf('/', query) < start ? new StringBuilder(uri).insert(query, '/') : uri;
        }

        @Override
        public boolean alwaysEmpty(HttpMessage message) {
            return false;
        }

        @Override
        public void sanitize(HttpMessage message, boolean alwaysEmpty) {
            // nothing to remove from a request
        }
    }
}
