package dev.gatehouse.storage.revision;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.storage.internal.JdbcSupport;
import dev.gatehouse.storage.internal.Require;

/**
 * The history of applied configurations (table {@code config_revision}).
 *
 * <p>Rows are immutable: there is deliberately no update or delete. Numbers are chosen by the
 * caller (normally {@code latest + 1} inside the caller's transaction); a number that already
 * exists surfaces as Spring's {@link org.springframework.dao.DuplicateKeyException}, which is also
 * what two concurrent appliers racing for the same number get.
 */
public class ConfigRevisionRepository {

    /** Longest {@code createdBy} the schema holds (an e-mail address). */
    public static final int MAX_CREATED_BY_LENGTH = 320;
    /** Longest summary the schema holds. */
    public static final int MAX_SUMMARY_LENGTH = 2000;

    private static final String SELECT = "SELECT number, snapshot_json, created_by, summary, created_at FROM config_revision";

    private final JdbcClient jdbc;
    private final Clock clock;

    /** Marked so that Spring picks this constructor over the package-private one tests use to fix the clock. */
    @Autowired
    public ConfigRevisionRepository(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    ConfigRevisionRepository(DataSource dataSource, Clock clock) {
        this.jdbc = JdbcSupport.client(dataSource);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The revision with the highest number, or empty before the first apply. */
    public Optional<ConfigRevision> latest() {
        return jdbc.sql(SELECT + " ORDER BY number DESC LIMIT 1").query(ConfigRevisionRepository::revision).optional();
    }

    public Optional<ConfigRevision> findByNumber(long number) {
        return jdbc.sql(SELECT + " WHERE number = :number")
                .param("number", number)
                .query(ConfigRevisionRepository::revision)
                .optional();
    }

    /**
     * Up to {@code limit} revisions, newest (highest number) first.
     *
     * @throws IllegalArgumentException if {@code limit} is less than 1
     */
    public List<ConfigRevision> recent(int limit) {
        Require.atLeast("limit", limit, 1);
        return jdbc.sql(SELECT + " ORDER BY number DESC LIMIT :limit")
                .param("limit", limit)
                .query(ConfigRevisionRepository::revision)
                .list();
    }

    /**
     * Stores a revision.
     *
     * @throws org.springframework.dao.DuplicateKeyException if a revision with this number exists
     * @throws IllegalArgumentException if the number is negative, the JSON or createdBy is blank, or a value is too long
     */
    public ConfigRevision insert(long number, String snapshotJson, String createdBy, String summary) {
        Require.atLeast("revision number", number, 0);
        Require.text("snapshot JSON", snapshotJson, Integer.MAX_VALUE);
        Require.text("revision createdBy", createdBy, MAX_CREATED_BY_LENGTH);
        Require.maxLength("revision summary", summary, MAX_SUMMARY_LENGTH);
        Instant now = JdbcSupport.now(clock);
        jdbc.sql("""
                        INSERT INTO config_revision (number, snapshot_json, created_by, summary, created_at)
                        VALUES (:number, :snapshotJson, :createdBy, :summary, :now)""")
                .param("number", number)
                .param("snapshotJson", snapshotJson)
                .param("createdBy", createdBy)
                .param("summary", summary)
                .param("now", JdbcSupport.toDatabase(now))
                .update();
        return new ConfigRevision(number, snapshotJson, createdBy, summary, now);
    }

    private static ConfigRevision revision(ResultSet rs, int rowNum) throws SQLException {
        return new ConfigRevision(rs.getLong("number"), rs.getString("snapshot_json"), rs.getString("created_by"),
                rs.getString("summary"), JdbcSupport.instant(rs, "created_at"));
    }
}
