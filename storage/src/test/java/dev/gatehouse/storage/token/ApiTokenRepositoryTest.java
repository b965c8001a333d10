package dev.gatehouse.storage.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

import dev.gatehouse.storage.MutableClock;
import dev.gatehouse.storage.TestDatabase;
import dev.gatehouse.storage.user.User;
import dev.gatehouse.storage.user.UserRepository;

class ApiTokenRepositoryTest {

    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "0123456789abcdef".repeat(4);
    private static final String TOKEN = "ght_Ab3dE9xQ_" + "x".repeat(43);

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private MutableClock clock;
    private ApiTokenRepository tokens;
    private User admin;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        clock = MutableClock.startingAt("2025-03-01T09:30:00.000001Z");
        tokens = new ApiTokenRepository(database.dataSource(), clock);
        admin = new UserRepository(database.dataSource()).insert("admin@example.test", "{noop}x", "ADMIN");
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void insertedTokenCarriesItsUserAndIsFoundByIdHashAndInTheList() {
        Instant expires = Instant.parse("2025-06-01T00:00:00Z");

        ApiToken inserted = tokens.insert(admin.id(), "CI deploy", ApiToken.READ_ONLY, "Ab3dE9xQ", HASH_A, expires);

        assertThat(inserted.id()).isPositive();
        assertThat(inserted).isEqualTo(new ApiToken(inserted.id(), admin.id(), "admin@example.test", "ADMIN", "CI deploy",
                ApiToken.READ_ONLY, "Ab3dE9xQ", clock.instant(), expires, null, null));
        assertThat(tokens.findById(inserted.id())).contains(inserted);
        assertThat(tokens.findByHash(HASH_A)).contains(inserted);
        assertThat(tokens.findByHash(HASH_B)).isEmpty();
        assertThat(tokens.findAll()).containsExactly(inserted);
    }

    @Test
    void listIsNewestFirst() {
        ApiToken first = tokens.insert(admin.id(), "first", ApiToken.READ_ONLY, "AAAAAAAA", HASH_A, null);
        clock.advance(Duration.ofMinutes(1));
        ApiToken second = tokens.insert(admin.id(), "second", ApiToken.READ_WRITE, "BBBBBBBB", HASH_B, null);

        assertThat(tokens.findAll()).containsExactly(second, first);
    }

    @Test
    void lastUseOnlyMovesForward() {
        ApiToken token = tokens.insert(admin.id(), "ci", ApiToken.READ_WRITE, "Ab3dE9xQ", HASH_A, null);
        Instant later = clock.instant().plusSeconds(120);

        assertThat(tokens.recordUse(token.id(), later)).isTrue();
        assertThat(tokens.recordUse(token.id(), later.minusSeconds(60))).as("an older use arriving late").isFalse();
        assertThat(tokens.recordUse(999, later)).isFalse();

        assertThat(tokens.findById(token.id()).orElseThrow().lastUsedAt()).isEqualTo(later);
    }

    @Test
    void revokingStampsTheTimeOnceAndKeepsTheRow() {
        ApiToken token = tokens.insert(admin.id(), "ci", ApiToken.READ_WRITE, "Ab3dE9xQ", HASH_A, null);
        clock.advance(Duration.ofHours(1));
        Instant revokedAt = clock.instant();

        ApiToken revoked = tokens.revoke(token.id()).orElseThrow();
        clock.advance(Duration.ofHours(1));
        ApiToken again = tokens.revoke(token.id()).orElseThrow();

        assertThat(revoked.revokedAt()).isEqualTo(revokedAt);
        assertThat(again.revokedAt()).as("the first revocation time is kept").isEqualTo(revokedAt);
        assertThat(tokens.findByHash(HASH_A)).contains(again);
        assertThat(tokens.revoke(999)).isEmpty();
    }

    @Test
    void usableOnlyBeforeExpiryAndUntilRevoked() {
        Instant expires = clock.instant().plusSeconds(60);
        ApiToken token = tokens.insert(admin.id(), "ci", ApiToken.READ_WRITE, "Ab3dE9xQ", HASH_A, expires);

        assertThat(token.usableAt(expires.minusNanos(1000))).isTrue();
        assertThat(token.usableAt(expires)).isFalse();
        ApiToken neverExpires = tokens.insert(admin.id(), "forever", ApiToken.READ_WRITE, "BBBBBBBB", HASH_B, null);
        assertThat(neverExpires.usableAt(Instant.parse("2999-01-01T00:00:00Z"))).isTrue();
        assertThat(tokens.revoke(neverExpires.id()).orElseThrow().usableAt(clock.instant())).isFalse();
    }

    @Test
    void sameHashOrKeyIdTwiceIsADuplicate() {
        tokens.insert(admin.id(), "ci", ApiToken.READ_WRITE, "Ab3dE9xQ", HASH_A, null);

        assertThatThrownBy(() -> tokens.insert(admin.id(), "other", ApiToken.READ_WRITE, "BBBBBBBB", HASH_A, null))
                .isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> tokens.insert(admin.id(), "other", ApiToken.READ_WRITE, "Ab3dE9xQ", HASH_B, null))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(tokens.count()).isEqualTo(1);
    }

    @Test
    void anUnknownUserOrAnExpiryNotAfterCreationIsRefusedByTheSchema() {
        assertThatThrownBy(() -> tokens.insert(admin.id() + 1000, "ci", ApiToken.READ_WRITE, "Ab3dE9xQ", HASH_A, null))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> tokens.insert(admin.id(), "ci", ApiToken.READ_WRITE, "Ab3dE9xQ", HASH_A, clock.instant()))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(tokens.count()).isZero();
    }

    @Test
    void deletingTheUserDeletesItsTokens() {
        tokens.insert(admin.id(), "ci", ApiToken.READ_WRITE, "Ab3dE9xQ", HASH_A, null);

        database.jdbc().sql("DELETE FROM app_user WHERE id = :id").param("id", admin.id()).update();

        assertThat(tokens.count()).isZero();
    }

    /** The schema's own checks, for writers that bypass the repository's. */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("rowsTheSchemaRefuses")
    void theSchemaRefusesUnknownScopesAndAnythingButAHash(String description, String scope, String hash) {
        assertThatThrownBy(() -> database.jdbc().sql("""
                        INSERT INTO api_token (user_id, name, scope, key_id, token_hash, created_at)
                        VALUES (:userId, 'ci', :scope, 'Ab3dE9xQ', :hash, CURRENT_TIMESTAMP)""")
                .param("userId", admin.id()).param("scope", scope).param("hash", hash).update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(tokens.count()).isZero();
    }

    static Stream<Arguments> rowsTheSchemaRefuses() {
        return Stream.of(
                Arguments.of("unknown scope", "admin", HASH_A),
                Arguments.of("scope in another letter case", "READ-ONLY", HASH_A),
                Arguments.of("the token itself instead of its hash", ApiToken.READ_ONLY, TOKEN),
                Arguments.of("upper-case hex", ApiToken.READ_ONLY, HASH_A.toUpperCase()),
                Arguments.of("a hash too short", ApiToken.READ_ONLY, HASH_A.substring(1)));
    }

    static Stream<Arguments> invalidArguments() {
        return Stream.of(
                Arguments.of(" ", ApiToken.READ_ONLY, "Ab3dE9xQ", HASH_A, "name must not be blank"),
                Arguments.of("n".repeat(65), ApiToken.READ_ONLY, "Ab3dE9xQ", HASH_A, "at most 64 are allowed"),
                Arguments.of("ci", "admin", "Ab3dE9xQ", HASH_A, "scope must be one of"),
                Arguments.of("ci", null, "Ab3dE9xQ", HASH_A, "scope must be one of"),
                Arguments.of("ci", ApiToken.READ_ONLY, "", HASH_A, "key id must not be blank"),
                Arguments.of("ci", ApiToken.READ_ONLY, "Ab3dE9xQ", TOKEN, "token hash must be a SHA-256"),
                Arguments.of("ci", ApiToken.READ_ONLY, "Ab3dE9xQ", null, "token hash must be a SHA-256"));
    }

    @ParameterizedTest(name = "[{index}] {4}")
    @MethodSource("invalidArguments")
    void invalidArgumentsAreRejectedWithTheFieldNamed(String name, String scope, String keyId, String hash, String message) {
        assertThatThrownBy(() -> tokens.insert(admin.id(), name, scope, keyId, hash, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .satisfies(failure -> assertThat(failure.getMessage()).as("never quotes a token").doesNotContain(TOKEN));
        assertThat(tokens.count()).isZero();
    }
}
