package dev.gatehouse.storage.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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

class UserRepositoryTest {

    private static final String HASH = "{bcrypt}$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z3xu.Y1Tn8Tz6J5JrXBxDQmK";

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private MutableClock clock;
    private UserRepository users;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        clock = MutableClock.startingAt("2025-03-01T09:30:00.000001Z");
        users = new UserRepository(database.dataSource(), clock);
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void countStartsAtZeroAndFollowsInserts() {
        assertThat(users.count()).isZero();

        users.insert("first@example.test", HASH, "ADMIN");
        users.insert("second@example.test", HASH, "ADMIN");

        assertThat(users.count()).isEqualTo(2);
    }

    @Test
    void insertedUserIsStoredLowerCasedAndFoundByEmail() {
        User inserted = users.insert("  Admin@Example.TEST ", HASH, "ADMIN");

        assertThat(inserted.id()).isPositive();
        assertThat(inserted.email()).isEqualTo("admin@example.test");
        assertThat(inserted.passwordHash()).isEqualTo(HASH);
        assertThat(inserted.role()).isEqualTo("ADMIN");
        assertThat(inserted.createdAt()).isEqualTo(clock.instant());
        assertThat(users.findByEmail("admin@example.test")).contains(inserted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"admin@example.test", "ADMIN@EXAMPLE.TEST", "Admin@Example.Test", " admin@example.test\t"})
    void findByEmailIgnoresLetterCaseAndSurroundingSpace(String lookup) {
        User inserted = users.insert("Admin@Example.test", HASH, "ADMIN");

        assertThat(users.findByEmail(lookup)).contains(inserted);
    }

    @Test
    void unknownEmailIsEmpty() {
        users.insert("admin@example.test", HASH, "ADMIN");

        assertThat(users.findByEmail("other@example.test")).isEmpty();
    }

    @Test
    void sameEmailInAnotherLetterCaseIsDuplicateKeyAndWritesNothing() {
        User existing = users.insert("admin@example.test", HASH, "ADMIN");

        assertThatThrownBy(() -> users.insert("ADMIN@example.test", "{noop}other", "ADMIN"))
                .isInstanceOf(DuplicateKeyException.class);

        assertThat(users.count()).isEqualTo(1);
        assertThat(users.findByEmail("admin@example.test")).contains(existing);
    }

    @Test
    void toStringDoesNotRevealThePasswordHash() {
        User user = users.insert("admin@example.test", HASH, "ADMIN");

        assertThat(user.toString()).contains("admin@example.test").doesNotContain(HASH).doesNotContain("bcrypt");
    }

    static Stream<Arguments> invalidArguments() {
        return Stream.of(
                Arguments.of(null, HASH, "ADMIN", "email must not be null"),
                Arguments.of(" ", HASH, "ADMIN", "email must not be blank"),
                Arguments.of("a".repeat(310) + "@example.test", HASH, "ADMIN", "at most 320 are allowed"),
                Arguments.of("admin@example.test", null, "ADMIN", "password hash must not be null"),
                Arguments.of("admin@example.test", "", "ADMIN", "password hash must not be blank"),
                Arguments.of("admin@example.test", HASH, " ", "role must not be blank"),
                Arguments.of("admin@example.test", HASH, "R".repeat(33), "role 'RRR"));
    }

    @ParameterizedTest(name = "[{index}] {3}")
    @MethodSource("invalidArguments")
    void invalidArgumentsAreRejectedWithTheFieldNamed(String email, String hash, String role, String message) {
        assertThatThrownBy(() -> users.insert(email, hash, role))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);

        assertThat(users.count()).isZero();
    }
}
