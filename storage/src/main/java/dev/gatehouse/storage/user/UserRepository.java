package dev.gatehouse.storage.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.storage.internal.JdbcSupport;
import dev.gatehouse.storage.internal.Require;

/**
 * User accounts (table {@code app_user}), each with one role.
 *
 * <p>E-mail addresses are compared case-insensitively: they are stored stripped and lower-cased,
 * and lookups normalise the argument the same way. Inserting an address that is already present
 * in any letter case surfaces as Spring's {@link org.springframework.dao.DuplicateKeyException}.
 */
public class UserRepository {

    /** Longest e-mail address the schema holds (RFC 5321: 64 + 1 + 255). */
    public static final int MAX_EMAIL_LENGTH = 320;
    /** Longest password hash the schema holds. */
    public static final int MAX_PASSWORD_HASH_LENGTH = 500;
    /** Longest role name the schema holds. */
    public static final int MAX_ROLE_LENGTH = 32;

    private static final String SELECT = "SELECT id, email, password_hash, role, created_at FROM app_user";

    private final JdbcClient jdbc;
    private final Clock clock;

    /** Marked so that Spring picks this constructor over the package-private one tests use to fix the clock. */
    @Autowired
    public UserRepository(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    UserRepository(DataSource dataSource, Clock clock) {
        this.jdbc = JdbcSupport.client(dataSource);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM app_user").query(Long.class).single();
    }

    /** Case-insensitive; surrounding whitespace is ignored. */
    public Optional<User> findByEmail(String email) {
        String normalized = normalize(Require.text("email", email, Integer.MAX_VALUE));
        return jdbc.sql(SELECT + " WHERE email = :email")
                .param("email", normalized)
                .query(UserRepository::user)
                .optional();
    }

    /**
     * @throws org.springframework.dao.DuplicateKeyException if the address exists in any letter case
     * @throws IllegalArgumentException if a value is blank or too long
     */
    public User insert(String email, String passwordHash, String role) {
        String normalized = Require.text("email", normalize(Require.text("email", email, Integer.MAX_VALUE)), MAX_EMAIL_LENGTH);
        String checkedHash = Require.text("password hash", passwordHash, MAX_PASSWORD_HASH_LENGTH);
        String checkedRole = Require.text("role", role, MAX_ROLE_LENGTH);
        Instant now = JdbcSupport.now(clock);
        // a single-row insert is atomic on its own; inside a caller's transaction it joins it
        long id = JdbcSupport.insertReturningId(jdbc.sql("""
                        INSERT INTO app_user (email, password_hash, role, created_at)
                        VALUES (:email, :passwordHash, :role, :now)""")
                .param("email", normalized)
                .param("passwordHash", checkedHash)
                .param("role", checkedRole)
                .param("now", JdbcSupport.toDatabase(now)));
        return new User(id, normalized, checkedHash, checkedRole, now);
    }

    /** Every user, ordered by email. */
    public List<User> findAll() {
        return jdbc.sql(SELECT + " ORDER BY email").query(UserRepository::user).list();
    }

    public Optional<User> findById(long id) {
        return jdbc.sql(SELECT + " WHERE id = :id").param("id", id).query(UserRepository::user).optional();
    }

    /** How many users have this role. */
    public long countByRole(String role) {
        return jdbc.sql("SELECT COUNT(*) FROM app_user WHERE role = :role")
                .param("role", Require.text("role", role, MAX_ROLE_LENGTH))
                .query(Long.class).single();
    }

    /**
     * @return the user as stored afterwards, or empty if there is no user with this id
     * @throws org.springframework.dao.DataIntegrityViolationException for a role the schema does not know
     */
    public Optional<User> updateRole(long id, String role) {
        String checkedRole = Require.text("role", role, MAX_ROLE_LENGTH);
        jdbc.sql("UPDATE app_user SET role = :role WHERE id = :id").param("role", checkedRole).param("id", id).update();
        return findById(id);
    }

    /** @return false if there is no user with this id */
    public boolean updatePasswordHash(long id, String passwordHash) {
        String checkedHash = Require.text("password hash", passwordHash, MAX_PASSWORD_HASH_LENGTH);
        return jdbc.sql("UPDATE app_user SET password_hash = :hash WHERE id = :id")
                .param("hash", checkedHash).param("id", id).update() > 0;
    }

    /** Deletes the user and, by cascade, their API tokens. @return false if there was no user with this id */
    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM app_user WHERE id = :id").param("id", id).update() > 0;
    }

    /**
     * Notes a sign-in of the user with this email at {@code at}; never moves the time backwards.
     *
     * @return false if there is no such user or a later sign-in is already stored
     */
    public boolean recordSignIn(String email, Instant at) {
        Objects.requireNonNull(at, "at");
        return jdbc.sql("""
                        UPDATE app_user SET last_sign_in_at = :at
                        WHERE email = :email AND (last_sign_in_at IS NULL OR last_sign_in_at < :at)""")
                .param("at", JdbcSupport.toDatabase(at.truncatedTo(ChronoUnit.MICROS)))
                .param("email", normalize(Require.text("email", email, Integer.MAX_VALUE)))
                .update() > 0;
    }

    /** User id to the time of their last sign-in, for the users who have signed in since it is recorded. */
    public Map<Long, Instant> lastSignIns() {
        Map<Long, Instant> lastSignIns = new HashMap<>();
        jdbc.sql("SELECT id, last_sign_in_at FROM app_user WHERE last_sign_in_at IS NOT NULL")
                .query((rs, rowNum) -> lastSignIns.put(rs.getLong("id"), JdbcSupport.instant(rs, "last_sign_in_at")))
                .list();
        return lastSignIns;
    }

    private static String normalize(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    private static User user(ResultSet rs, int rowNum) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("email"), rs.getString("password_hash"),
                rs.getString("role"), JdbcSupport.instant(rs, "created_at"));
    }
}
