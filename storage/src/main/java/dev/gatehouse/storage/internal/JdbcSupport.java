package dev.gatehouse.storage.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** JDBC plumbing shared by the repositories. Not part of the storage API. */
public final class JdbcSupport {

    private JdbcSupport() {
    }

    /**
     * A transaction template for multi-statement writes. Propagation REQUIRED: on its own it opens
     * and commits a transaction; inside a caller's Spring transaction on the same DataSource it
     * joins that transaction (transactions are bound to the DataSource, not to the manager object).
     */
    public static TransactionTemplate transactions(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        TransactionTemplate template = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
        return template;
    }

    public static JdbcClient client(DataSource dataSource) {
        return JdbcClient.create(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * The current instant at the precision both H2 and PostgreSQL store (microseconds), so that the
     * value a repository returns after a write equals the value it reads back later.
     */
    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Bind value for a TIMESTAMP WITH TIME ZONE column; both drivers accept OffsetDateTime (JDBC 4.2). */
    public static OffsetDateTime toDatabase(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Runs an INSERT into a table whose primary key column {@code id} is an identity, returning the key. */
    public static long insertReturningId(JdbcClient.StatementSpec insert) {
        KeyHolder keys = new GeneratedKeyHolder();
        // lower-case: PostgreSQL's driver quotes the name in RETURNING "id"; H2 matches it either way
        insert.update(keys, "id");
        Number id = keys.getKey();
        if (id == null) {
            throw new IllegalStateException("the database returned no generated id for the inserted row");
        }
        return id.longValue();
    }
}
