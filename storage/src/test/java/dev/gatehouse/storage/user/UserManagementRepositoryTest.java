package dev.gatehouse.storage.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.storage.MutableClock;
import dev.gatehouse.storage.TestDatabase;
import dev.gatehouse.storage.token.ApiTokenRepository;

/** What user management needs of the user table: listing, roles, password resets, deletion, last sign-in. */
class UserManagementRepositoryTest {

    private static final String HASH = "{bcrypt}$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z3xu.Y1Tn8Tz6J5JrXBxDQmK";
    private static final String OTHER_HASH = "{bcrypt}$2a$10$abcdefghijklmnopqrstuu5BWX4Z3xu.Y1Tn8Tz6J5JrXBxDQmK";

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private MutableClock clock;
    private UserRepository users;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        clock = MutableClock.startingAt("2026-03-01T09:30:00.000001Z");
        users = new UserRepository(database.dataSource(), clock);
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void findAllListsUsersByEmailAndFindByIdFindsOne() {
        User zoe = users.insert("zoe@example.test", HASH, "VIEWER");
        User adam = users.insert("adam@example.test", HASH, "ADMIN");

        assertThat(users.findAll()).containsExactly(adam, zoe);
        assertThat(users.findById(zoe.id())).contains(zoe);
        assertThat(users.findById(zoe.id() + 100)).isEmpty();
    }

    @Test
    void rolesAreCountedAndChanged() {
        User first = users.insert("first@example.test", HASH, "ADMIN");
        users.insert("second@example.test", HASH, "OPERATOR");

        assertThat(users.countByRole("ADMIN")).isEqualTo(1);
        assertThat(users.countByRole("OPERATOR")).isEqualTo(1);
        assertThat(users.countByRole("VIEWER")).isZero();

        assertThat(users.updateRole(first.id(), "VIEWER")).hasValueSatisfying(user -> assertThat(user.role()).isEqualTo("VIEWER"));
        assertThat(users.countByRole("ADMIN")).isZero();
        assertThat(users.updateRole(first.id() + 100, "VIEWER")).isEmpty();
    }

    @Test
    void theSchemaRefusesAnUnknownRole() {
        User user = users.insert("first@example.test", HASH, "ADMIN");

        assertThatThrownBy(() -> users.insert("second@example.test", HASH, "ROOT"))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> users.updateRole(user.id(), "admin"))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(users.findById(user.id())).hasValueSatisfying(stored -> assertThat(stored.role()).isEqualTo("ADMIN"));
    }

    @Test
    void aPasswordHashIsReplaced() {
        User user = users.insert("first@example.test", HASH, "ADMIN");

        assertThat(users.updatePasswordHash(user.id(), OTHER_HASH)).isTrue();

        assertThat(users.findById(user.id())).hasValueSatisfying(stored -> assertThat(stored.passwordHash()).isEqualTo(OTHER_HASH));
        assertThat(users.updatePasswordHash(user.id() + 100, OTHER_HASH)).isFalse();
    }

    @Test
    void deletingAUserDeletesTheirApiTokens() {
        User user = users.insert("first@example.test", HASH, "OPERATOR");
        ApiTokenRepository tokens = new ApiTokenRepository(database.dataSource(), clock);
        tokens.insert(user.id(), "ci", "read-only", "AAAAAAAA", "a".repeat(64), null);

        assertThat(users.delete(user.id())).isTrue();

        assertThat(users.findById(user.id())).isEmpty();
        assertThat(tokens.count()).isZero();
        assertThat(users.delete(user.id())).isFalse();
    }

    @Test
    void lastSignInIsRecordedAndNeverMovesBack() {
        User first = users.insert("first@example.test", HASH, "ADMIN");
        users.insert("second@example.test", HASH, "VIEWER");
        Instant signedIn = clock.advance(Duration.ofMinutes(5));

        assertThat(users.recordSignIn("First@Example.test", signedIn)).isTrue();
        assertThat(users.recordSignIn("first@example.test", signedIn.minusSeconds(60))).as("older").isFalse();
        assertThat(users.recordSignIn("nobody@example.test", signedIn)).isFalse();

        assertThat(users.lastSignIns()).containsOnlyKeys(first.id()).containsEntry(first.id(), signedIn);
    }

    @Test
    void usersStoredBeforeRolesAreAdministratorsWithoutASignIn() {
        users.insert("first@example.test", HASH, "ADMIN");

        Long signIns = JdbcClient.create(database.dataSource())
                .sql("SELECT COUNT(*) FROM app_user WHERE last_sign_in_at IS NOT NULL").query(Long.class).single();

        assertThat(signIns).isZero();
        assertThat(users.lastSignIns()).isEmpty();
    }
}
