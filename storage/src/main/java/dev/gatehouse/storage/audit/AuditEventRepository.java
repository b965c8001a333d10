package dev.gatehouse.storage.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.storage.internal.JdbcSupport;
import dev.gatehouse.storage.internal.Require;

/**
 * The audit log (table {@code audit_event}): append and read, newest first. Rows are never updated or
 * deleted by the application. An insert joins the caller's Spring transaction on the same DataSource, so
 * an entry about a configuration change is committed together with the change, or not at all.
 */
public class AuditEventRepository {

    /** Longest actor the schema holds (an email address). */
    public static final int MAX_ACTOR_LENGTH = 320;
    /** Longest client address the schema holds (an IPv6 address with a zone fits). */
    public static final int MAX_CLIENT_IP_LENGTH = 64;
    /** Longest action and object type the schema holds. */
    public static final int MAX_ACTION_LENGTH = 32;
    /** Longest object id the schema holds (a name or an email). */
    public static final int MAX_OBJECT_ID_LENGTH = 320;
    /** Longest summary the schema holds. */
    public static final int MAX_SUMMARY_LENGTH = 4000;
    /** Most entries one read returns. */
    public static final int MAX_PAGE_SIZE = 500;

    private static final String SELECT = """
            SELECT id, occurred_at, actor, client_ip, action, object_type, object_id, summary, config_revision
            FROM audit_event""";

    private final JdbcClient jdbc;
    private final Clock clock;

    /** Marked so that Spring picks this constructor over the one tests and the application use to set the clock. */
    @Autowired
    public AuditEventRepository(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    public AuditEventRepository(DataSource dataSource, Clock clock) {
        this.jdbc = JdbcSupport.client(dataSource);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Stores an entry, timed now.
     *
     * @throws IllegalArgumentException if a required value is blank or a value is too long
     */
    public AuditEvent insert(AuditEventDraft draft) {
        Objects.requireNonNull(draft, "draft");
        // lower case like stored emails, so a filter by actor is one indexed comparison
        String actor = Require.text("audit actor", draft.actor(), MAX_ACTOR_LENGTH).strip().toLowerCase(Locale.ROOT);
        String clientIp = draft.clientIp() == null ? null : Require.text("audit client IP", draft.clientIp(), MAX_CLIENT_IP_LENGTH);
        String action = Require.text("audit action", draft.action(), MAX_ACTION_LENGTH);
        String objectType = Require.text("audit object type", draft.objectType(), MAX_ACTION_LENGTH);
        String objectId = draft.objectId() == null ? null : Require.text("audit object id", draft.objectId(), MAX_OBJECT_ID_LENGTH);
        String summary = Require.maxLength("audit summary", draft.summary(), MAX_SUMMARY_LENGTH);
        if (draft.configRevision() != null) {
            Require.atLeast("audit config revision", draft.configRevision(), 0);
        }
        Instant now = JdbcSupport.now(clock);
        long id = JdbcSupport.insertReturningId(jdbc.sql("""
                        INSERT INTO audit_event (occurred_at, actor, client_ip, action, object_type, object_id, summary,
                                                 config_revision)
                        VALUES (:now, :actor, :clientIp, :action, :objectType, :objectId, :summary, :revision)""")
                .param("now", JdbcSupport.toDatabase(now))
                .param("actor", actor)
                .param("clientIp", clientIp, Types.VARCHAR)
                .param("action", action)
                .param("objectType", objectType)
                .param("objectId", objectId, Types.VARCHAR)
                .param("summary", summary)
                .param("revision", draft.configRevision(), Types.BIGINT));
        return new AuditEvent(id, now, actor, clientIp, action, objectType, objectId, summary, draft.configRevision());
    }

    /**
     * Entries matching {@code filter}, newest first, skipping {@code offset}.
     *
     * @throws IllegalArgumentException if {@code offset} is negative or {@code limit} not 1 to {@value #MAX_PAGE_SIZE}
     */
    public List<AuditEvent> find(AuditFilter filter, long offset, int limit) {
        Require.atLeast("offset", offset, 0);
        Require.atLeast("limit", limit, 1);
        if (limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("limit must be at most " + MAX_PAGE_SIZE + ", was " + limit);
        }
        Where where = where(filter);
        return where.bind(jdbc.sql(SELECT + where.sql + " ORDER BY occurred_at DESC, id DESC LIMIT :limit OFFSET :offset"))
                .param("limit", limit)
                .param("offset", offset)
                .query(AuditEventRepository::row)
                .list();
    }

    /** How many entries match {@code filter}. */
    public long count(AuditFilter filter) {
        Where where = where(filter);
        return where.bind(jdbc.sql("SELECT COUNT(*) FROM audit_event" + where.sql)).query(Long.class).single();
    }

    /** The actors that appear in the log, in alphabetical order, for a filter's choices. */
    public List<String> actors() {
        return jdbc.sql("SELECT DISTINCT actor FROM audit_event ORDER BY actor").query(String.class).list();
    }

    private record Where(String sql, AuditFilter filter) {

        JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
            if (filter.actor() != null) {
                statement = statement.param("actor", filter.actor().strip().toLowerCase(Locale.ROOT));
            }
            if (filter.objectType() != null) {
                statement = statement.param("objectType", filter.objectType().strip());
            }
            if (filter.from() != null) {
                statement = statement.param("from", JdbcSupport.toDatabase(filter.from()));
            }
            if (filter.until() != null) {
                statement = statement.param("until", JdbcSupport.toDatabase(filter.until()));
            }
            return statement;
        }
    }

    /** Only bound parameters reach the SQL: the filter's values never become part of its text. */
    private static Where where(AuditFilter filter) {
        AuditFilter checked = filter == null ? AuditFilter.ANY : filter;
        StringBuilder sql = new StringBuilder();
        if (checked.actor() != null) {
            sql.append(sql.isEmpty() ? " WHERE " : " AND ").append("actor = :actor");
        }
        if (checked.objectType() != null) {
            sql.append(sql.isEmpty() ? " WHERE " : " AND ").append("object_type = :objectType");
        }
        if (checked.from() != null) {
            sql.append(sql.isEmpty() ? " WHERE " : " AND ").append("occurred_at >= :from");
        }
        if (checked.until() != null) {
            sql.append(sql.isEmpty() ? " WHERE " : " AND ").append("occurred_at < :until");
        }
        return new Where(sql.toString(), checked);
    }

    private static AuditEvent row(ResultSet rs, int rowNum) throws SQLException {
        long revision = rs.getLong("config_revision");
        Long configRevision = rs.wasNull() ? null : revision;
        return new AuditEvent(rs.getLong("id"), JdbcSupport.instant(rs, "occurred_at"), rs.getString("actor"),
                rs.getString("client_ip"), rs.getString("action"), rs.getString("object_type"), rs.getString("object_id"),
                rs.getString("summary"), configRevision);
    }
}
