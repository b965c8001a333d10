package dev.gatehouse.engine.forward;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Http1MessageEncoderTest {

    static Stream<Arguments> responses() {
        return Stream.of(
                Arguments.of("Content-Length, body in one piece", (Supplier<List<Object>>) () -> List.of(
                        response(HttpResponseStatus.OK, "Content-Length", "5"), last("hello"))),
                Arguments.of("Content-Length, body larger than the coalescing limit, in pieces", (Supplier<List<Object>>) () -> List.of(
                        response(HttpResponseStatus.OK, "Content-Length", "10000"), content("a".repeat(8000)),
                        last("b".repeat(2000)))),
                Arguments.of("chunked with an empty piece and trailers", (Supplier<List<Object>>) () -> List.of(
                        response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked"), content("abc"), content(""),
                        lastWithTrailers("de", "X-Checksum", "42"))),
                Arguments.of("chunked, empty end", (Supplier<List<Object>>) () -> List.of(
                        response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked"), content("x".repeat(5000)),
                        LastHttpContent.EMPTY_LAST_CONTENT)),
                Arguments.of("204 loses its framing headers", (Supplier<List<Object>>) () -> List.of(
                        response(HttpResponseStatus.NO_CONTENT, "Content-Length", "0", "Transfer-Encoding", "chunked"),
                        LastHttpContent.EMPTY_LAST_CONTENT)),
                Arguments.of("205 gets Content-Length: 0", (Supplier<List<Object>>) () -> List.of(
                        response(HttpResponseStatus.RESET_CONTENT, "Transfer-Encoding", "chunked"),
                        LastHttpContent.EMPTY_LAST_CONTENT)),
                Arguments.of("304 drops body bytes written anyway", (Supplier<List<Object>>) () -> List.of(
                        response(HttpResponseStatus.NOT_MODIFIED, "Content-Length", "5"), last("hello"))),
                Arguments.of("answer to HEAD: head only", (Supplier<List<Object>>) () -> List.of(
                        response(HttpResponseStatus.OK, "Content-Length", "100"), LastHttpContent.EMPTY_LAST_CONTENT)),
                Arguments.of("until the connection closes", (Supplier<List<Object>>) () -> List.of(
                        response(HttpResponseStatus.OK, "Content-Type", "text/plain"), content("one"), last("two"))),
                Arguments.of("error page as one full response", (Supplier<List<Object>>) () -> List.of(
                        fullResponse(HttpResponseStatus.BAD_GATEWAY, "<h1>502</h1>"))),
                Arguments.of("full response larger than the limit", (Supplier<List<Object>>) () -> List.of(
                        fullResponse(HttpResponseStatus.OK, "z".repeat(6000)))),
                Arguments.of("two keep-alive answers in a row", (Supplier<List<Object>>) () -> List.of(
                        response(HttpResponseStatus.OK, "Content-Length", "2"), last("ok"),
                        response(HttpResponseStatus.NOT_FOUND, "Transfer-Encoding", "chunked"), last("gone"))),
                Arguments.of("a 100 Continue, then the answer", (Supplier<List<Object>>) () -> List.of(
                        response(HttpResponseStatus.CONTINUE), LastHttpContent.EMPTY_LAST_CONTENT,
                        response(HttpResponseStatus.OK, "Content-Length", "1"), last("y"))));
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("GET without body", (Supplier<List<Object>>) () -> List.of(
                        request(HttpMethod.GET, "/a?b=c", "Host", "a.test"), LastHttpContent.EMPTY_LAST_CONTENT)),
                Arguments.of("POST with a small body", (Supplier<List<Object>>) () -> List.of(
                        request(HttpMethod.POST, "/form", "Host", "a.test", "Content-Length", "3"), last("abc"))),
                Arguments.of("POST chunked with trailers", (Supplier<List<Object>>) () -> List.of(
                        request(HttpMethod.POST, "/up", "Transfer-Encoding", "chunked"), content("0123456789"),
                        lastWithTrailers("", "X-Sum", "1"))),
                Arguments.of("absolute URI without a path gets one", (Supplier<List<Object>>) () -> List.of(
                        request(HttpMethod.GET, "http://a.test?x=1"), LastHttpContent.EMPTY_LAST_CONTENT)),
                Arguments.of("empty URI becomes /", (Supplier<List<Object>>) () -> List.of(
                        request(HttpMethod.OPTIONS, ""), LastHttpContent.EMPTY_LAST_CONTENT)),
                Arguments.of("absolute URI with a path and a query", (Supplier<List<Object>>) () -> List.of(
                        request(HttpMethod.GET, "https://a.test:8443/p/q?x=/y"), LastHttpContent.EMPTY_LAST_CONTENT)),
                Arguments.of("absolute URI, query, no path", (Supplier<List<Object>>) () -> List.of(
                        request(HttpMethod.GET, "http://a.test?x=/y"), LastHttpContent.EMPTY_LAST_CONTENT)),
                Arguments.of("absolute URI without path or query", (Supplier<List<Object>>) () -> List.of(
                        request(HttpMethod.CONNECT, "http://a.test:80"), LastHttpContent.EMPTY_LAST_CONTENT)),
                Arguments.of("HTTP/1.0 request", (Supplier<List<Object>>) () -> List.of(
                        new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.HEAD, "/"), LastHttpContent.EMPTY_LAST_CONTENT)),
                Arguments.of("full request", (Supplier<List<Object>>) () -> List.of(
                        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/x", bytes("data")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void writesResponsesAsNettysEncoderDoes(String name, Supplier<List<Object>> messages) {
        assertThat(encode(Http1MessageEncoder.forResponses(), messages.get()))
                .isEqualTo(encode(new HttpResponseEncoder(), messages.get()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void writesRequestsAsNettysEncoderDoes(String name, Supplier<List<Object>> messages) {
        assertThat(encode(Http1MessageEncoder.forRequests(), messages.get()))
                .isEqualTo(encode(new HttpRequestEncoder(), messages.get()));
    }

    @Test
    void aRequestTargetGoesOutAsTheBytesItCameInAs() {
        // The decoder makes each target byte one character; raw UTF-8 for "/café?q=ÿ" arrives as
        // these six characters after "/caf". Netty's encoder would write each as UTF-8 (two bytes).
        String decodedTarget = "/caf\u00c3\u00a9?q=\u00c3\u00bf";
        EmbeddedChannel channel = new EmbeddedChannel(Http1MessageEncoder.forRequests());
        channel.writeOutbound(request(HttpMethod.GET, decodedTarget), LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(read(channel)).startsWith("GET " + decodedTarget + " HTTP/1.1\r\n");
        channel.finishAndReleaseAll();
    }

    @Test
    void aHeadAndTheSmallBodyBehindItGoOutAsOneBuffer() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1MessageEncoder.forResponses());
        channel.write(response(HttpResponseStatus.OK, "Content-Length", "5"), channel.voidPromise());
        channel.write(last("hello"), channel.voidPromise());
        channel.flush();

        ByteBuf only = channel.readOutbound();
        assertThat(only.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello");
        only.release();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void bodiesCopiedBehindTheirHeadGrowTheBufferInPlaceInsteadOfOverrunningIt() {
        // Netty's adaptive allocator (the engine's) hands out buffers that can grow in place past
        // their capacity; bodies of every size around the head buffer's capacity must come out whole.
        List<Object> messages = new ArrayList<>();
        for (int size = 100; size <= 400; size += 3) {
            messages.add(response(HttpResponseStatus.OK, "Transfer-Encoding", "chunked"));
            messages.add(last("c".repeat(size)));
            messages.add(response(HttpResponseStatus.OK));
            messages.add(last("r".repeat(size)));
        }
        EmbeddedChannel ours = new EmbeddedChannel(Http1MessageEncoder.forResponses());
        ours.config().setAllocator(new AdaptiveByteBufAllocator());
        EmbeddedChannel netty = new EmbeddedChannel(new HttpResponseEncoder());
        for (Object message : messages) {
            ReferenceCountUtil.retain(message);
            ours.write(message, ours.voidPromise());
            netty.write(message, netty.voidPromise());
        }
        ours.flush();
        netty.flush();
        assertThat(read(ours)).isEqualTo(read(netty));
        assertThat(ours.finishAndReleaseAll()).isFalse();
        netty.finishAndReleaseAll();
    }

    @Test
    void aHeldHeadGoesOutOnFlushBeforeItsBodyArrives() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1MessageEncoder.forResponses());
        channel.write(response(HttpResponseStatus.OK, "Content-Length", "5"), channel.voidPromise());
        assertThat((Object) channel.readOutbound()).isNull();
        channel.flush();
        assertThat(read(channel)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");

        channel.writeAndFlush(last("hello"));
        assertThat(read(channel)).isEqualTo("hello");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aWriteWithAPromiseIsNotHeld() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1MessageEncoder.forRequests());
        var promise = channel.newPromise();
        channel.write(request(HttpMethod.GET, "/"), promise);
        channel.flush();
        assertThat(promise.isSuccess()).isTrue();
        assertThat(read(channel)).isEqualTo("GET / HTTP/1.1\r\n\r\n");
        channel.finishAndReleaseAll();
    }

    @Test
    void aHeldHeadIsReleasedWhenTheEncoderIsRemovedOrTheChannelCloses() {
        for (boolean close : new boolean[] {false, true}) {
            RecordingAllocator allocator = new RecordingAllocator();
            EmbeddedChannel channel = new EmbeddedChannel(Http1MessageEncoder.forResponses());
            channel.config().setAllocator(allocator);
            channel.write(response(HttpResponseStatus.OK, "Content-Length", "5"), channel.voidPromise());
            assertThat(allocator.made).as("the held head").hasSize(1);
            assertThat(allocator.made.get(0).refCnt()).isEqualTo(1);

            if (close) {
                channel.close();
            } else {
                channel.pipeline().remove(Http1MessageEncoder.class);
            }

            assertThat(allocator.made.get(0).refCnt()).as(close ? "after close" : "after removal").isZero();
            if (close) {
                // Passed on ahead of the close, the head fails with it, as every unflushed write does.
                assertThatThrownBy(channel::checkException).isInstanceOf(ClosedChannelException.class);
            } else {
                assertThat((Object) channel.readOutbound()).isNull();
            }
            channel.finishAndReleaseAll();
        }
    }

    /** Keeps every buffer it makes, to check they are all released. */
    private static final class RecordingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> made = new ArrayList<>();

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return record(Unpooled.buffer(initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return record(Unpooled.directBuffer(initialCapacity, maxCapacity));
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        private ByteBuf record(ByteBuf buf) {
            made.add(buf);
            return buf;
        }
    }

    @Test
    void refusesBodyBytesBeforeAHeadAndAHeadInsideABody() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1MessageEncoder.forResponses());
        ByteBuf stray = bytes("stray");
        assertThatThrownBy(() -> channel.writeOutbound(new DefaultHttpContent(stray)))
                .hasMessageContaining("before any message head");
        assertThat(stray.refCnt()).isZero();

        channel.writeOutbound(response(HttpResponseStatus.OK, "Content-Length", "5"));
        var second = fullResponse(HttpResponseStatus.OK, "x");
        assertThatThrownBy(() -> channel.writeOutbound(second)).hasMessageContaining("unexpected message");
        assertThat(second.refCnt()).isZero();
        channel.finishAndReleaseAll();
    }

    private static String encode(ChannelHandler encoder, List<Object> messages) {
        EmbeddedChannel channel = new EmbeddedChannel(encoder);
        for (Object message : messages) {
            channel.write(message, channel.voidPromise());
        }
        channel.flush();
        String written = read(channel);
        channel.finishAndReleaseAll();
        return written;
    }

    private static String read(EmbeddedChannel channel) {
        StringBuilder written = new StringBuilder();
        for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
            written.append(part.toString(StandardCharsets.ISO_8859_1));
            part.release();
        }
        return written.toString();
    }

    private static DefaultHttpResponse response(HttpResponseStatus status, String... headers) {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, compact(headers));
    }

    private static DefaultFullHttpResponse fullResponse(HttpResponseStatus status, String body) {
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, bytes(body));
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length());
        return response;
    }

    private static DefaultHttpRequest request(HttpMethod method, String uri, String... headers) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri, compact(headers));
    }

    private static HttpHeaders compact(String... namesAndValues) {
        HttpHeaders headers = CompactHttpHeaders.factory(DefaultHttpHeadersFactory.headersFactory())
                .newHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    private static DefaultHttpContent content(String text) {
        return new DefaultHttpContent(bytes(text));
    }

    private static DefaultLastHttpContent last(String text) {
        return new DefaultLastHttpContent(bytes(text));
    }

    private static DefaultLastHttpContent lastWithTrailers(String text, String... trailers) {
        DefaultLastHttpContent last = new DefaultLastHttpContent(bytes(text));
        for (int i = 0; i < trailers.length; i += 2) {
            last.trailingHeaders().add(trailers[i], trailers[i + 1]);
        }
        return last;
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }
}
