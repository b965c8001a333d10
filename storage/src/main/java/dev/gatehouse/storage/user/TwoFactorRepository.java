package dev.gatehouse.storage.user;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.internal.JdbcSupport;
import dev.gatehouse.storage.secret.SecretBox;

/**
 * Users' two-factor sign-in (tables {@code user_two_factor} and {@code user_recovery_code}).
 *
 * <p>The TOTP secret is sealed with the {@link SecretBox} under the context {@code "totp-secret:<user id>"},
 * so a sealed secret copied to another user's row does not open. Recovery codes are stored as their
 * SHA-256 only: {@link #enable} and {@link #replaceRecoveryCodes} refuse anything that is not 64 lower-case
 * hex digits, and so does the schema.
 *
 * <p>Writes that touch both tables run in one transaction; a code's use ({@link #useStep},
 * {@link #useRecoveryCode}) is one conditional UPDATE, so two requests racing with the same code cannot
 * both succeed. A user's rows go with the user (ON DELETE CASCADE).
 */
public class TwoFactorRepository {

    /** How many recovery codes a set holds at most (the application makes 10). */
    public static final int MAX_RECOVERY_CODES = 32;
    /** Longest base32 secret accepted (320 bits; the application makes 160). */
    public static final int MAX_SECRET_LENGTH = 64;

    private static final String SECRET_CONTEXT_PREFIX = "totp-secret:";
    private static final Pattern SHA_256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern BASE32 = Pattern.compile("[A-Z2-7]+");

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final SecretBox secretBox;
    private final Clock clock;

    /** Marked so that Spring picks this constructor when the repository is created by class alone. */
    @Autowired
    public TwoFactorRepository(DataSource dataSource, SecretBox secretBox) {
        this(dataSource, secretBox, Clock.systemUTC());
    }

    /** With the clock that stamps when two-factor sign-in was turned on and when a recovery code was used. */
    public TwoFactorRepository(DataSource dataSource, SecretBox secretBox, Clock clock) {
        this.jdbc = JdbcSupport.client(dataSource);
        this.transactions = JdbcSupport.transactions(dataSource);
        this.secretBox = Objects.requireNonNull(secretBox, "secretBox");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The user's two-factor sign-in, or empty when the user signs in with the password alone. */
    public Optional<TwoFactorStatus> status(long userId) {
        return jdbc.sql("""
                        SELECT t.user_id, t.enabled_at,
                               (SELECT COUNT(*) FROM user_recovery_code c
                                WHERE c.user_id = t.user_id AND c.used_at IS NULL) AS codes_left
                        FROM user_two_factor t WHERE t.user_id = :userId""")
                .param("userId", userId)
                .query((rs, row) -> new TwoFactorStatus(rs.getLong("user_id"), JdbcSupport.instant(rs, "enabled_at"),
                        rs.getInt("codes_left")))
                .optional();
    }

    /**
     * The user's TOTP secret (base32), decrypted: for checking codes only, never for a page, a response or
     * a log line.
     *
     * @return empty when the user has no two-factor sign-in
     * @throws IllegalStateException if it cannot be decrypted (another master key, or changed data)
     */
    public Optional<String> secret(long userId) {
        Optional<String> sealed = jdbc.sql("SELECT secret_sealed FROM user_two_factor WHERE user_id = :userId")
                .param("userId", userId)
                .query(String.class)
                .optional();
        try {
            return sealed.map(value -> secretBox.open(value, secretContext(userId)));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("cannot decrypt the two-factor secret of user " + userId
                    + ": wrong master key or tampered data; the master key (file master.key in the data directory, or "
                    + "GATEHOUSE_MASTER_KEY) must be the one it was stored with", e);
        }
    }

    /**
     * Turns two-factor sign-in on with a new secret and recovery codes, replacing whatever the user had.
     *
     * @param secret            the base32 TOTP secret (upper case, no padding)
     * @param usedStep          the time step of the code that confirmed the secret: it cannot be used again
     * @param recoveryCodeHashes lower-case hex SHA-256 of each recovery code, never the codes
     * @return the new status
     * @throws IllegalArgumentException if a value is malformed, or the user does not exist
     */
    public TwoFactorStatus enable(long userId, String secret, long usedStep, List<String> recoveryCodeHashes) {
        checkSecret(secret);
        List<String> hashes = checkHashes(recoveryCodeHashes);
        String sealed = secretBox.seal(secret, secretContext(userId));
        Instant now = JdbcSupport.now(clock);
        transactions.executeWithoutResult(status -> {
            requireUser(userId);
            deleteAll(userId);
            jdbc.sql("""
                            INSERT INTO user_two_factor (user_id, secret_sealed, enabled_at, last_used_step)
                            VALUES (:userId, :sealed, :now, :step)""")
                    .param("userId", userId)
                    .param("sealed", sealed)
                    .param("now", JdbcSupport.toDatabase(now))
                    .param("step", usedStep)
                    .update();
            insertCodes(userId, hashes);
        });
        return new TwoFactorStatus(userId, now, hashes.size());
    }

    /**
     * Turns two-factor sign-in off: the secret and every recovery code are deleted.
     *
     * @return false if it was not on
     */
    public boolean disable(long userId) {
        return Boolean.TRUE.equals(transactions.execute(status -> deleteAll(userId)));
    }

    /**
     * Replaces the user's recovery codes with a new set; the old ones stop working.
     *
     * @return false (and nothing changed) if the user has no two-factor sign-in
     * @throws IllegalArgumentException if a hash is malformed
     */
    public boolean replaceRecoveryCodes(long userId, List<String> recoveryCodeHashes) {
        List<String> hashes = checkHashes(recoveryCodeHashes);
        return Boolean.TRUE.equals(transactions.execute(status -> {
            boolean on = jdbc.sql("SELECT COUNT(*) FROM user_two_factor WHERE user_id = :userId")
                    .param("userId", userId).query(Long.class).single() > 0;
            if (!on) {
                return false;
            }
            jdbc.sql("DELETE FROM user_recovery_code WHERE user_id = :userId").param("userId", userId).update();
            insertCodes(userId, hashes);
            return true;
        }));
    }

    /**
     * Records that a code of time step {@code step} was accepted, if no code of this step or a later one was
     * accepted before (RFC 6238 5.2: a code works once).
     *
     * @return true if the step was newer and is now recorded; false if the code must be refused as a replay
     *     (or the user has no two-factor sign-in)
     */
    public boolean useStep(long userId, long step) {
        return jdbc.sql("""
                        UPDATE user_two_factor SET last_used_step = :step
                        WHERE user_id = :userId AND (last_used_step IS NULL OR last_used_step < :step)""")
                .param("step", step)
                .param("userId", userId)
                .update() == 1;
    }

    /**
     * Uses up the recovery code with this hash.
     *
     * @return true if the user had this code unused (it is used now); false otherwise
     */
    public boolean useRecoveryCode(long userId, String codeHash) {
        if (codeHash == null || !SHA_256_HEX.matcher(codeHash).matches()) {
            return false;
        }
        return jdbc.sql("""
                        UPDATE user_recovery_code SET used_at = :now
                        WHERE user_id = :userId AND code_hash = :hash AND used_at IS NULL""")
                .param("now", JdbcSupport.toDatabase(JdbcSupport.now(clock)))
                .param("userId", userId)
                .param("hash", codeHash)
                .update() == 1;
    }

    private boolean deleteAll(long userId) {
        jdbc.sql("DELETE FROM user_recovery_code WHERE user_id = :userId").param("userId", userId).update();
        return jdbc.sql("DELETE FROM user_two_factor WHERE user_id = :userId").param("userId", userId).update() > 0;
    }

    private void insertCodes(long userId, List<String> hashes) {
        for (String hash : hashes) {
            jdbc.sql("INSERT INTO user_recovery_code (user_id, code_hash) VALUES (:userId, :hash)")
                    .param("userId", userId)
                    .param("hash", hash)
                    .update();
        }
    }

    private void requireUser(long userId) {
        if (jdbc.sql("SELECT COUNT(*) FROM app_user WHERE id = :id").param("id", userId).query(Long.class).single() == 0) {
            throw new IllegalArgumentException("no user with id " + userId + " to turn two-factor sign-in on for");
        }
    }

    private static String secretContext(long userId) {
        return SECRET_CONTEXT_PREFIX + userId;
    }

    /** The message never contains the secret. */
    private static void checkSecret(String secret) {
        if (secret == null || secret.length() < 16 || secret.length() > MAX_SECRET_LENGTH || !BASE32.matcher(secret).matches()) {
            throw new IllegalArgumentException("two-factor secret must be 16 to " + MAX_SECRET_LENGTH
                    + " base32 characters (A-Z, 2-7, no padding); got " + (secret == null ? "null" : secret.length() + " characters"));
        }
    }

    private static List<String> checkHashes(List<String> hashes) {
        if (hashes == null || hashes.isEmpty() || hashes.size() > MAX_RECOVERY_CODES) {
            throw new IllegalArgumentException("recovery code hashes must be 1 to " + MAX_RECOVERY_CODES + ", got "
                    + (hashes == null ? "null" : hashes.size()));
        }
        for (int i = 0; i < hashes.size(); i++) {
            String hash = hashes.get(i);
            if (hash == null || !SHA_256_HEX.matcher(hash).matches()) {
                throw new IllegalArgumentException("recovery code hash [" + i + "] must be 64 lower-case hex digits "
                        + "(a SHA-256, never the code), got " + (hash == null ? "null" : hash.length() + " characters"));
            }
        }
        if (new LinkedHashSet<>(hashes).size() != hashes.size()) {
            throw new IllegalArgumentException("recovery code hashes must be distinct");
        }
        return List.copyOf(hashes);
    }
}
