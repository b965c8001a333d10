package dev.gatehouse.engine.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@link CompactHttpHeaders} must behave exactly like Netty's {@code DefaultHttpHeaders} for
 * everything the engine does with headers: each case runs the same changes on both and compares
 * what can be read back.
 */
class CompactHttpHeadersTest {

    private static final DefaultHttpHeadersFactory NETTY = DefaultHttpHeadersFactory.headersFactory();

    private static HttpHeaders compact() {
        return CompactHttpHeaders.factory(NETTY).newHeaders();
    }

    static Stream<Arguments> changes() {
        return Stream.<Arguments>of(
                arguments("adds keep order and repeats", (Consumer<HttpHeaders>) h -> h
                        .add("Host", "a.test").add("Set-Cookie", "a=1").add("set-cookie", "b=2").add("Accept", "*/*")),
                arguments("names compare ignoring case; AsciiString and String names mix", (Consumer<HttpHeaders>) h -> h
                        .add(AsciiString.of("Content-Type"), "text/plain").add("CONTENT-TYPE", "text/html")
                        .add(HttpHeaderNames.HOST, "h")),
                arguments("set replaces every value of a name", (Consumer<HttpHeaders>) h -> h
                        .add("A", "1").add("B", "2").add("a", "3").set("A", "4")),
                arguments("set of a new name appends", (Consumer<HttpHeaders>) h -> h.add("A", "1").set("B", "2")),
                arguments("set with several values", (Consumer<HttpHeaders>) h -> h
                        .add("A", "1").add("B", "x").set("a", List.of("2", "3"))),
                arguments("remove takes every value and keeps the rest in order", (Consumer<HttpHeaders>) h -> h
                        .add("A", "1").add("B", "2").add("a", "3").add("C", "4").add("A", "5").remove("A")),
                arguments("remove of an absent name changes nothing", (Consumer<HttpHeaders>) h -> h
                        .add("A", "1").remove("Z").remove(HttpHeaderNames.CONNECTION)),
                arguments("ints, shorts and dates", (Consumer<HttpHeaders>) h -> h
                        .addInt("Content-Length", 42).setShort("Max-Forwards", (short) 7)
                        .add("Date", new Date(1_700_000_000_000L)).setInt("X-N", -1)),
                arguments("clear empties", (Consumer<HttpHeaders>) h -> h.add("A", "1").add("B", "2").clear()),
                arguments("more than the initial capacity", (Consumer<HttpHeaders>) h -> {
                    for (int i = 0; i < 40; i++) {
                        h.add("X-" + (i % 13), Integer.toString(i));
                    }
                    h.remove("x-3").set("X-5", "five");
                }),
                arguments("add of another headers object", (Consumer<HttpHeaders>) h -> h
                        .add("A", "1").add(NETTY.newHeaders().add("B", "2").add("A", "3"))),
                arguments("comma lists for containsValue", (Consumer<HttpHeaders>) h -> h
                        .add("Connection", "keep-alive ,  Upgrade").add("connection", "X-Secret")
                        .add("Transfer-Encoding", "gzip, CHUNKED")),
                arguments("nothing", (Consumer<HttpHeaders>) h -> { }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void readsBackWhatDefaultHttpHeadersReadsBack(String description, Consumer<HttpHeaders> change) {
        HttpHeaders expected = NETTY.newHeaders();
        HttpHeaders actual = compact();
        change.accept(expected);
        change.accept(actual);

        assertThat(actual.entries()).isEqualTo(expected.entries());
        assertThat(actual.size()).isEqualTo(expected.size());
        assertThat(actual.isEmpty()).isEqualTo(expected.isEmpty());
        assertThat(actual.names()).containsExactlyInAnyOrderElementsOf(distinctIgnoringCase(expected.names()));
        assertThat(charSequenceEntries(actual)).isEqualTo(charSequenceEntries(expected));
        for (String name : List.of("A", "a", "b", "Z", "Host", "content-type", "Set-Cookie", "Content-Length",
                "Max-Forwards", "Date", "X-5", "x-3", "X-12", "Connection", "Transfer-Encoding")) {
            assertThat(actual.get(name)).as("get %s", name).isEqualTo(expected.get(name));
            assertThat(actual.get(AsciiString.of(name))).as("get ascii %s", name).isEqualTo(expected.get(AsciiString.of(name)));
            assertThat(actual.getAll(name)).as("getAll %s", name).isEqualTo(expected.getAll(name));
            assertThat(actual.contains(name)).as("contains %s", name).isEqualTo(expected.contains(name));
            assertThat(actual.getInt(name)).as("getInt %s", name).isEqualTo(expected.getInt(name));
            assertThat(actual.getShort(name)).as("getShort %s", name).isEqualTo(expected.getShort(name));
            // Netty's value iterator walks a name's values newest first (its hash chain order); ours in order.
            assertThat(values(actual, name)).as("value iterator %s", name).isEqualTo(actual.getAll(name))
                    .containsExactlyInAnyOrderElementsOf(values(expected, name));
            for (String value : List.of("1", "3", "keep-alive", "KEEP-ALIVE", "upgrade", "x-secret", "chunked", "gzip",
                    "gzip, CHUNKED", "text/plain", "five", "")) {
                for (boolean ignoreCase : new boolean[] {true, false}) {
                    assertThat(actual.contains(name, value, ignoreCase))
                            .as("contains %s %s %s", name, value, ignoreCase).isEqualTo(expected.contains(name, value, ignoreCase));
                    assertThat(actual.containsValue(name, value, ignoreCase))
                            .as("containsValue %s %s %s", name, value, ignoreCase)
                            .isEqualTo(expected.containsValue(name, value, ignoreCase));
                }
            }
        }
        assertThat(actual.getTimeMillis("date")).isEqualTo(expected.getTimeMillis("date"));
        HttpHeaders copy = actual.copy();
        actual.add("After-Copy", "1");
        assertThat(copy.entries()).isEqualTo(expected.entries());
    }

    private static List<String> distinctIgnoringCase(Iterable<String> names) {
        List<String> distinct = new ArrayList<>();
        for (String name : names) {
            if (distinct.stream().noneMatch(name::equalsIgnoreCase)) {
                distinct.add(name);
            }
        }
        return distinct;
    }

    private static List<String> charSequenceEntries(HttpHeaders headers) {
        List<String> all = new ArrayList<>();
        headers.iteratorCharSequence().forEachRemaining(e -> all.add(e.getKey() + ": " + e.getValue()));
        return all;
    }

    private static List<String> values(HttpHeaders headers, String name) {
        List<String> all = new ArrayList<>();
        headers.valueStringIterator(name).forEachRemaining(all::add);
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nInjected: 1", "a\nb", "nul\0", "bell\u0007"})
    void refusesTheValuesNettyRefuses(String value) {
        assertThatThrownBy(() -> NETTY.newHeaders().add("X", value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> compact().add("X", value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> compact().set("X", value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checksNamesWithTheConfiguredValidator() {
        HttpHeaders strict = CompactHttpHeaders.factory(NETTY).newHeaders();
        assertThatThrownBy(() -> strict.add("Bad Name", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> strict.set("", "1")).isInstanceOf(IllegalArgumentException.class);
        HttpHeaders lenient = CompactHttpHeaders.factory(NETTY.withNameValidation(false)).newHeaders();
        lenient.add("Bad Name", "1");
        assertThat(lenient.get("bad name")).isEqualTo("1");
    }

    @Test
    void aPerMessageFactoryHandsOutTheSameHeadersClearedWithItsValidators() {
        HttpHeadersFactory factory = CompactHttpHeaders.reusedPerMessage(NETTY);
        HttpHeaders first = factory.newHeaders().add("Server", "a").add("Date", "b");

        HttpHeaders second = factory.newHeaders();

        assertThat(second).isSameAs(first);
        assertThat(second.isEmpty()).isTrue();
        assertThat(second.get("Server")).isNull();
        assertThat(factory.newEmptyHeaders()).isSameAs(first);
        assertThatThrownBy(() -> second.add("Bad Name", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(CompactHttpHeaders.reusedPerMessage(NETTY).newHeaders()).isNotSameAs(first);
    }

    @Test
    void encodesLikeNettysEncoder() {
        HttpHeaders headers = compact().add("Host", "a.test").add(HttpHeaderNames.CONTENT_LENGTH, "5")
                .add("X-Latin", "caf\u00e9").add("Set-Cookie", "a=1").add("Set-Cookie", "b=2");
        HttpHeaders same = NETTY.newHeaders().add(headers);

        assertThat(encode(Http1MessageEncoder.forResponses(), headers))
                .isEqualTo(encode(new HttpResponseEncoder(), same))
                .contains("Host: a.test\r\ncontent-length: 5\r\nX-Latin: caf\u00e9\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n");
    }

    private static String encode(ChannelHandler encoder, HttpHeaders headers) {
        EmbeddedChannel channel = new EmbeddedChannel(encoder);
        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, headers));
        ByteBuf written = Unpooled.buffer();
        for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
            written.writeBytes(part);
            part.release();
        }
        channel.finishAndReleaseAll();
        return written.toString(StandardCharsets.ISO_8859_1);
    }
}
