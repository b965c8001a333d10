package dev.gatehouse.storage.stream;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.internal.JdbcSupport;

/**
 * TCP streams (table {@code tcp_stream}).
 *
 * <p>A port that another stream already listens on surfaces as Spring's
 * {@link org.springframework.dao.DuplicateKeyException}; a backend id that does not exist as
 * {@link org.springframework.dao.DataIntegrityViolationException} (and deleting a backend a stream
 * still uses fails the same way, in {@code BackendRepository}). Every write is one statement, or
 * a transaction of its own that joins the caller's Spring transaction on the same DataSource, so a
 * failed write leaves nothing behind.
 */
public class StreamRepository {

    private static final String SELECT = """
            SELECT id, listen_port, bind_host, backend_id, enabled, proxy_protocol, idle_timeout_ms, connect_timeout_ms,
                   created_at, updated_at
            FROM tcp_stream""";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    /** Marked so that Spring picks this constructor over the package-private one tests use to fix the clock. */
    @Autowired
    public StreamRepository(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    StreamRepository(DataSource dataSource, Clock clock) {
        this.jdbc = JdbcSupport.client(dataSource);
        this.transactions = JdbcSupport.transactions(dataSource);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** All streams, ordered by listen port. */
    public List<TcpStream> findAll() {
        return jdbc.sql(SELECT + " ORDER BY listen_port").query(StreamRepository::row).list();
    }

    public Optional<TcpStream> findById(long id) {
        return jdbc.sql(SELECT + " WHERE id = :id").param("id", id).query(StreamRepository::row).optional();
    }

    /** The stream listening on this port, whatever its address. */
    public Optional<TcpStream> findByListenPort(int port) {
        return jdbc.sql(SELECT + " WHERE listen_port = :port").param("port", port).query(StreamRepository::row).optional();
    }

    /** The streams that forward to this backend, ordered by listen port. */
    public List<TcpStream> findByBackendId(long backendId) {
        return jdbc.sql(SELECT + " WHERE backend_id = :backendId ORDER BY listen_port")
                .param("backendId", backendId)
                .query(StreamRepository::row).list();
    }

    /**
     * Stores a new stream.
     *
     * @throws org.springframework.dao.DuplicateKeyException if a stream already listens on the port
     * @throws org.springframework.dao.DataIntegrityViolationException if there is no backend with the id
     */
    public TcpStream insert(StreamSettings settings) {
        Objects.requireNonNull(settings, "settings");
        Instant now = JdbcSupport.now(clock);
        long id = JdbcSupport.insertReturningId(bind(jdbc.sql("""
                        INSERT INTO tcp_stream (listen_port, bind_host, backend_id, enabled, proxy_protocol, idle_timeout_ms,
                                                connect_timeout_ms, created_at, updated_at)
                        VALUES (:listenPort, :bindHost, :backendId, :enabled, :proxyProtocol, :idleTimeoutMs,
                                :connectTimeoutMs, :now, :now)"""), settings)
                .param("now", JdbcSupport.toDatabase(now)));
        return new TcpStream(id, settings, now, now);
    }

    /**
     * Replaces everything about a stream but its id and creation time.
     *
     * @return the updated stream, or empty if there is no stream with this id
     * @throws org.springframework.dao.DuplicateKeyException if another stream listens on the port
     * @throws org.springframework.dao.DataIntegrityViolationException if there is no backend with the id
     */
    public Optional<TcpStream> update(long id, StreamSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return transactions.execute(status -> {
            int updated = bind(jdbc.sql("""
                            UPDATE tcp_stream SET listen_port = :listenPort, bind_host = :bindHost, backend_id = :backendId,
                                   enabled = :enabled, proxy_protocol = :proxyProtocol, idle_timeout_ms = :idleTimeoutMs,
                                   connect_timeout_ms = :connectTimeoutMs, updated_at = :now
                            WHERE id = :id"""), settings)
                    .param("now", JdbcSupport.toDatabase(JdbcSupport.now(clock)))
                    .param("id", id)
                    .update();
            return updated == 0 ? Optional.<TcpStream>empty() : findById(id);
        });
    }

    /** @return the updated stream, or empty if there is no stream with this id */
    public Optional<TcpStream> setEnabled(long id, boolean enabled) {
        return transactions.execute(status -> {
            int updated = jdbc.sql("UPDATE tcp_stream SET enabled = :enabled, updated_at = :now WHERE id = :id")
                    .param("enabled", enabled)
                    .param("now", JdbcSupport.toDatabase(JdbcSupport.now(clock)))
                    .param("id", id)
                    .update();
            return updated == 0 ? Optional.<TcpStream>empty() : findById(id);
        });
    }

    /** @return false if there is no stream with this id */
    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM tcp_stream WHERE id = :id").param("id", id).update() > 0;
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM tcp_stream").query(Long.class).single();
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, StreamSettings settings) {
        return statement
                .param("listenPort", settings.listenPort())
                .param("bindHost", settings.bindHost(), Types.VARCHAR)
                .param("backendId", settings.backendId())
                .param("enabled", settings.enabled())
                .param("proxyProtocol", settings.proxyProtocol())
                .param("idleTimeoutMs", settings.idleTimeoutMs(), Types.BIGINT)
                .param("connectTimeoutMs", settings.connectTimeoutMs(), Types.BIGINT);
    }

    private static TcpStream row(ResultSet rs, int rowNumber) throws SQLException {
        return new TcpStream(rs.getLong("id"), new StreamSettings(rs.getInt("listen_port"), rs.getString("bind_host"),
                rs.getLong("backend_id"), rs.getBoolean("enabled"), rs.getString("proxy_protocol"),
                nullableLong(rs, "idle_timeout_ms"), nullableLong(rs, "connect_timeout_ms")),
                JdbcSupport.instant(rs, "created_at"), JdbcSupport.instant(rs, "updated_at"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
