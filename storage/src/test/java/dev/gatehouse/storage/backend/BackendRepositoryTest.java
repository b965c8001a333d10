package dev.gatehouse.storage.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        Backend inserted = backends.insert("app", List.of("10.0.0.2:8080", "10.0.0.1:8080", "[::1]:9000"));

        assertThat(inserted.id()).isPositive();
        assertThat(inserted.name()).isEqualTo("app");
        assertThat(inserted.servers()).containsExactly("10.0.0.2:8080", "10.0.0.1:8080", "[::1]:9000");
        assertThat(inserted.createdAt()).isEqualTo(clock.instant()).isEqualTo(inserted.updatedAt());
        assertThat(backends.findById(inserted.id())).contains(inserted);
        assertThat(backends.findByName("app")).contains(inserted);
        assertThat(backends.findAll()).containsExactly(inserted);
        assertThat(backends.count()).isEqualTo(1);
    }

    @Test
    void unknownIdOrNameIsEmpty() {
        backends.insert("app", List.of("127.0.0.1:80"));

        assertThat(backends.findById(999_999)).isEmpty();
        assertThat(backends.findByName("other")).isEmpty();
    }

    @Test
    void findByNameIsCaseSensitive() {
        backends.insert("App", List.of("127.0.0.1:80"));

        assertThat(backends.findByName("App")).isPresent();
        assertThat(backends.findByName("app")).isEmpty();
        assertThat(backends.findByName("APP")).isEmpty();
    }

    @Test
    void findAllIsOrderedByNameCaseInsensitivelyWithEachBackendsOwnServers() {
        for (String name : List.of("web", "billing", "Api", "api", "auth-2", "auth-10")) {
            backends.insert(name, List.of(name + ".internal:1", name + ".internal:2"));
        }

        List<Backend> all = backends.findAll();

        assertThat(all).extracting(Backend::name).containsExactly("Api", "api", "auth-10", "auth-2", "billing", "web");
        assertThat(all).allSatisfy(backend -> assertThat(backend.servers())
                .containsExactly(backend.name() + ".internal:1", backend.name() + ".internal:2"));
    }

    @Test
    void returnedServerListIsImmutable() {
        List<String> servers = new ArrayList<>(List.of("127.0.0.1:80"));
        Backend backend = backends.insert("app", servers);
        servers.add("127.0.0.1:81");

        assertThat(backend.servers()).containsExactly("127.0.0.1:80");
        assertThatThrownBy(() -> backend.servers().add("x:1")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void updateReplacesNameAndServersAndMovesUpdatedAtOnly() {
        Backend original = backends.insert("app", List.of("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"));
        clock.advance(Duration.ofMinutes(5));

        Backend updated = backends.update(original.id(), "app-v2", List.of("10.0.0.9:81")).orElseThrow();

        assertThat(updated.id()).isEqualTo(original.id());
        assertThat(updated.name()).isEqualTo("app-v2");
        assertThat(updated.servers()).containsExactly("10.0.0.9:81");
        assertThat(updated.createdAt()).isEqualTo(original.createdAt());
        assertThat(updated.updatedAt()).isEqualTo(clock.instant()).isAfter(original.updatedAt());
        assertThat(backends.findById(original.id())).contains(updated);
        assertThat(backends.findByName("app")).isEmpty();
        assertThat(database.rows("backend_server")).isEqualTo(1);
    }

    @Test
    void updateMayKeepTheNameAndReorderTheServers() {
        Backend original = backends.insert("app", List.of("a:1", "b:2"));

        Backend updated = backends.update(original.id(), "app", List.of("b:2", "a:1")).orElseThrow();

        assertThat(updated.servers()).containsExactly("b:2", "a:1");
    }

    @Test
    void updateOfUnknownIdIsEmptyAndWritesNothing() {
        assertThat(backends.update(42, "ghost", List.of("127.0.0.1:80"))).isEmpty();

        assertThat(database.rows("backend")).isZero();
        assertThat(database.rows("backend_server")).isZero();
    }

    @Test
    void deleteRemovesTheBackendAndItsServersAndIsFalseTheSecondTime() {
        Backend doomed = backends.insert("doomed", List.of("a:1", "b:2"));
        Backend kept = backends.insert("kept", List.of("c:3"));

        assertThat(backends.delete(doomed.id())).isTrue();
        assertThat(backends.delete(doomed.id())).isFalse();

        assertThat(backends.findById(doomed.id())).isEmpty();
        assertThat(backends.findAll()).containsExactly(kept);
        assertThat(database.rows("backend_server")).isEqualTo(1);
        assertThat(backends.count()).isEqualTo(1);
    }

    @Test
    void duplicateNameOnInsertIsDuplicateKeyAndWritesNothing() {
        Backend existing = backends.insert("app", List.of("10.0.0.1:80"));

        assertThatThrownBy(() -> backends.insert("app", List.of("10.0.0.2:80", "10.0.0.3:80")))
                .isInstanceOf(DuplicateKeyException.class);

        assertThat(backends.findAll()).containsExactly(existing);
        assertThat(database.rows("backend_server")).isEqualTo(1);
    }

    @Test
    void duplicateNameOnUpdateIsDuplicateKeyAndKeepsTheOldNameAndServers() {
        backends.insert("taken", List.of("10.0.0.1:80"));
        Backend renamed = backends.insert("mine", List.of("10.0.0.2:80", "10.0.0.3:80"));
        clock.advance(Duration.ofSeconds(1));

        assertThatThrownBy(() -> backends.update(renamed.id(), "taken", List.of("10.0.0.4:80")))
                .isInstanceOf(DuplicateKeyException.class);

        assertThat(backends.findById(renamed.id())).contains(renamed);
        assertThat(database.rows("backend_server")).isEqualTo(3);
    }

    @Test
    void deletingABackendUsedByASiteFailsAndLosesNothing() {
        Backend used = backends.insert("used", List.of("10.0.0.1:80", "10.0.0.2:80"));
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
                Arguments.of(null, List.of("a:1"), "backend name must not be null"),
                Arguments.of("  ", List.of("a:1"), "backend name must not be blank"),
                Arguments.of("n".repeat(65), List.of("a:1"), "backend name 'nnn"),
                Arguments.of("app", null, "backend servers must not be null"),
                Arguments.of("app", List.of(), "backend servers must contain at least one entry"),
                Arguments.of("app", Arrays.asList("a:1", null), "backend servers[1] must not be null"),
                Arguments.of("app", List.of("a:1", "b:2", " "), "backend servers[2] must not be blank"),
                Arguments.of("app", List.of("h".repeat(300) + ":1"), "at most 300 are allowed"));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("invalidArguments")
    void invalidArgumentsAreRejectedWithTheFieldNamedOnInsertAndUpdate(String name, List<String> servers, String message) {
        Backend existing = backends.insert("existing", List.of("127.0.0.1:80"));

        assertThatThrownBy(() -> backends.insert(name, servers))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
        assertThatThrownBy(() -> backends.update(existing.id(), name, servers))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);

        assertThat(backends.findAll()).containsExactly(existing);
    }

    @Test
    void writesJoinTheCallersTransactionAndRollBackWithIt() {
        TransactionTemplate callerTransaction = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
        Backend kept = backends.insert("kept", List.of("10.0.0.1:80"));

        assertThatThrownBy(() -> callerTransaction.executeWithoutResult(status -> {
            backends.insert("rolled-back", List.of("10.0.0.2:80", "10.0.0.3:80"));
            backends.update(kept.id(), "kept-renamed", List.of("10.0.0.4:80"));
            throw new IllegalStateException("the caller's later step failed");
        })).hasMessage("the caller's later step failed");

        assertThat(backends.findAll()).containsExactly(kept);
        assertThat(database.rows("backend_server")).isEqualTo(1);
    }

    @Test
    void aDuplicateInsideTheCallersTransactionRollsBackTheWholeTransaction() {
        TransactionTemplate callerTransaction = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
        backends.insert("taken", List.of("10.0.0.1:80"));

        assertThatThrownBy(() -> callerTransaction.executeWithoutResult(status -> {
            backends.insert("first", List.of("10.0.0.2:80"));
            backends.insert("taken", List.of("10.0.0.3:80"));
        })).isInstanceOf(DuplicateKeyException.class);

        assertThat(backends.findAll()).extracting(Backend::name).containsExactly("taken");
        assertThat(database.rows("backend_server")).isEqualTo(1);
    }
}
