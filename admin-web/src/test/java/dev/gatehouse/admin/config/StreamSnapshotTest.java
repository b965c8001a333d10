package dev.gatehouse.admin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.StreamDefinition;
import dev.gatehouse.engine.config.StreamDefinition.ProxyProtocol;
import dev.gatehouse.storage.stream.StreamSettings;
import dev.gatehouse.storage.stream.TcpStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TCP streams in config revisions: stored stream to engine record, and the revision JSON both ways. */
class StreamSnapshotTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final List<BackendDefinition> BACKENDS =
            List.of(new BackendDefinition("db", List.of(ServerDefinition.parse("10.0.0.5:5432"))));

    @Test
    void everyStoredSettingReachesTheEngine() {
        TcpStream stored = new TcpStream(4, new StreamSettings(15432, "127.0.0.1", 9, false, "v2", 30_000L, 750L), T0, T0);

        assertThat(SnapshotBuilder.toDefinition(stored, Map.of(9L, "db"))).isEqualTo(new StreamDefinition("4", 15432,
                "127.0.0.1", "db", false, ProxyProtocol.V2, Duration.ofSeconds(30), Duration.ofMillis(750)));
    }

    @Test
    void storedDefaultsAreTheEngineAndBackendDefaults() {
        TcpStream stored = new TcpStream(1, StreamSettings.of(2222, 9), T0, T0);

        StreamDefinition definition = SnapshotBuilder.toDefinition(stored, Map.of(9L, "ssh"));

        assertThat(definition).isEqualTo(new StreamDefinition("1", 2222, "ssh"));
        assertThat(definition.bindHost()).as("the engine's host").isNull();
        assertThat(definition.proxyProtocol()).isEqualTo(ProxyProtocol.NONE);
        assertThat(definition.idleTimeout()).isEqualTo(StreamDefinition.DEFAULT_IDLE_TIMEOUT);
        assertThat(definition.connectTimeout()).as("the backend's").isNull();
    }

    @Test
    void aStreamWhoseBackendIsMissingFailsLoudly() {
        TcpStream stored = new TcpStream(1, StreamSettings.of(2222, 9), T0, T0);

        assertThatThrownBy(() -> SnapshotBuilder.toDefinition(stored, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("stream 1 refers to missing backend 9");
    }

    @Test
    void streamsSurviveTheRoundTrip() {
        ConfigSnapshot snapshot = new ConfigSnapshot(12, BACKENDS, List.of()).withStreams(List.of(
                new StreamDefinition("1", 5432, "db"),
                new StreamDefinition("2", 2222, "::1", "db", false, ProxyProtocol.V1, Duration.ofHours(2),
                        Duration.ofMillis(300))));

        ConfigSnapshot read = SnapshotJson.read(12, SnapshotJson.write(snapshot));

        assertThat(read).isEqualTo(snapshot);
        assertThat(read.streams().get(1).proxyProtocol()).isEqualTo(ProxyProtocol.V1);
        assertThat(read.streams().get(1).connectTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(read.streams().get(0).connectTimeout()).isNull();
    }

    @Test
    void aRevisionStoredBeforeStreamsExistedRestoresWithNone() {
        String json = SnapshotJson.write(new ConfigSnapshot(3, BACKENDS, List.of()));
        String old = json.replace(",\"streams\":[]", "");
        assertThat(old).isNotEqualTo(json).doesNotContain("streams");

        ConfigSnapshot read = SnapshotJson.read(3, old);

        assertThat(read.streams()).isEmpty();
        assertThat(read).isEqualTo(new ConfigSnapshot(3, BACKENDS, List.of()));
    }
}
