package dev.gatehouse.storage.backend;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.internal.JdbcSupport;
import dev.gatehouse.storage.internal.Require;

/**
 * Backends with their settings (connection limits and protocol included) and ordered server lists (tables {@code backend} and {@code backend_server}).
 *
 * <p>Writes that touch several rows run in one transaction of their own, or join the caller's
 * Spring transaction on the same DataSource. A duplicate name surfaces as Spring's
 * {@link org.springframework.dao.DuplicateKeyException}; deleting a backend a site still uses
 * surfaces as {@link org.springframework.dao.DataIntegrityViolationException}. Either way nothing
 * is written.
 */
public class BackendRepository {

    /** Longest backend name the schema holds. */
    public static final int MAX_NAME_LENGTH = 64;
    /** Longest server address the schema holds. */
    public static final int MAX_SERVER_LENGTH = 300;

    /** Case-insensitive first so that "api" and "Billing" sort the way people read them; exact as a tiebreak. */
    private static final Comparator<Backend> BY_NAME =
            Comparator.comparing(Backend::name, String.CASE_INSENSITIVE_ORDER).thenComparing(Backend::name);

    private static final String SELECT_WITH_SERVERS = """
            SELECT b.id, b.name, b.created_at, b.updated_at,
                   b.balancing, b.connect_timeout_ms, b.response_timeout_ms, b.max_retries,
                   b.passive_max_failures, b.passive_eject_seconds,
                   b.health_check_path, b.health_interval_ms, b.health_timeout_ms, b.health_status_min,
                   b.health_status_max, b.health_healthy_threshold, b.health_unhealthy_threshold,
                   b.idle_timeout_ms, b.max_connections_per_server, b.queue_size, b.queue_timeout_ms, b.protocol,
                   s.address, s.weight, s.backup, s.drained, s.tls, s.verify_tls, s.tls_server_name
            FROM backend b LEFT JOIN backend_server s ON s.backend_id = b.id""";

    /** SET clause of an update that replaces the settings, with the parameters {@link #bindSettings} binds. */
    private static final String SETTINGS_ASSIGNMENTS = """
            balancing = :balancing, connect_timeout_ms = :connectTimeoutMs, response_timeout_ms = :responseTimeoutMs,
            max_retries = :maxRetries, passive_max_failures = :passiveMaxFailures,
            passive_eject_seconds = :passiveEjectSeconds, health_check_path = :healthCheckPath,
            health_interval_ms = :healthIntervalMs, health_timeout_ms = :healthTimeoutMs,
            health_status_min = :healthStatusMin, health_status_max = :healthStatusMax,
            health_healthy_threshold = :healthHealthyThreshold, health_unhealthy_threshold = :healthUnhealthyThreshold,
            idle_timeout_ms = :idleTimeoutMs, max_connections_per_server = :maxConnectionsPerServer,
            queue_size = :queueSize, queue_timeout_ms = :queueTimeoutMs, protocol = :protocol""";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    /** Marked so that Spring picks this constructor over the package-private one tests use to fix the clock. */
    @Autowired
    public BackendRepository(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    BackendRepository(DataSource dataSource, Clock clock) {
        this.jdbc = JdbcSupport.client(dataSource);
        this.transactions = JdbcSupport.transactions(dataSource);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** All backends, ordered by name (case-insensitively, then exactly). */
    public List<Backend> findAll() {
        List<Backend> backends = jdbc.sql(SELECT_WITH_SERVERS + " ORDER BY b.id, s.position").query(BackendRepository::collect);
        backends.sort(BY_NAME);
        return backends;
    }

    public Optional<Backend> findById(long id) {
        return single(jdbc.sql(SELECT_WITH_SERVERS + " WHERE b.id = :id ORDER BY s.position")
                .param("id", id)
                .query(BackendRepository::collect));
    }

    /** Exact, case-sensitive match. */
    public Optional<Backend> findByName(String name) {
        Require.text("backend name", name, Integer.MAX_VALUE);
        return single(jdbc.sql(SELECT_WITH_SERVERS + " WHERE b.name = :name ORDER BY s.position")
                .param("name", name)
                .query(BackendRepository::collect));
    }

    /**
     * Stores a new backend with its servers and default settings ({@link BackendSettings#DEFAULT}), atomically.
     *
     * @see #insert(String, List, BackendSettings)
     */
    public Backend insert(String name, List<BackendServer> servers) {
        return insert(name, servers, BackendSettings.DEFAULT);
    }

    /**
     * Stores a new backend with its servers and settings, atomically.
     *
     * @param settings null is read as {@link BackendSettings#DEFAULT}
     * @throws org.springframework.dao.DuplicateKeyException if the name is taken
     * @throws IllegalArgumentException if the name is blank or too long, or the server list is empty or holds a null
     */
    public Backend insert(String name, List<BackendServer> servers, BackendSettings settings) {
        String checkedName = Require.text("backend name", name, MAX_NAME_LENGTH);
        List<BackendServer> checkedServers = checkServers(servers);
        BackendSettings checkedSettings = settings == null ? BackendSettings.DEFAULT : settings;
        return transactions.execute(status -> {
            Instant now = JdbcSupport.now(clock);
            long id = JdbcSupport.insertReturningId(bindSettings(jdbc.sql("""
                            INSERT INTO backend (name, created_at, updated_at, balancing, connect_timeout_ms,
                                                 response_timeout_ms, max_retries, passive_max_failures,
                                                 passive_eject_seconds, health_check_path, health_interval_ms,
                                                 health_timeout_ms, health_status_min, health_status_max,
                                                 health_healthy_threshold, health_unhealthy_threshold,
                                                 idle_timeout_ms, max_connections_per_server, queue_size,
                                                 queue_timeout_ms, protocol)
                            VALUES (:name, :now, :now, :balancing, :connectTimeoutMs, :responseTimeoutMs, :maxRetries,
                                    :passiveMaxFailures, :passiveEjectSeconds, :healthCheckPath, :healthIntervalMs,
                                    :healthTimeoutMs, :healthStatusMin, :healthStatusMax, :healthHealthyThreshold,
                                    :healthUnhealthyThreshold, :idleTimeoutMs, :maxConnectionsPerServer, :queueSize,
                                    :queueTimeoutMs, :protocol)"""), checkedSettings)
                    .param("name", checkedName)
                    .param("now", JdbcSupport.toDatabase(now)));
            insertServers(id, checkedServers);
            return new Backend(id, checkedName, checkedServers, checkedSettings, now, now);
        });
    }

    /**
     * Replaces the name, the server list and the settings of a backend, atomically.
     *
     * @param settings null is read as {@link BackendSettings#DEFAULT}
     * @return the updated backend, or empty if there is no backend with this id
     * @throws org.springframework.dao.DuplicateKeyException if another backend has the name
     */
    public Optional<Backend> update(long id, String name, List<BackendServer> servers, BackendSettings settings) {
        String checkedName = Require.text("backend name", name, MAX_NAME_LENGTH);
        List<BackendServer> checkedServers = checkServers(servers);
        BackendSettings checkedSettings = settings == null ? BackendSettings.DEFAULT : settings;
        return transactions.execute(status -> {
            int updated = bindSettings(jdbc.sql("UPDATE backend SET name = :name, updated_at = :now, "
                            + SETTINGS_ASSIGNMENTS + " WHERE id = :id"), checkedSettings)
                    .param("name", checkedName)
                    .param("now", JdbcSupport.toDatabase(JdbcSupport.now(clock)))
                    .param("id", id)
                    .update();
            if (updated == 0) {
                return Optional.<Backend>empty();
            }
            jdbc.sql("DELETE FROM backend_server WHERE backend_id = :id").param("id", id).update();
            insertServers(id, checkedServers);
            return findById(id);
        });
    }

    /**
     * Deletes a backend and its servers.
     *
     * @return false if there is no backend with this id
     * @throws org.springframework.dao.DataIntegrityViolationException if a site still uses the backend
     */
    public boolean delete(long id) {
        // one statement; the servers go by ON DELETE CASCADE, so no transaction of our own is needed
        return jdbc.sql("DELETE FROM backend WHERE id = :id").param("id", id).update() > 0;
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM backend").query(Long.class).single();
    }

    private void insertServers(long backendId, List<BackendServer> servers) {
        for (int position = 0; position < servers.size(); position++) {
            BackendServer server = servers.get(position);
            jdbc.sql("""
                            INSERT INTO backend_server (backend_id, position, address, weight, backup, drained,
                                                        tls, verify_tls, tls_server_name)
                            VALUES (:backendId, :position, :address, :weight, :backup, :drained, :tls, :verifyTls,
                                    :tlsServerName)""")
                    .param("backendId", backendId)
                    .param("position", position)
                    .param("address", server.address())
                    .param("weight", server.weight())
                    .param("backup", server.backup())
                    .param("drained", server.drained())
                    .param("tls", server.tls())
                    .param("verifyTls", server.verifyTls())
                    .param("tlsServerName", server.tlsServerName(), Types.VARCHAR)
                    .update();
        }
    }

    private static List<BackendServer> checkServers(List<BackendServer> servers) {
        if (servers == null) {
            throw new IllegalArgumentException("backend servers must not be null");
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("backend servers must contain at least one entry");
        }
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i) == null) {
                throw new IllegalArgumentException("backend servers[" + i + "] must not be null");
            }
        }
        return List.copyOf(servers);
    }

    private static JdbcClient.StatementSpec bindSettings(JdbcClient.StatementSpec statement, BackendSettings settings) {
        BackendHealthCheck check = settings.healthCheck();
        BackendConnectionLimits limits = settings.limits();
        return statement
                .param("balancing", settings.balancing())
                .param("connectTimeoutMs", settings.connectTimeoutMs(), Types.BIGINT)
                .param("responseTimeoutMs", settings.responseTimeoutMs(), Types.BIGINT)
                .param("maxRetries", settings.maxRetries())
                .param("passiveMaxFailures", settings.passiveMaxFailures())
                .param("passiveEjectSeconds", settings.passiveEjectSeconds())
                .param("healthCheckPath", check == null ? null : check.path(), Types.VARCHAR)
                .param("healthIntervalMs", check == null ? null : check.intervalMs(), Types.BIGINT)
                .param("healthTimeoutMs", check == null ? null : check.timeoutMs(), Types.BIGINT)
                .param("healthStatusMin", check == null ? null : check.expectedStatusMin(), Types.INTEGER)
                .param("healthStatusMax", check == null ? null : check.expectedStatusMax(), Types.INTEGER)
                .param("healthHealthyThreshold", check == null ? null : check.healthyThreshold(), Types.INTEGER)
                .param("healthUnhealthyThreshold", check == null ? null : check.unhealthyThreshold(), Types.INTEGER)
                .param("idleTimeoutMs", limits.idleTimeoutMs(), Types.BIGINT)
                .param("maxConnectionsPerServer", limits.maxConnectionsPerServer())
                .param("queueSize", limits.queueSize())
                .param("queueTimeoutMs", limits.queueTimeoutMs())
                .param("protocol", settings.protocol());
    }

    private static Optional<Backend> single(List<Backend> backends) {
        return backends.stream().findFirst();
    }

    /**
     * Groups the rows of {@link #SELECT_WITH_SERVERS}, which must be ordered by backend first, into
     * backends with their servers in order. One statement, so a concurrent write is seen entirely
     * or not at all.
     */
    private static List<Backend> collect(ResultSet rs) throws SQLException {
        List<Backend> backends = new ArrayList<>();
        BackendBuilder current = null;
        while (rs.next()) {
            long id = rs.getLong("id");
            if (current == null || current.id != id) {
                if (current != null) {
                    backends.add(current.build());
                }
                current = new BackendBuilder(id, rs.getString("name"), settings(rs),
                        JdbcSupport.instant(rs, "created_at"), JdbcSupport.instant(rs, "updated_at"));
            }
            String address = rs.getString("address");
            if (address != null) {
                current.servers.add(new BackendServer(address, rs.getInt("weight"), rs.getBoolean("backup"),
                        rs.getBoolean("drained"), rs.getBoolean("tls"), rs.getBoolean("verify_tls"),
                        rs.getString("tls_server_name")));
            }
        }
        if (current != null) {
            backends.add(current.build());
        }
        return backends;
    }

    private static BackendSettings settings(ResultSet rs) throws SQLException {
        String healthPath = rs.getString("health_check_path");
        // the schema stores a health check whole or not at all (ck_backend_health_check)
        BackendHealthCheck healthCheck = healthPath == null ? null : new BackendHealthCheck(healthPath,
                rs.getLong("health_interval_ms"), rs.getLong("health_timeout_ms"), rs.getInt("health_status_min"),
                rs.getInt("health_status_max"), rs.getInt("health_healthy_threshold"),
                rs.getInt("health_unhealthy_threshold"));
        return new BackendSettings(rs.getString("balancing"), nullableLong(rs, "connect_timeout_ms"),
                nullableLong(rs, "response_timeout_ms"), rs.getInt("max_retries"), rs.getInt("passive_max_failures"),
                rs.getInt("passive_eject_seconds"), healthCheck,
                new BackendConnectionLimits(nullableLong(rs, "idle_timeout_ms"), rs.getInt("max_connections_per_server"),
                        rs.getInt("queue_size"), rs.getLong("queue_timeout_ms")),
                rs.getString("protocol"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static final class BackendBuilder {
        final long id;
        final String name;
        final BackendSettings settings;
        final Instant createdAt;
        final Instant updatedAt;
        final List<BackendServer> servers = new ArrayList<>();

        BackendBuilder(long id, String name, BackendSettings settings, Instant createdAt, Instant updatedAt) {
            this.id = id;
            this.name = name;
            this.settings = settings;
            this.createdAt = createdAt;
            this.updatedAt = updatedAt;
        }

        Backend build() {
            return new Backend(id, name, servers, settings, createdAt, updatedAt);
        }
    }
}
