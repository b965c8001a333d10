package dev.gatehouse.engine.stream;

import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.StreamDefinition;
import dev.gatehouse.engine.config.StreamDefinition.ProxyProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The compiler's checks of TCP streams: each bad value names the stream, the field and the value. */
class StreamValidationTest {

    private static final BackendDefinition DB = new BackendDefinition("db", List.of(new ServerDefinition("10.0.0.1", 5432)));
    private static final BackendDefinition WEB_TLS = new BackendDefinition("web",
            List.of(new ServerDefinition("10.0.0.2", 443).withTls(true, null)));
    private static final Map<Integer, String> RESERVED = Map.of(8080, "the proxy's HTTP port", 8443, "the proxy's HTTPS port");
    private static final StreamDefinition VALID = new StreamDefinition("1", 5432, "db");

    private static List<ConfigError> errors(StreamDefinition... streams) {
        return StreamCompiler.validate(new ConfigSnapshot(1, List.of(DB, WEB_TLS), List.of()).withStreams(List.of(streams)),
                RESERVED);
    }

    static Stream<Arguments> invalidStreams() {
        return Stream.of(
                Arguments.of(VALID.withListenPort(0), "listenPort", "port 0 is out of range; ports are 1-65535"),
                Arguments.of(VALID.withListenPort(65536), "listenPort", "port 65536 is out of range"),
                Arguments.of(VALID.withListenPort(8080), "listenPort", "port 8080 is the proxy's HTTP port"),
                Arguments.of(VALID.withListenPort(8443), "listenPort", "port 8443 is the proxy's HTTPS port"),
                Arguments.of(VALID.withBindHost("db.example.com"), "bindHost", "'db.example.com' is not an IPv4 or IPv6 address"),
                Arguments.of(VALID.withBindHost("10.0.0.300"), "bindHost", "is not an IPv4 or IPv6 address"),
                Arguments.of(VALID.withBackend(null), "backend", "backend is missing"),
                Arguments.of(VALID.withBackend("nope"), "backend", "backend 'nope' does not exist"),
                Arguments.of(VALID.withBackend("web"), "backend", "reaches server 10.0.0.2:443 over https"),
                Arguments.of(VALID.withIdleTimeout(Duration.ZERO), "idleTimeout", "idleTimeout must be more than zero"),
                Arguments.of(VALID.withConnectTimeout(Duration.ofMillis(-1)), "connectTimeout", "connectTimeout must be more than zero"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("invalidStreams")
    void namesTheStreamTheFieldAndTheProblem(StreamDefinition stream, String field, String message) {
        assertThat(errors(stream)).singleElement().satisfies(error -> {
            assertThat(error.object()).isEqualTo("stream 1");
            assertThat(error.field()).isEqualTo(field);
            assertThat(error.message()).contains(message);
        });
    }

    @Test
    void aPortIsUsedByOneStreamOnlyEnabledOrNot() {
        assertThat(errors(VALID, new StreamDefinition("2", 5432, "db").withEnabled(false)))
                .singleElement().satisfies(error -> {
                    assertThat(error.object()).isEqualTo("stream 2");
                    assertThat(error.field()).isEqualTo("listenPort");
                    assertThat(error.message()).isEqualTo("port 5432 is already used by stream 1");
                });
    }

    @Test
    void idsAreRequiredAndUnique() {
        assertThat(errors(new StreamDefinition(" ", 1000, "db"), new StreamDefinition("7", 1001, "db"),
                new StreamDefinition("7", 1002, "db")))
                .extracting(ConfigError::toString)
                .containsExactly("streams[0] id: stream id is missing", "stream 7 id: stream id '7' is used by more than one stream");
    }

    @Test
    void aDisabledStreamIsValidatedToo() {
        assertThat(errors(VALID.withEnabled(false).withBackend("nope")))
                .extracting(ConfigError::field).containsExactly("backend");
    }

    @Test
    void everySettingAtItsLimitsIsAccepted() {
        assertThat(errors(VALID.withListenPort(1), new StreamDefinition("2", 65535, "db").withBindHost("::1")
                        .withProxyProtocol(ProxyProtocol.V2).withIdleTimeout(Duration.ofMillis(1))
                        .withConnectTimeout(Duration.ofMillis(1)),
                new StreamDefinition("3", 3306, "db").withBindHost("127.0.0.1").withProxyProtocol(ProxyProtocol.V1)))
                .isEmpty();
    }

    @Test
    void defaultsAreFilledIn() {
        StreamDefinition stream = new StreamDefinition("1", 22, null, "ssh", true, null, null, null);
        assertThat(stream.proxyProtocol()).isEqualTo(ProxyProtocol.NONE);
        assertThat(stream.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(stream.connectTimeout()).as("null = the backend's").isNull();
        assertThat(stream.withBindHost("  ").bindHost()).isNull();
    }

    @Test
    void proxyProtocolNamesAreReadLikeTheApiWritesThem() {
        assertThat(ProxyProtocol.fromName(" V2 ")).isEqualTo(ProxyProtocol.V2);
        assertThat(ProxyProtocol.fromName("none")).isEqualTo(ProxyProtocol.NONE);
        assertThatThrownBy(() -> ProxyProtocol.fromName("v3"))
                .hasMessage("unknown PROXY protocol 'v3'; use one of none, v1, v2");
    }

    @Test
    void aSnapshotWithoutStreamsHasNoneAndComparesByThem() {
        ConfigSnapshot plain = new ConfigSnapshot(1, List.of(DB), List.of());
        assertThat(plain.streams()).isEmpty();
        assertThat(plain.withStreams(List.of(VALID)).sameContentAs(plain)).isFalse();
        assertThat(plain.withStreams(List.of(VALID)).withRevision(9)).isEqualTo(plain.withStreams(List.of(VALID)).withRevision(9));
        assertThat(plain.withStreams(List.of(VALID)).withRevision(9).streams()).containsExactly(VALID);
    }
}
