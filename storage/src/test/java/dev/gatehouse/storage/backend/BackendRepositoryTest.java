package dev.gatehouse.storage.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.zaxxer.hikari.HikariDataSource;

import dev.gatehouse.storage.DataDirectory;
import dev.gatehouse.storage.Databases;
import dev.gatehouse.storage.MutableClock;
import dev.gatehouse.storage.TestDatabase;
import dev.gatehouse.storage.site.SiteRepository;

class BackendRepositoryTest {

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private MutableClock clock;
    private BackendRepository backends;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        clock = MutableClock.startingAt("2025-03-01T10:00:00.123456Z");
        backends = new BackendRepository(database.dataSource(), clock);
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void insertedBackendIsFoundByIdAndNameWithItsServersInOrder() {
        Backend inserted = backends.insert("app", BackendServer.list("10.0.0.2:8080", "10.0.0.1:8080", "[::1]:9000"));

        assertThat(inserted.id()).isPositive();
        assertThat(inserted.name()).isEqualTo("app");
        assertThat(inserted.addresses()).containsExactly("10.0.0.2:8080", "10.0.0.1:8080", "[::1]:9000");
        assertThat(inserted.createdAt()).isEqualTo(clock.instant()).isEqualTo(inserted.updatedAt());
        assertThat(backends.findById(inserted.id())).contains(inserted);
        assertThat(backends.findByName("app")).contains(inserted);
        assertThat(backends.findAll()).containsExactly(inserted);
        assertThat(backends.count()).isEqualTo(1);
    }

    private static final BackendSettings EVERY_SETTING = new BackendSettings("least-connections", 1_500L, 90_000L, 5,
            7, 45, new BackendHealthCheck("/health?full=1", 15_000, 1_500, 200, 299, 4, 6),
            new BackendConnectionLimits(120_000L, 250, 7, 2_500), "http2");

    private static final List<BackendServer> EVERY_KIND_OF_SERVER = List.of(
            new BackendServer("10.0.0.1:8080", 5, false, false),
            new BackendServer("10.0.0.2:8080", 1000, false, true),
            new BackendServer("[::1]:9000", 1, true, false),
            new BackendServer("spare.internal:80", 3, true, true),
            new BackendServer("app.internal:8443", 2, false, false, true, true, null),
            new BackendServer("10.0.0.5:443", 1, false, false, true, false, "app.example.test"),
            new BackendServer("[::1]:8443", 1, true, true, true, true, "a-" + "b".repeat(60) + "." + "c".repeat(63)
                    + "." + "d".repeat(63) + "." + "e".repeat(61)));

    @Test
    void everySettingAndServerFlagSurvivesTheRoundTripAndAReopen() {
        Backend inserted = backends.insert("app", EVERY_KIND_OF_SERVER, EVERY_SETTING);

        assertThat(inserted.settings()).isEqualTo(EVERY_SETTING);
        assertThat(inserted.servers()).isEqualTo(EVERY_KIND_OF_SERVER);
        assertThat(backends.findById(inserted.id())).contains(inserted);
        assertThat(backends.findByName("app")).contains(inserted);
        assertThat(backends.findAll()).containsExactly(inserted);

        database.reopen();
        BackendRepository reopened = new BackendRepository(database.dataSource(), clock);
        assertThat(reopened.findById(inserted.id())).contains(inserted);
    }

    @Test
    void aBackendStoredWithoutSettingsHasTheDefaults() {
        Backend inserted = backends.insert("plain", BackendServer.list("10.0.0.1:80"));

        Backend read = backends.findById(inserted.id()).orElseThrow();

        assertThat(read.settings()).isEqualTo(BackendSettings.DEFAULT);
        assertThat(read.settings().healthCheck()).isNull();
        assertThat(read.settings().connectTimeoutMs()).isNull();
        assertThat(read.settings().responseTimeoutMs()).isNull();
        assertThat(read.settings().limits()).isEqualTo(new BackendConnectionLimits(null, 0, 100, 10_000));
        assertThat(read.settings().protocol()).isEqualTo("http1");
        assertThat(read.servers()).containsExactly(new BackendServer("10.0.0.1:80", 1, false, false, false, true, null));
    }

    @Test
    void updateReplacesTheSettingsAndClearsEveryHealthColumnWhenTheCheckIsRemoved() {
        Backend original = backends.insert("app", EVERY_KIND_OF_SERVER, EVERY_SETTING);
        BackendSettings plainer = new BackendSettings("sticky-cookie", null, 30_000L, 0, 0, 1, null,
                new BackendConnectionLimits(null, 0, 0, 1));

        Backend updated = backends.update(original.id(), "app", BackendServer.list("10.0.0.9:80"), plainer).orElseThrow();

        assertThat(updated.settings()).isEqualTo(plainer);
        assertThat(updated.servers()).containsExactly(BackendServer.of("10.0.0.9:80"));
        assertThat(database.jdbc().sql("""
                        SELECT COUNT(*) FROM backend WHERE health_check_path IS NULL AND health_interval_ms IS NULL
                        AND health_timeout_ms IS NULL AND health_status_min IS NULL AND health_status_max IS NULL
                        AND health_healthy_threshold IS NULL AND health_unhealthy_threshold IS NULL
                        AND connect_timeout_ms IS NULL AND idle_timeout_ms IS NULL""")
                .query(Long.class).single()).isEqualTo(1);

        Backend restored = backends.update(original.id(), "app", EVERY_KIND_OF_SERVER, EVERY_SETTING).orElseThrow();
        assertThat(restored.settings()).isEqualTo(EVERY_SETTING);
        assertThat(restored.servers()).isEqualTo(EVERY_KIND_OF_SERVER);
    }

    @Test
    void updateWithNullSettingsStoresTheDefaults() {
        Backend original = backends.insert("app", EVERY_KIND_OF_SERVER, EVERY_SETTING);

        assertThat(backends.update(original.id(), "app", EVERY_KIND_OF_SERVER, null).orElseThrow().settings())
                .isEqualTo(BackendSettings.DEFAULT);
    }

    @Test
    void drainingIsAnUpdateOfTheServerListThatKeepsEverythingElse() {
        Backend original = backends.insert("app", EVERY_KIND_OF_SERVER, EVERY_SETTING);
        List<BackendServer> drained = original.servers().stream()
                .map(server -> server.address().equals("10.0.0.1:8080") ? server.withDrained(true) : server)
                .toList();

        Backend updated = backends.update(original.id(), "app", drained, original.settings()).orElseThrow();

        assertThat(updated.servers().get(0)).isEqualTo(new BackendServer("10.0.0.1:8080", 5, false, true));
        assertThat(updated.servers().subList(1, 7)).isEqualTo(EVERY_KIND_OF_SERVER.subList(1, 7));
        assertThat(updated.settings()).isEqualTo(EVERY_SETTING);
    }

    @Test
    void drainingAnHttpsServerKeepsItsTlsSettings() {
        Backend original = backends.insert("app", EVERY_KIND_OF_SERVER, EVERY_SETTING);
        List<BackendServer> drained = new ArrayList<>(original.servers());
        drained.set(5, drained.get(5).withDrained(true));

        Backend updated = backends.update(original.id(), "app", drained, original.settings()).orElseThrow();

        assertThat(updated.servers().get(5))
                .isEqualTo(new BackendServer("10.0.0.5:443", 1, false, true, true, false, "app.example.test"));
    }

    /** Each row breaks one rule of V4 behind the application's back; the stored backend must stay as it was. */
    static Stream<Arguments> writesTheV4SchemaRefuses() {
        return Stream.of(
                Arguments.of("a TLS name on a plain-HTTP server",
                        "UPDATE backend_server SET tls_server_name = 'x.example' WHERE backend_id = :id AND tls = FALSE"),
                Arguments.of("an empty TLS name",
                        "UPDATE backend_server SET tls_server_name = '' WHERE backend_id = :id AND tls = TRUE"),
                Arguments.of("a TLS name longer than a DNS name",
                        "UPDATE backend_server SET tls_server_name = '" + "a".repeat(254) + "' WHERE backend_id = :id AND tls = TRUE"),
                Arguments.of("an idle timeout of 0", "UPDATE backend SET idle_timeout_ms = 0 WHERE id = :id"),
                Arguments.of("a negative connection limit", "UPDATE backend SET max_connections_per_server = -1 WHERE id = :id"),
                Arguments.of("a negative queue", "UPDATE backend SET queue_size = -1 WHERE id = :id"),
                Arguments.of("a queue timeout of 0", "UPDATE backend SET queue_timeout_ms = 0 WHERE id = :id"),
                Arguments.of("no queue timeout", "UPDATE backend SET queue_timeout_ms = NULL WHERE id = :id"),
                Arguments.of("no TLS flag", "UPDATE backend_server SET tls = NULL WHERE backend_id = :id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writesTheV4SchemaRefuses")
    void theSchemaRefusesTlsAndLimitValuesNoVersionWouldStore(String title, String update) {
        Backend backend = backends.insert("app", EVERY_KIND_OF_SERVER, EVERY_SETTING);

        assertThatThrownBy(() -> database.jdbc().sql(update).param("id", backend.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class);

        assertThat(backends.findById(backend.id())).contains(backend);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocolsTheSchemaRefuses")
    void theSchemaRefusesAProtocolTheEngineDoesNotSpeak(String title, String protocol) {
        Backend backend = backends.insert("app", EVERY_KIND_OF_SERVER, EVERY_SETTING);

        assertThatThrownBy(() -> database.jdbc().sql("UPDATE backend SET protocol = :protocol WHERE id = :id")
                .param("protocol", protocol).param("id", backend.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class);

        assertThat(backends.findById(backend.id())).contains(backend);
    }

    /** The aliases the admin application accepts are stored by their engine name, never as typed. */
    static Stream<Arguments> protocolsTheSchemaRefuses() {
        return Stream.of(Arguments.of("an alias", "h2c"), Arguments.of("another case", "HTTP2"),
                Arguments.of("an unknown one", "spdy"), Arguments.of("none", null));
    }

    @Test
    void aBackendStoredBeforeProtocolsExistedSpeaksHttp1AndKeepsItsSettings() {
        try (DataDirectory directory = DataDirectory.open(tempDir.resolve("before-v9"));
             HikariDataSource dataSource = Databases.h2(directory, 2)) {
            // the schema just before V9 added the protocol
            Flyway.configure().dataSource(dataSource).locations(Databases.MIGRATIONS_LOCATION).target("8").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM information_schema.columns "
                    + "WHERE LOWER(table_name) = 'backend' AND LOWER(column_name) = 'protocol'").query(Long.class).single())
                    .as("no protocol column yet").isZero();
            jdbc.sql("INSERT INTO backend (id, name, created_at, updated_at, balancing, max_retries, queue_size) "
                    + "VALUES (7, 'app', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'least-connections', 4, 20)").update();
            jdbc.sql("INSERT INTO backend_server (backend_id, position, address, tls) VALUES (7, 0, 'app.internal:443', TRUE)")
                    .update();

            assertThat(Databases.migrate(dataSource)).isPositive();

            Backend app = new BackendRepository(dataSource).findById(7).orElseThrow();
            assertThat(app.settings().protocol()).isEqualTo(BackendSettings.DEFAULT_PROTOCOL).isEqualTo("http1");
            assertThat(app.settings()).isEqualTo(new BackendSettings("least-connections", null, null, 4, 3, 30, null,
                    new BackendConnectionLimits(null, 0, 20, 10_000)));
            assertThat(app.servers()).containsExactly(new BackendServer("app.internal:443", 1, false, false, true, true, null));
        }
    }

    @Test
    void theSchemaRefusesAHalfStoredHealthCheckAndAZeroWeight() {
        Backend backend = backends.insert("app", EVERY_KIND_OF_SERVER, EVERY_SETTING);

        assertThatThrownBy(() -> database.jdbc().sql("UPDATE backend SET health_interval_ms = NULL WHERE id = :id")
                .param("id", backend.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> database.jdbc().sql("UPDATE backend SET health_check_path = NULL WHERE id = :id")
                .param("id", backend.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> database.jdbc().sql("UPDATE backend SET health_status_max = 100 WHERE id = :id")
                .param("id", backend.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> database.jdbc().sql("UPDATE backend_server SET weight = 0 WHERE backend_id = :id")
                .param("id", backend.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class);

        assertThat(backends.findById(backend.id())).contains(backend);
    }

    @Test
    void aFailedServerInsertLeavesTheSettingsAsTheyWere() {
        Backend original = backends.insert("app", EVERY_KIND_OF_SERVER, EVERY_SETTING);
        // Nothing valid makes a server row fail after the backend row was updated; an index added for
        // this test does, so the rollback of the settings written first can be seen.
        database.jdbc().sql("CREATE UNIQUE INDEX ux_test_backend_server_address ON backend_server (address)").update();
        backends.insert("other", BackendServer.list("10.0.0.7:80"));

        assertThatThrownBy(() -> backends.update(original.id(), "app", BackendServer.list("10.0.0.8:80", "10.0.0.7:80"),
                BackendSettings.DEFAULT)).isInstanceOf(DuplicateKeyException.class);

        assertThat(backends.findById(original.id())).contains(original);
    }

    @Test
    void unknownIdOrNameIsEmpty() {
        backends.insert("app", BackendServer.list("127.0.0.1:80"));

        assertThat(backends.findById(999_999)).isEmpty();
        assertThat(backends.findByName("other")).isEmpty();
    }

    @Test
    void findByNameIsCaseSensitive() {
        backends.insert("App", BackendServer.list("127.0.0.1:80"));

        assertThat(backends.findByName("App")).isPresent();
        assertThat(backends.findByName("app")).isEmpty();
        assertThat(backends.findByName("APP")).isEmpty();
    }

    @Test
    void findAllIsOrderedByNameCaseInsensitivelyWithEachBackendsOwnServers() {
        for (String name : List.of("web", "billing", "Api", "api", "auth-2", "auth-10")) {
            backends.insert(name, BackendServer.list(name + ".internal:1", name + ".internal:2"));
        }

        List<Backend> all = backends.findAll();

        assertThat(all).extracting(Backend::name).containsExactly("Api", "api", "auth-10", "auth-2", "billing", "web");
        assertThat(all).allSatisfy(backend -> assertThat(backend.addresses())
                .containsExactly(backend.name() + ".internal:1", backend.name() + ".internal:2"));
    }

    @Test
    void returnedServerListIsImmutable() {
        List<BackendServer> servers = new ArrayList<>(BackendServer.list("127.0.0.1:80"));
        Backend backend = backends.insert("app", servers);
        servers.add(BackendServer.of("127.0.0.1:81"));

        assertThat(backend.addresses()).containsExactly("127.0.0.1:80");
        assertThatThrownBy(() -> backend.servers().add(BackendServer.of("x:1")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void updateReplacesNameAndServersAndMovesUpdatedAtOnly() {
        Backend original = backends.insert("app", BackendServer.list("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"));
        clock.advance(Duration.ofMinutes(5));

        Backend updated = backends.update(original.id(), "app-v2", BackendServer.list("10.0.0.9:81"), BackendSettings.DEFAULT).orElseThrow();

        assertThat(updated.id()).isEqualTo(original.id());
        assertThat(updated.name()).isEqualTo("app-v2");
        assertThat(updated.addresses()).containsExactly("10.0.0.9:81");
        assertThat(updated.createdAt()).isEqualTo(original.createdAt());
        assertThat(updated.updatedAt()).isEqualTo(clock.instant()).isAfter(original.updatedAt());
        assertThat(backends.findById(original.id())).contains(updated);
        assertThat(backends.findByName("app")).isEmpty();
        assertThat(database.rows("backend_server")).isEqualTo(1);
    }

    @Test
    void updateMayKeepTheNameAndReorderTheServers() {
        Backend original = backends.insert("app", BackendServer.list("a:1", "b:2"));

        Backend updated = backends.update(original.id(), "app", BackendServer.list("b:2", "a:1"), BackendSettings.DEFAULT).orElseThrow();

        assertThat(updated.addresses()).containsExactly("b:2", "a:1");
    }

    @Test
    void updateOfUnknownIdIsEmptyAndWritesNothing() {
        assertThat(backends.update(42, "ghost", BackendServer.list("127.0.0.1:80"), BackendSettings.DEFAULT)).isEmpty();

        assertThat(database.rows("backend")).isZero();
        assertThat(database.rows("backend_server")).isZero();
    }

    @Test
    void deleteRemovesTheBackendAndItsServersAndIsFalseTheSecondTime() {
        Backend doomed = backends.insert("doomed", BackendServer.list("a:1", "b:2"));
        Backend kept = backends.insert("kept", BackendServer.list("c:3"));

        assertThat(backends.delete(doomed.id())).isTrue();
        assertThat(backends.delete(doomed.id())).isFalse();

        assertThat(backends.findById(doomed.id())).isEmpty();
        assertThat(backends.findAll()).containsExactly(kept);
        assertThat(database.rows("backend_server")).isEqualTo(1);
        assertThat(backends.count()).isEqualTo(1);
    }

    @Test
    void duplicateNameOnInsertIsDuplicateKeyAndWritesNothing() {
        Backend existing = backends.insert("app", BackendServer.list("10.0.0.1:80"));

        assertThatThrownBy(() -> backends.insert("app", BackendServer.list("10.0.0.2:80", "10.0.0.3:80")))
                .isInstanceOf(DuplicateKeyException.class);

        assertThat(backends.findAll()).containsExactly(existing);
        assertThat(database.rows("backend_server")).isEqualTo(1);
    }

    @Test
    void duplicateNameOnUpdateIsDuplicateKeyAndKeepsTheOldNameAndServers() {
        backends.insert("taken", BackendServer.list("10.0.0.1:80"));
        Backend renamed = backends.insert("mine", BackendServer.list("10.0.0.2:80", "10.0.0.3:80"));
        clock.advance(Duration.ofSeconds(1));

        assertThatThrownBy(() -> backends.update(renamed.id(), "taken", BackendServer.list("10.0.0.4:80"), BackendSettings.DEFAULT))
                .isInstanceOf(DuplicateKeyException.class);

        assertThat(backends.findById(renamed.id())).contains(renamed);
        assertThat(database.rows("backend_server")).isEqualTo(3);
    }

    @Test
    void deletingABackendUsedByASiteFailsAndLosesNothing() {
        Backend used = backends.insert("used", BackendServer.list("10.0.0.1:80", "10.0.0.2:80"));
        SiteRepository sites = new SiteRepository(database.dataSource());
        var site = sites.insert(List.of("app.example.test"), used.id(), true);

        assertThatThrownBy(() -> backends.delete(used.id()))
                .isInstanceOf(DataIntegrityViolationException.class)
                .isNotInstanceOf(DuplicateKeyException.class);

        assertThat(backends.findById(used.id())).contains(used);
        assertThat(sites.findById(site.id())).contains(site);
    }

    static Stream<Arguments> invalidArguments() {
        return Stream.of(
                Arguments.of(null, BackendServer.list("a:1"), "backend name must not be null"),
                Arguments.of("  ", BackendServer.list("a:1"), "backend name must not be blank"),
                Arguments.of("n".repeat(65), BackendServer.list("a:1"), "backend name 'nnn"),
                Arguments.of("app", null, "backend servers must not be null"),
                Arguments.of("app", List.of(), "backend servers must contain at least one entry"),
                Arguments.of("app", Arrays.asList(BackendServer.of("a:1"), null), "backend servers[1] must not be null"));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("invalidArguments")
    void invalidArgumentsAreRejectedWithTheFieldNamedOnInsertAndUpdate(String name, List<BackendServer> servers,
                                                                        String message) {
        Backend existing = backends.insert("existing", BackendServer.list("127.0.0.1:80"));

        assertThatThrownBy(() -> backends.insert(name, servers))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
        assertThatThrownBy(() -> backends.update(existing.id(), name, servers, BackendSettings.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);

        assertThat(backends.findAll()).containsExactly(existing);
    }

    static Stream<Arguments> valuesTheSchemaCannotHold() {
        return Stream.of(
                Arguments.of((Runnable) () -> new BackendServer(" ", 1, false, false), "backend server address must not be blank"),
                Arguments.of((Runnable) () -> new BackendServer("h".repeat(300) + ":1", 1, false, false),
                        "at most 300 are allowed"),
                Arguments.of((Runnable) () -> new BackendServer("a:1", 0, false, false),
                        "backend server weight must be at least 1, got 0"),
                Arguments.of((Runnable) () -> new BackendServer("a:1", 1, false, false, false, true, "a.example"),
                        "backend server TLS server name 'a.example' is only allowed on a TLS (https) server"),
                Arguments.of((Runnable) () -> new BackendServer("a:1", 1, false, false, true, true, " "),
                        "backend server TLS server name must not be blank"),
                Arguments.of((Runnable) () -> new BackendServer("a:1", 1, false, false, true, true, "n".repeat(254)),
                        "at most 253 are allowed"),
                Arguments.of((Runnable) () -> new BackendConnectionLimits(0L, 0, 100, 10_000),
                        "backend idle timeout (ms) must be at least 1, got 0"),
                Arguments.of((Runnable) () -> new BackendConnectionLimits(null, -1, 100, 10_000),
                        "backend max connections per server must be at least 0, got -1"),
                Arguments.of((Runnable) () -> new BackendConnectionLimits(null, 0, -1, 10_000),
                        "backend queue size must be at least 0, got -1"),
                Arguments.of((Runnable) () -> new BackendConnectionLimits(null, 0, 100, 0),
                        "backend queue timeout (ms) must be at least 1, got 0"),
                Arguments.of((Runnable) () -> new BackendSettings("round-robin", null, null, 2, 3, 30, null, null, "h2c"),
                        "backend protocol 'h2c' must be one of http1, http2"),
                Arguments.of((Runnable) () -> BackendSettings.DEFAULT.withProtocol("HTTP2"),
                        "backend protocol 'HTTP2' must be one of http1, http2"),
                Arguments.of((Runnable) () -> new BackendSettings("", null, null, 2, 3, 30, null),
                        "backend balancing must not be blank"),
                Arguments.of((Runnable) () -> new BackendSettings("x".repeat(33), null, null, 2, 3, 30, null),
                        "at most 32 are allowed"),
                Arguments.of((Runnable) () -> new BackendSettings("round-robin", 0L, null, 2, 3, 30, null),
                        "backend connect timeout (ms) must be at least 1, got 0"),
                Arguments.of((Runnable) () -> new BackendSettings("round-robin", null, -5L, 2, 3, 30, null),
                        "backend response timeout (ms) must be at least 1, got -5"),
                Arguments.of((Runnable) () -> new BackendSettings("round-robin", null, null, -1, 3, 30, null),
                        "backend max retries must be at least 0, got -1"),
                Arguments.of((Runnable) () -> new BackendSettings("round-robin", null, null, 2, -1, 30, null),
                        "backend passive max failures must be at least 0, got -1"),
                Arguments.of((Runnable) () -> new BackendSettings("round-robin", null, null, 2, 3, 0, null),
                        "backend passive eject seconds must be at least 1, got 0"),
                Arguments.of((Runnable) () -> new BackendHealthCheck(null, 1000, 100, 200, 399, 2, 3),
                        "health check path must not be null"),
                Arguments.of((Runnable) () -> new BackendHealthCheck("/" + "p".repeat(1024), 1000, 100, 200, 399, 2, 3),
                        "at most 1024 are allowed"),
                Arguments.of((Runnable) () -> new BackendHealthCheck("/", 0, 100, 200, 399, 2, 3),
                        "health check interval (ms) must be at least 1, got 0"),
                Arguments.of((Runnable) () -> new BackendHealthCheck("/", 1000, 0, 200, 399, 2, 3),
                        "health check timeout (ms) must be at least 1, got 0"),
                Arguments.of((Runnable) () -> new BackendHealthCheck("/", 1000, 100, 400, 399, 2, 3),
                        "health check highest expected status must be at least 400, got 399"),
                Arguments.of((Runnable) () -> new BackendHealthCheck("/", 1000, 100, 200, 399, 0, 3),
                        "health check healthy threshold must be at least 1, got 0"),
                Arguments.of((Runnable) () -> new BackendHealthCheck("/", 1000, 100, 200, 399, 2, 0),
                        "health check unhealthy threshold must be at least 1, got 0"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("valuesTheSchemaCannotHold")
    void valuesTheSchemaCannotHoldAreRefusedBeforeTheDatabaseSeesThem(Runnable construction, String message) {
        assertThatThrownBy(construction::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void writesJoinTheCallersTransactionAndRollBackWithIt() {
        TransactionTemplate callerTransaction = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
        Backend kept = backends.insert("kept", BackendServer.list("10.0.0.1:80"));

        assertThatThrownBy(() -> callerTransaction.executeWithoutResult(status -> {
            backends.insert("rolled-back", BackendServer.list("10.0.0.2:80", "10.0.0.3:80"));
            backends.update(kept.id(), "kept-renamed", BackendServer.list("10.0.0.4:80"), BackendSettings.DEFAULT);
            throw new IllegalStateException("the caller's later step failed");
        })).hasMessage("the caller's later step failed");

        assertThat(backends.findAll()).containsExactly(kept);
        assertThat(database.rows("backend_server")).isEqualTo(1);
    }

    @Test
    void aDuplicateInsideTheCallersTransactionRollsBackTheWholeTransaction() {
        TransactionTemplate callerTransaction = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
        backends.insert("taken", BackendServer.list("10.0.0.1:80"));

        assertThatThrownBy(() -> callerTransaction.executeWithoutResult(status -> {
            backends.insert("first", BackendServer.list("10.0.0.2:80"));
            backends.insert("taken", BackendServer.list("10.0.0.3:80"));
        })).isInstanceOf(DuplicateKeyException.class);

        assertThat(backends.findAll()).extracting(Backend::name).containsExactly("taken");
        assertThat(database.rows("backend_server")).isEqualTo(1);
    }
}
