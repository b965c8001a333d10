package dev.gatehouse.storage.backend;

import java.sql.ResultSet;
import java.sql.SQLException;
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
 * Backends and their ordered server lists (tables {@code backend} and {@code backend_server}).
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
            SELECT b.id, b.name, b.created_at, b.updated_at, s.address
            FROM backend b LEFT JOIN backend_server s ON s.backend_id = b.id""";

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
     * Stores a new backend with its servers, atomically.
     *
     * @throws org.springframework.dao.DuplicateKeyException if the name is taken
     * @throws IllegalArgumentException if the name or a server is blank or too long, or the list is empty
     */
    public Backend insert(String name, List<String> servers) {
        String checkedName = Require.text("backend name", name, MAX_NAME_LENGTH);
        List<String> checkedServers = Require.texts("backend servers", servers, MAX_SERVER_LENGTH);
        return transactions.execute(status -> {
            Instant now = JdbcSupport.now(clock);
            long id = JdbcSupport.insertReturningId(jdbc.sql(
                            "INSERT INTO backend (name, created_at, updated_at) VALUES (:name, :now, :now)")
                    .param("name", checkedName)
                    .param("now", JdbcSupport.toDatabase(now)));
            insertServers(id, checkedServers);
            return new Backend(id, checkedName, checkedServers, now, now);
        });
    }

    /**
     * Replaces the name and the server list of a backend, atomically.
     *
     * @return the updated backend, or empty if there is no backend with this id
     * @throws org.springframework.dao.DuplicateKeyException if another backend has the name
     */
    public Optional<Backend> update(long id, String name, List<String> servers) {
        String checkedName = Require.text("backend name", name, MAX_NAME_LENGTH);
        List<String> checkedServers = Require.texts("backend servers", servers, MAX_SERVER_LENGTH);
        return transactions.execute(status -> {
            int updated = jdbc.sql("UPDATE backend SET name = :name, updated_at = :now WHERE id = :id")
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

    private void insertServers(long backendId, List<String> servers) {
        for (int position = 0; position < servers.size(); position++) {
            jdbc.sql("INSERT INTO backend_server (backend_id, position, address) VALUES (:backendId, :position, :address)")
                    .param("backendId", backendId)
                    .param("position", position)
                    .param("address", servers.get(position))
                    .update();
        }
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
                current = new BackendBuilder(id, rs.getString("name"),
                        JdbcSupport.instant(rs, "created_at"), JdbcSupport.instant(rs, "updated_at"));
            }
            String address = rs.getString("address");
            if (address != null) {
                current.servers.add(address);
            }
        }
        if (current != null) {
            backends.add(current.build());
        }
        return backends;
    }

    private static final class BackendBuilder {
        final long id;
        final String name;
        final Instant createdAt;
        final Instant updatedAt;
        final List<String> servers = new ArrayList<>();

        BackendBuilder(long id, String name, Instant createdAt, Instant updatedAt) {
            this.id = id;
            this.name = name;
            this.createdAt = createdAt;
            this.updatedAt = updatedAt;
        }

        Backend build() {
            return new Backend(id, name, servers, createdAt, updatedAt);
        }
    }
}
