package dev.gatehouse.storage.token;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.storage.internal.JdbcSupport;
import dev.gatehouse.storage.internal.Require;

/**
 * API tokens (table {@code api_token}). Stores a token's SHA-256, never the token: {@link #insert}
 * refuses anything that is not 64 lower-case hex digits, and so does the schema.
 *
 * <p>A user id that does not exist surfaces as Spring's
 * {@link org.springframework.dao.DataIntegrityViolationException}, a key id or hash that is already
 * stored as {@link org.springframework.dao.DuplicateKeyException}. Every write is one statement.
 */
public class ApiTokenRepository {

    /** Longest name the schema holds. */
    public static final int MAX_NAME_LENGTH = 64;
    /** Longest key id the schema holds. */
    public static final int MAX_KEY_ID_LENGTH = 16;

    private static final Pattern SHA_256_HEX = Pattern.compile("[0-9a-f]{64}");

    private static final String SELECT = """
            SELECT t.id, t.user_id, u.email, u.role, t.name, t.scope, t.key_id, t.created_at, t.expires_at,
                   t.last_used_at, t.revoked_at
            FROM api_token t JOIN app_user u ON u.id = t.user_id""";

    private final JdbcClient jdbc;
    private final Clock clock;

    /** Marked so that Spring picks this constructor when the repository is created by class alone. */
    @Autowired
    public ApiTokenRepository(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    /** With the clock that stamps creation and revocation (the application's, so expiry checks agree). */
    public ApiTokenRepository(DataSource dataSource, Clock clock) {
        this.jdbc = JdbcSupport.client(dataSource);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** All tokens, revoked ones included, newest first. */
    public List<ApiToken> findAll() {
        return jdbc.sql(SELECT + " ORDER BY t.created_at DESC, t.id DESC").query(ApiTokenRepository::row).list();
    }

    public Optional<ApiToken> findById(long id) {
        return jdbc.sql(SELECT + " WHERE t.id = :id").param("id", id).query(ApiTokenRepository::row).optional();
    }

    /** The token whose SHA-256 (lower-case hex) this is, revoked or expired ones included. */
    public Optional<ApiToken> findByHash(String tokenHash) {
        return jdbc.sql(SELECT + " WHERE t.token_hash = :hash")
                .param("hash", tokenHash(tokenHash))
                .query(ApiTokenRepository::row)
                .optional();
    }

    /**
     * Stores a new token.
     *
     * @param tokenHash the lower-case hex SHA-256 of the token; never the token
     * @param expiresAt the first instant it no longer works, after now; null = never
     * @throws IllegalArgumentException if a value is blank, too long, an unknown scope or not a hash
     * @throws org.springframework.dao.DataIntegrityViolationException if there is no user with the id, or
     *     {@code expiresAt} is not after the creation time
     * @throws org.springframework.dao.DuplicateKeyException if the key id or hash is already stored
     */
    public ApiToken insert(long userId, String name, String scope, String keyId, String tokenHash, Instant expiresAt) {
        String checkedName = Require.text("name", name, MAX_NAME_LENGTH);
        if (scope == null || !ApiToken.SCOPES.contains(scope)) {
            throw new IllegalArgumentException("scope must be one of " + ApiToken.SCOPES + ", got '" + scope + "'");
        }
        String checkedKeyId = Require.text("key id", keyId, MAX_KEY_ID_LENGTH);
        String checkedHash = tokenHash(tokenHash);
        Instant now = JdbcSupport.now(clock);
        long id = JdbcSupport.insertReturningId(jdbc.sql("""
                        INSERT INTO api_token (user_id, name, scope, key_id, token_hash, created_at, expires_at)
                        VALUES (:userId, :name, :scope, :keyId, :hash, :now, :expiresAt)""")
                .param("userId", userId)
                .param("name", checkedName)
                .param("scope", scope)
                .param("keyId", checkedKeyId)
                .param("hash", checkedHash)
                .param("now", JdbcSupport.toDatabase(now))
                .param("expiresAt", expiresAt == null ? null : JdbcSupport.toDatabase(expiresAt.truncatedTo(ChronoUnit.MICROS)),
                        Types.TIMESTAMP_WITH_TIMEZONE));
        return findById(id).orElseThrow(() -> new IllegalStateException("API token " + id + " vanished right after insert"));
    }

    /**
     * Notes that the token authenticated a call at {@code at}. Never moves the time backwards, so
     * writes that arrive out of order keep the latest.
     *
     * @return false if there is no such token or a later use is already stored
     */
    public boolean recordUse(long id, Instant at) {
        Objects.requireNonNull(at, "at");
        return jdbc.sql("UPDATE api_token SET last_used_at = :at WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :at)")
                .param("at", JdbcSupport.toDatabase(at.truncatedTo(ChronoUnit.MICROS)))
                .param("id", id)
                .update() > 0;
    }

    /**
     * Revokes the token now; revoking a revoked token keeps its first revocation time.
     *
     * @return the token as stored afterwards, or empty if there is no token with this id
     */
    public Optional<ApiToken> revoke(long id) {
        jdbc.sql("UPDATE api_token SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                .param("now", JdbcSupport.toDatabase(JdbcSupport.now(clock)))
                .param("id", id)
                .update();
        return findById(id);
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM api_token").query(Long.class).single();
    }

    private static String tokenHash(String tokenHash) {
        if (tokenHash == null || !SHA_256_HEX.matcher(tokenHash).matches()) {
            // never quote the value: a caller that passes the token itself must not put it in a log
            throw new IllegalArgumentException("token hash must be a SHA-256 as 64 lower-case hex digits, never the token itself");
        }
        return tokenHash;
    }

    private static ApiToken row(ResultSet rs, int rowNumber) throws SQLException {
        return new ApiToken(rs.getLong("id"), rs.getLong("user_id"), rs.getString("email"), rs.getString("role"),
                rs.getString("name"), rs.getString("scope"), rs.getString("key_id"), JdbcSupport.instant(rs, "created_at"),
                JdbcSupport.instant(rs, "expires_at"), JdbcSupport.instant(rs, "last_used_at"),
                JdbcSupport.instant(rs, "revoked_at"));
    }
}
