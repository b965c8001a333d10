package dev.gatehouse.engine.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.AsciiString;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one request into the frames of an HTTP/2 stream to a backend and the stream's frames back
 * into the HTTP objects the forwarding uses, on a child channel of an {@link Http2BackendSession}.
 *
 * <p>Written for the proxy rather than taken from Netty's {@code Http2StreamFrameToHttpObjectCodec}:
 * the request target goes out as {@code :path} byte for byte (Netty parses it with
 * {@link java.net.URI}, which refuses targets that servers accept), nothing is added to the response
 * (no {@code x-http2-stream-id}, no made-up {@code Transfer-Encoding}), and a response that ends with
 * its headers (gRPC's "trailers-only" answer: {@code :status 200} with {@code grpc-status}) stays one
 * {@link io.netty.handler.codec.http.FullHttpResponse}, so an HTTP/2 client gets it as one HEADERS
 * frame with END_STREAM, as gRPC requires.
 *
 * <p>Headers the caller left in are passed on lower-cased; the caller has already removed the
 * connection-specific ones (RFC 9113 8.2.2), except {@code te: trailers}, the one value HTTP/2 allows.
 */
final class Http2BackendStreamCodec extends MessageToMessageCodec<Http2StreamFrame, HttpObject> {

    /** Names and values from a backend pass unchecked: the frame decoder has validated them. */
    private static final HttpHeadersFactory RESPONSE_HEADERS = DefaultHttpHeadersFactory.headersFactory()
            .withValidation(false);
    private static final AsciiString TRAILERS = AsciiString.cached("trailers");
    /** Never sent on an HTTP/2 stream (RFC 9113 8.2.2); the forwarding sets some for HTTP/1 framing. */
    private static final Set<AsciiString> CONNECTION_SPECIFIC = Set.of(HttpHeaderNames.HOST,
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, AsciiString.cached("proxy-connection"),
            HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE);

    private final AsciiString scheme;
    /** The final (non-1xx) response head has been read: a later HEADERS frame is the trailers. */
    private boolean responseHeadRead;

    /** @param scheme {@code :scheme} of the requests: {@code https} over TLS, else {@code http} */
    Http2BackendStreamCodec(AsciiString scheme) {
        this.scheme = scheme;
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof HttpObject;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) {
        if (msg instanceof HttpRequest request) {
            out.add(new DefaultHttp2HeadersFrame(requestHeaders(request), false));
        }
        if (msg instanceof HttpContent content) {
            ByteBuf body = content.content();
            if (!(msg instanceof LastHttpContent last)) {
                out.add(new DefaultHttp2DataFrame(body.retain(), false));
                return;
            }
            HttpHeaders trailers = last.trailingHeaders();
            if (trailers.isEmpty()) {
                // END_STREAM rides on a DATA frame, empty when the body already went out.
                out.add(new DefaultHttp2DataFrame(body.retain(), true));
                return;
            }
            if (body.isReadable()) {
                out.add(new DefaultHttp2DataFrame(body.retain(), false));
            }
            out.add(new DefaultHttp2HeadersFrame(toHttp2(trailers, new DefaultHttp2Headers(false, trailers.size())), true));
        }
    }

    private Http2Headers requestHeaders(HttpRequest request) {
        HttpHeaders headers = request.headers();
        Http2Headers out = new DefaultHttp2Headers(false, headers.size() + 4);
        out.method(request.method().asciiName());
        out.scheme(scheme);
        out.path(request.uri());
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null) {
            out.authority(host);
        }
        return toHttp2(headers, out);
    }

    private static Http2Headers toHttp2(HttpHeaders headers, Http2Headers out) {
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = entries.next();
            AsciiString name = AsciiString.of(header.getKey()).toLowerCase();
            if (CONNECTION_SPECIFIC.contains(name)
                    || HttpHeaderNames.TE.contentEquals(name) && !TRAILERS.contentEqualsIgnoreCase(header.getValue())) {
                continue; // Host is sent as :authority; the others are an HTTP/2 protocol error
            }
            out.add(name, header.getValue());
        }
        return out;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Http2StreamFrame frame, List<Object> out) {
        if (frame instanceof Http2HeadersFrame headersFrame) {
            Http2Headers headers = headersFrame.headers();
            if (responseHeadRead) {
                LastHttpContent trailers = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, RESPONSE_HEADERS);
                copy(headers, trailers.trailingHeaders());
                out.add(trailers);
                return;
            }
            HttpResponseStatus status = HttpResponseStatus.parseLine(headers.status());
            if (status.code() < 200) {
                // Interim answers (100, 103) are read as a head and its end, which the forwarding skips.
                out.add(new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, RESPONSE_HEADERS));
                out.add(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            responseHeadRead = true;
            if (headersFrame.isEndStream()) {
                DefaultFullHttpResponse whole = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                        Unpooled.EMPTY_BUFFER, RESPONSE_HEADERS, RESPONSE_HEADERS);
                copy(headers, whole.headers());
                out.add(whole);
            } else {
                DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, RESPONSE_HEADERS);
                copy(headers, head.headers());
                out.add(head);
            }
        } else if (frame instanceof Http2DataFrame data) {
            ByteBuf body = data.content().retain();
            out.add(data.isEndStream() ? new DefaultLastHttpContent(body, RESPONSE_HEADERS) : new DefaultHttpContent(body));
        }
        // Anything else (an unknown frame type) is dropped: resets and window updates never get here,
        // the stream channel handles them itself.
    }

    private static void copy(Http2Headers from, HttpHeaders to) {
        for (Map.Entry<CharSequence, CharSequence> header : from) {
            CharSequence name = header.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                continue; // pseudo-headers: :status went into the status line
            }
            to.add(name, header.getValue());
        }
    }
}
