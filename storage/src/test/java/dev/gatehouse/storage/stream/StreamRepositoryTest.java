package dev.gatehouse.storage.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.MutableClock;
import dev.gatehouse.storage.TestDatabase;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.backend.BackendServer;

class StreamRepositoryTest {

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private MutableClock clock;
    private StreamRepository streams;
    private BackendRepository backends;
    private Backend db;
    private Backend ssh;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        clock = MutableClock.startingAt("2025-03-01T10:00:00.654321Z");
        streams = new StreamRepository(database.dataSource(), clock);
        backends = new BackendRepository(database.dataSource());
        db = backends.insert("db", BackendServer.list("10.0.0.5:5432"));
        ssh = backends.insert("ssh", BackendServer.list("10.0.0.6:22"));
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void insertedStreamIsFoundWithEverySetting() {
        StreamSettings settings = new StreamSettings(15432, "127.0.0.1", db.id(), true, "v2", 60_000L, 1_500L);

        TcpStream inserted = streams.insert(settings);

        assertThat(inserted.id()).isPositive();
        assertThat(inserted.settings()).isEqualTo(settings);
        assertThat(inserted.createdAt()).isEqualTo(clock.instant()).isEqualTo(inserted.updatedAt());
        assertThat(streams.findById(inserted.id())).contains(inserted);
        assertThat(streams.findByListenPort(15432)).contains(inserted);
        assertThat(streams.findAll()).containsExactly(inserted);
        assertThat(streams.count()).isEqualTo(1);
    }

    @Test
    void defaultsAreStoredAsTheyAreReadBack() {
        TcpStream stream = streams.insert(new StreamSettings(2222, " ", ssh.id(), false, null, null, null));

        StreamSettings read = streams.findById(stream.id()).orElseThrow().settings();
        assertThat(read.bindHost()).as("blank = the proxy's address").isNull();
        assertThat(read.proxyProtocol()).isEqualTo("none");
        assertThat(read.idleTimeoutMs()).as("null = the engine's default").isNull();
        assertThat(read.connectTimeoutMs()).as("null = the backend's").isNull();
        assertThat(read.enabled()).isFalse();
    }

    @Test
    void findAllIsOrderedByPortAndFindByBackendIdFilters() {
        TcpStream high = streams.insert(StreamSettings.of(6000, db.id()));
        TcpStream low = streams.insert(StreamSettings.of(2222, ssh.id()));
        TcpStream middle = streams.insert(StreamSettings.of(5432, db.id()));

        assertThat(streams.findAll()).containsExactly(low, middle, high);
        assertThat(streams.findByBackendId(db.id())).containsExactly(middle, high);
        assertThat(streams.findByBackendId(999_999)).isEmpty();
        assertThat(streams.findById(999_999)).isEmpty();
        assertThat(streams.findByListenPort(1)).isEmpty();
    }

    @Test
    void updateReplacesEverythingAndMovesUpdatedAtOnly() {
        TcpStream original = streams.insert(StreamSettings.of(5432, db.id()));
        clock.advance(Duration.ofHours(1));
        StreamSettings changed = new StreamSettings(2222, "::1", ssh.id(), false, "v1", 5_000L, 100L);

        TcpStream updated = streams.update(original.id(), changed).orElseThrow();

        assertThat(updated.settings()).isEqualTo(changed);
        assertThat(updated.createdAt()).isEqualTo(original.createdAt());
        assertThat(updated.updatedAt()).isEqualTo(clock.instant()).isAfter(original.updatedAt());
        assertThat(streams.findById(original.id())).contains(updated);
        assertThat(streams.update(999_999, changed)).isEmpty();
    }

    @Test
    void setEnabledChangesOnlyTheFlag() {
        TcpStream original = streams.insert(new StreamSettings(5432, null, db.id(), true, "v2", null, null));
        clock.advance(Duration.ofMinutes(5));

        TcpStream disabled = streams.setEnabled(original.id(), false).orElseThrow();

        assertThat(disabled.settings()).isEqualTo(original.settings().withEnabled(false));
        assertThat(disabled.updatedAt()).isEqualTo(clock.instant());
        assertThat(streams.setEnabled(999_999, true)).isEmpty();
    }

    @Test
    void aPortTakenByAnotherStreamIsADuplicateKeyAndNothingChanges() {
        TcpStream first = streams.insert(StreamSettings.of(5432, db.id()));
        TcpStream second = streams.insert(StreamSettings.of(2222, ssh.id()));

        assertThatThrownBy(() -> streams.insert(new StreamSettings(5432, "127.0.0.1", ssh.id(), false, null, null, null)))
                .as("one stream per port, whatever the address or state")
                .isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> streams.update(second.id(), StreamSettings.of(5432, ssh.id())))
                .isInstanceOf(DuplicateKeyException.class);

        assertThat(streams.findAll()).containsExactly(second, first);
    }

    @Test
    void anUnknownBackendIsAnIntegrityViolation() {
        assertThatThrownBy(() -> streams.insert(StreamSettings.of(5432, 999_999)))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(streams.count()).isZero();
    }

    @Test
    void aBackendAStreamUsesCannotBeDeletedUntilTheStreamIs() {
        TcpStream stream = streams.insert(StreamSettings.of(5432, db.id()));

        assertThatThrownBy(() -> backends.delete(db.id())).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(backends.findById(db.id())).isPresent();

        assertThat(streams.delete(stream.id())).isTrue();
        assertThat(streams.delete(stream.id())).isFalse();
        assertThat(backends.delete(db.id())).isTrue();
    }

    @Test
    void aWriteInsideARolledBackTransactionLeavesNothing() {
        TransactionTemplate outer = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));

        outer.executeWithoutResult(status -> {
            streams.insert(StreamSettings.of(5432, db.id()));
            status.setRollbackOnly();
        });

        assertThat(streams.count()).isZero();
    }

    static Stream<Arguments> valuesTheSchemaCannotHold() {
        return Stream.of(
                Arguments.of((Runnable) () -> new StreamSettings(0, null, 1, true, null, null, null), "listen port must be 1-65535, got 0"),
                Arguments.of((Runnable) () -> new StreamSettings(65536, null, 1, true, null, null, null), "got 65536"),
                Arguments.of((Runnable) () -> new StreamSettings(22, "x".repeat(46), 1, true, null, null, null), "at most 45"),
                Arguments.of((Runnable) () -> new StreamSettings(22, null, 1, true, "v3", null, null), "must be one of [none, v1, v2], got 'v3'"),
                Arguments.of((Runnable) () -> new StreamSettings(22, null, 1, true, null, 0L, null), "idle timeout (ms) must be at least 1"),
                Arguments.of((Runnable) () -> new StreamSettings(22, null, 1, true, null, null, -5L), "connect timeout (ms) must be at least 1"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("valuesTheSchemaCannotHold")
    void settingsRefuseWhatTheSchemaCannotHold(Runnable create, String message) {
        assertThatThrownBy(create::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void theSchemaItselfRefusesAnUnknownProxyProtocol() {
        assertThatThrownBy(() -> database.jdbc().sql("""
                        INSERT INTO tcp_stream (listen_port, backend_id, enabled, proxy_protocol, created_at, updated_at)
                        VALUES (22, :backendId, TRUE, 'v9', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""")
                .param("backendId", ssh.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }
}
