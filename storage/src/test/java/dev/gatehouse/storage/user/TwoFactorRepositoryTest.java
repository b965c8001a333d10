package dev.gatehouse.storage.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.DataIntegrityViolationException;

import dev.gatehouse.storage.MutableClock;
import dev.gatehouse.storage.TestDatabase;
import dev.gatehouse.storage.secret.MasterKey;
import dev.gatehouse.storage.secret.SecretBox;

class TwoFactorRepositoryTest {

    private static final String SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);
    private static final String HASH_C = "0123456789abcdef".repeat(4);

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private MutableClock clock;
    private SecretBox secretBox;
    private TwoFactorRepository twoFactor;
    private User alice;
    private User bob;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        clock = MutableClock.startingAt("2025-03-01T09:30:00.000001Z");
        secretBox = new SecretBox(MasterKey.of(new byte[32]));
        twoFactor = new TwoFactorRepository(database.dataSource(), secretBox, clock);
        UserRepository users = new UserRepository(database.dataSource());
        alice = users.insert("alice@example.test", "{noop}x", "ADMIN");
        bob = users.insert("bob@example.test", "{noop}x", "ADMIN");
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void aUserWithoutTwoFactorHasNoStatusNoSecretAndNoCodes() {
        assertThat(twoFactor.status(alice.id())).isEmpty();
        assertThat(twoFactor.secret(alice.id())).isEmpty();
        assertThat(twoFactor.useStep(alice.id(), 1)).isFalse();
        assertThat(twoFactor.useRecoveryCode(alice.id(), HASH_A)).isFalse();
        assertThat(twoFactor.replaceRecoveryCodes(alice.id(), List.of(HASH_A))).isFalse();
        assertThat(database.rows("user_recovery_code")).isZero();
    }

    @Test
    void enabledTwoFactorKeepsTheSecretSealedAndCountsItsCodes() {
        TwoFactorStatus status = twoFactor.enable(alice.id(), SECRET, 100, List.of(HASH_A, HASH_B));

        assertThat(status).isEqualTo(new TwoFactorStatus(alice.id(), clock.instant(), 2));
        assertThat(twoFactor.status(alice.id())).contains(status);
        assertThat(twoFactor.secret(alice.id())).contains(SECRET);
        assertThat(twoFactor.status(bob.id())).isEmpty();
        String stored = database.jdbc().sql("SELECT secret_sealed FROM user_two_factor").query(String.class).single();
        assertThat(stored).startsWith(SecretBox.VERSION_PREFIX).doesNotContain(SECRET);
        assertThat(secretBox.open(stored, "totp-secret:" + alice.id())).isEqualTo(SECRET);
        assertThat(database.jdbc().sql("SELECT code_hash FROM user_recovery_code ORDER BY code_hash").query(String.class).list())
                .containsExactly(HASH_A, HASH_B);
    }

    @Test
    void aSealedSecretMovedToAnotherUsersRowDoesNotOpen() {
        twoFactor.enable(alice.id(), SECRET, 100, List.of(HASH_A));
        twoFactor.enable(bob.id(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 100, List.of(HASH_B));
        database.jdbc().sql("UPDATE user_two_factor SET secret_sealed = (SELECT secret_sealed FROM user_two_factor WHERE user_id = :a) "
                + "WHERE user_id = :b").param("a", alice.id()).param("b", bob.id()).update();

        assertThatThrownBy(() -> twoFactor.secret(bob.id()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two-factor secret of user " + bob.id())
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void aStepIsAcceptedOnceAndNeverOneOlderThanTheLastAccepted() {
        twoFactor.enable(alice.id(), SECRET, 100, List.of(HASH_A));

        assertThat(twoFactor.useStep(alice.id(), 100)).as("the step that confirmed the secret").isFalse();
        assertThat(twoFactor.useStep(alice.id(), 101)).isTrue();
        assertThat(twoFactor.useStep(alice.id(), 101)).as("replay").isFalse();
        assertThat(twoFactor.useStep(alice.id(), 99)).as("older").isFalse();
        assertThat(twoFactor.useStep(alice.id(), 103)).isTrue();
    }

    @Test
    void aRecoveryCodeWorksOnceAndOnlyForItsUser() {
        twoFactor.enable(alice.id(), SECRET, 100, List.of(HASH_A, HASH_B));
        twoFactor.enable(bob.id(), SECRET, 100, List.of(HASH_C));

        assertThat(twoFactor.useRecoveryCode(bob.id(), HASH_A)).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(twoFactor.useRecoveryCode(alice.id(), HASH_A)).isTrue();
        assertThat(twoFactor.useRecoveryCode(alice.id(), HASH_A)).isFalse();
        assertThat(twoFactor.useRecoveryCode(alice.id(), "not a hash")).isFalse();
        assertThat(twoFactor.status(alice.id()).orElseThrow().recoveryCodesLeft()).isEqualTo(1);
        assertThat(database.jdbc().sql("SELECT COUNT(*) FROM user_recovery_code WHERE used_at IS NOT NULL")
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void newRecoveryCodesReplaceTheOldOnes() {
        twoFactor.enable(alice.id(), SECRET, 100, List.of(HASH_A, HASH_B));
        twoFactor.useRecoveryCode(alice.id(), HASH_A);

        assertThat(twoFactor.replaceRecoveryCodes(alice.id(), List.of(HASH_C))).isTrue();

        assertThat(twoFactor.useRecoveryCode(alice.id(), HASH_B)).isFalse();
        assertThat(twoFactor.status(alice.id()).orElseThrow().recoveryCodesLeft()).isEqualTo(1);
        assertThat(twoFactor.useRecoveryCode(alice.id(), HASH_C)).isTrue();
    }

    @Test
    void enablingAgainReplacesSecretCodesAndStep() {
        twoFactor.enable(alice.id(), SECRET, 100, List.of(HASH_A));
        twoFactor.useStep(alice.id(), 500);

        twoFactor.enable(alice.id(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 200, List.of(HASH_B));

        assertThat(twoFactor.secret(alice.id())).contains("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        assertThat(twoFactor.useRecoveryCode(alice.id(), HASH_A)).isFalse();
        assertThat(twoFactor.useStep(alice.id(), 201)).isTrue();
    }

    @Test
    void disableDeletesSecretAndCodes() {
        twoFactor.enable(alice.id(), SECRET, 100, List.of(HASH_A, HASH_B));
        twoFactor.enable(bob.id(), SECRET, 100, List.of(HASH_C));

        assertThat(twoFactor.disable(alice.id())).isTrue();
        assertThat(twoFactor.disable(alice.id())).isFalse();

        assertThat(twoFactor.status(alice.id())).isEmpty();
        assertThat(twoFactor.secret(alice.id())).isEmpty();
        assertThat(database.rows("user_recovery_code")).isEqualTo(1);
        assertThat(twoFactor.status(bob.id())).isPresent();
    }

    @Test
    void deletingTheUserDeletesItsTwoFactorRows() {
        twoFactor.enable(alice.id(), SECRET, 100, List.of(HASH_A));

        database.jdbc().sql("DELETE FROM app_user WHERE id = :id").param("id", alice.id()).update();

        assertThat(database.rows("user_two_factor")).isZero();
        assertThat(database.rows("user_recovery_code")).isZero();
    }

    @Test
    void aFailedEnableLeavesThePreviousSecretAndCodes() {
        twoFactor.enable(alice.id(), SECRET, 100, List.of(HASH_A));

        assertThatThrownBy(() -> twoFactor.enable(alice.id() + bob.id() + 1000, SECRET, 1, List.of(HASH_B)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no user with id");
        assertThatThrownBy(() -> twoFactor.enable(alice.id(), SECRET, 1, List.of(HASH_B, HASH_B)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");

        assertThat(twoFactor.secret(alice.id())).contains(SECRET);
        assertThat(twoFactor.useRecoveryCode(alice.id(), HASH_A)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "JBSWY3DP", "jbswy3dpehpk3pxpjbswy3dpehpk3pxp", "JBSWY3DPEHPK3PXP====", "JBSWY3DPEHPK3PX1"})
    void aMalformedSecretIsRefusedWithoutRepeatingIt(String secret) {
        assertThatThrownBy(() -> twoFactor.enable(alice.id(), secret, 1, List.of(HASH_A)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two-factor secret must be 16 to 64 base32 characters");
        assertThat(database.rows("user_two_factor")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abcd-efgh-jkmn-pqrs", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "abc"})
    void somethingThatIsNotAHashIsNeverStoredAsARecoveryCode(String notAHash) {
        assertThatThrownBy(() -> twoFactor.enable(alice.id(), SECRET, 1, List.of(notAHash)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be 64 lower-case hex digits")
                .hasMessageNotContaining(notAHash);
        assertThat(database.rows("user_two_factor")).isZero();
    }

    @Test
    void theSchemaRefusesAPlainTextCodeOrSecret() {
        assertThatThrownBy(() -> database.jdbc().sql("INSERT INTO user_recovery_code (user_id, code_hash) VALUES (:id, 'abcd-efgh')")
                .param("id", alice.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> database.jdbc().sql("INSERT INTO user_two_factor (user_id, secret_sealed, enabled_at) "
                        + "VALUES (:id, 'JBSWY3DPEHPK3PXP', CURRENT_TIMESTAMP)")
                .param("id", alice.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void tooManyCodesAreRefused() {
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i <= TwoFactorRepository.MAX_RECOVERY_CODES; i++) {
            hashes.add(String.format("%064x", i));
        }
        assertThatThrownBy(() -> twoFactor.enable(alice.id(), SECRET, 1, hashes))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 32");
    }

    @Test
    void twoFactorIsNotRequiredUntilTheAdministratorSaysSo() {
        SignInPolicyRepository policy = new SignInPolicyRepository(database.dataSource());

        assertThat(policy.twoFactorRequired()).isFalse();
        policy.setTwoFactorRequired(true);
        assertThat(new SignInPolicyRepository(database.dataSource()).twoFactorRequired()).isTrue();
        policy.setTwoFactorRequired(false);
        assertThat(policy.twoFactorRequired()).isFalse();
        assertThat(database.rows("sign_in_policy")).isEqualTo(1);
    }
}
