package dev.gatehouse.storage.revision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.DuplicateKeyException;

import dev.gatehouse.storage.MutableClock;
import dev.gatehouse.storage.TestDatabase;

class ConfigRevisionRepositoryTest {

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private MutableClock clock;
    private ConfigRevisionRepository revisions;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        clock = MutableClock.startingAt("2025-03-01T12:00:00Z");
        revisions = new ConfigRevisionRepository(database.dataSource(), clock);
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void emptyHistoryHasNoLatestAndNoRecent() {
        assertThat(revisions.latest()).isEmpty();
        assertThat(revisions.recent(10)).isEmpty();
        assertThat(revisions.findByNumber(1)).isEmpty();
    }

    @Test
    void insertedRevisionIsFoundByNumberExactlyAsWritten() {
        String json = "{\"revision\":1,\"sites\":[{\"id\":1,\"hostnames\":[\"app.example.test\"]}],\"note\":\"ünïcødé ✓\"}";

        ConfigRevision inserted = revisions.insert(1, json, "admin@example.test", "site app.example.test created");

        assertThat(inserted).isEqualTo(new ConfigRevision(1, json, "admin@example.test", "site app.example.test created", clock.instant()));
        assertThat(revisions.findByNumber(1)).contains(inserted);
        assertThat(revisions.latest()).contains(inserted);
    }

    @Test
    void latestAndRecentGoByNumberNewestFirst() {
        // inserted out of order on purpose: the number, not the insertion order or the time, decides
        ConfigRevision second = insertAt(2);
        ConfigRevision first = insertAt(1);
        ConfigRevision fourth = insertAt(4);
        ConfigRevision third = insertAt(3);

        assertThat(revisions.latest()).contains(fourth);
        assertThat(revisions.recent(2)).containsExactly(fourth, third);
        assertThat(revisions.recent(100)).containsExactly(fourth, third, second, first);
    }

    @Test
    void existingNumberIsDuplicateKeyAndTheStoredRevisionIsUnchanged() {
        ConfigRevision original = revisions.insert(7, "{\"a\":1}", "admin@example.test", "original");
        clock.advance(Duration.ofMinutes(1));

        assertThatThrownBy(() -> revisions.insert(7, "{\"a\":2}", "someone@example.test", "overwrite attempt"))
                .isInstanceOf(DuplicateKeyException.class);

        assertThat(revisions.findByNumber(7)).contains(original);
        assertThat(database.rows("config_revision")).isEqualTo(1);
    }

    @Test
    void largeSnapshotRoundTrips() {
        StringBuilder json = new StringBuilder("{\"sites\":[");
        for (int i = 0; i < 40_000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"hostnames\":[\"site-").append(i).append(".example.test\"]}");
        }
        String snapshot = json.append("]}").toString();

        revisions.insert(1, snapshot, "system", "bulk import");

        assertThat(snapshot.length()).isGreaterThan(1_500_000);
        assertThat(revisions.findByNumber(1).orElseThrow().snapshotJson()).isEqualTo(snapshot);
    }

    @Test
    void rowsAreImmutableThroughTheRepository() {
        Stream<String> publicMethodNames = Arrays.stream(ConfigRevisionRepository.class.getDeclaredMethods())
                .filter(method -> Modifier.isPublic(method.getModifiers()))
                .map(Method::getName);

        assertThat(publicMethodNames).containsExactlyInAnyOrder("latest", "findByNumber", "recent", "insert");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void recentNeedsAPositiveLimit(int limit) {
        assertThatThrownBy(() -> revisions.recent(limit))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit must be at least 1, got " + limit);
    }

    static Stream<Arguments> invalidArguments() {
        return Stream.of(
                Arguments.of(-1L, "{}", "admin@example.test", "s", "revision number must be at least 0, got -1"),
                Arguments.of(1L, null, "admin@example.test", "s", "snapshot JSON must not be null"),
                Arguments.of(1L, " ", "admin@example.test", "s", "snapshot JSON must not be blank"),
                Arguments.of(1L, "{}", null, "s", "revision createdBy must not be null"),
                Arguments.of(1L, "{}", "", "s", "revision createdBy must not be blank"),
                Arguments.of(1L, "{}", "admin@example.test", null, "revision summary must not be null"),
                Arguments.of(1L, "{}", "admin@example.test", "x".repeat(2001), "at most 2000 are allowed"));
    }

    @ParameterizedTest(name = "[{index}] {4}")
    @MethodSource("invalidArguments")
    void invalidArgumentsAreRejectedWithTheFieldNamed(long number, String json, String createdBy, String summary, String message) {
        assertThatThrownBy(() -> revisions.insert(number, json, createdBy, summary))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);

        assertThat(database.rows("config_revision")).isZero();
    }

    @Test
    void revisionZeroAndAnEmptySummaryAreAllowed() {
        ConfigRevision empty = revisions.insert(0, "{\"sites\":[]}", "system", "");

        assertThat(revisions.latest()).contains(empty);
    }

    private ConfigRevision insertAt(long number) {
        clock.advance(Duration.ofSeconds(1));
        return revisions.insert(number, "{\"revision\":" + number + "}", "admin@example.test", "revision " + number);
    }
}
