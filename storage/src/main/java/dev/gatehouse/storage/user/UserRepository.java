package dev.gatehouse.storage.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.storage.internal.JdbcSupport;
import dev.gatehouse.storage.internal.Require;

/**
 * Administrator accounts (table {@code app_user}).
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
        return jdbc.sql("SELECT id, email, password_hash, role, created_at FROM app_user WHERE email = :email")
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

    private static String normalize(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    private static User user(ResultSet rs, int rowNum) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("email"), rs.getString("password_hash"),
                rs.getString("role"), JdbcSupport.instant(rs, "created_at"));
    }
}
