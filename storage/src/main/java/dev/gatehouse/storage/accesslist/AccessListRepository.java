package dev.gatehouse.storage.accesslist;

import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.internal.JdbcSupport;

/**
 * Access lists with their ordered address rules and users (tables {@code access_list},
 * {@code access_list_rule} and {@code access_list_user}).
 *
 * <p>A name another list already has surfaces as Spring's {@link org.springframework.dao.DuplicateKeyException};
 * deleting a list a site still uses as {@link org.springframework.dao.DataIntegrityViolationException}.
 * Every write is a transaction of its own that joins the caller's Spring transaction on the same
 * DataSource, and every read of a list with its rules and users runs in one, so a list is never seen
 * half-written.
 */
public class AccessListRepository {

    private static final String SELECT = "SELECT id, name, satisfy_all, realm, created_at, updated_at FROM access_list";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    /** Marked so that Spring picks this constructor over the package-private one tests use to fix the clock. */
    @Autowired
    public AccessListRepository(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    AccessListRepository(DataSource dataSource, Clock clock) {
        this.jdbc = JdbcSupport.client(dataSource);
        this.transactions = JdbcSupport.transactions(dataSource);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** All access lists, ordered by name. */
    public List<AccessList> findAll() {
        return read(jdbc.sql(SELECT + " ORDER BY name"));
    }

    public Optional<AccessList> findById(long id) {
        return read(jdbc.sql(SELECT + " WHERE id = :id").param("id", id)).stream().findFirst();
    }

    /** Exact, case-sensitive, as the engine matches a site's reference. */
    public Optional<AccessList> findByName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return read(jdbc.sql(SELECT + " WHERE name = :name").param("name", name.strip())).stream().findFirst();
    }

    /**
     * Stores a new list with its rules and users, atomically.
     *
     * @throws org.springframework.dao.DuplicateKeyException if another list has the name
     */
    public AccessList insert(AccessListSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return transactions.execute(status -> {
            Instant now = JdbcSupport.now(clock);
            long id = JdbcSupport.insertReturningId(jdbc.sql("""
                            INSERT INTO access_list (name, satisfy_all, realm, created_at, updated_at)
                            VALUES (:name, :satisfyAll, :realm, :now, :now)""")
                    .param("name", settings.name())
                    .param("satisfyAll", settings.satisfyAll())
                    .param("realm", settings.realm(), Types.VARCHAR)
                    .param("now", JdbcSupport.toDatabase(now)));
            insertEntries(id, settings);
            return new AccessList(id, settings, now, now);
        });
    }

    /**
     * Replaces everything about a list but its id and creation time, atomically.
     *
     * @return the updated list, or empty if there is no list with this id
     * @throws org.springframework.dao.DuplicateKeyException if another list has the name
     */
    public Optional<AccessList> update(long id, AccessListSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return transactions.execute(status -> {
            int updated = jdbc.sql("""
                            UPDATE access_list SET name = :name, satisfy_all = :satisfyAll, realm = :realm, updated_at = :now
                            WHERE id = :id""")
                    .param("name", settings.name())
                    .param("satisfyAll", settings.satisfyAll())
                    .param("realm", settings.realm(), Types.VARCHAR)
                    .param("now", JdbcSupport.toDatabase(JdbcSupport.now(clock)))
                    .param("id", id)
                    .update();
            if (updated == 0) {
                return Optional.<AccessList>empty();
            }
            jdbc.sql("DELETE FROM access_list_rule WHERE access_list_id = :id").param("id", id).update();
            jdbc.sql("DELETE FROM access_list_user WHERE access_list_id = :id").param("id", id).update();
            insertEntries(id, settings);
            return findById(id);
        });
    }

    /**
     * Deletes a list with its rules and users.
     *
     * @return false if there is no list with this id
     * @throws org.springframework.dao.DataIntegrityViolationException while a site uses the list
     */
    public boolean delete(long id) {
        // one statement; rules and users go by ON DELETE CASCADE
        return jdbc.sql("DELETE FROM access_list WHERE id = :id").param("id", id).update() > 0;
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM access_list").query(Long.class).single();
    }

    private void insertEntries(long id, AccessListSettings settings) {
        List<AccessListSettings.Rule> rules = settings.rules();
        for (int position = 0; position < rules.size(); position++) {
            jdbc.sql("""
                            INSERT INTO access_list_rule (access_list_id, position, action, address)
                            VALUES (:id, :position, :action, :address)""")
                    .param("id", id)
                    .param("position", position)
                    .param("action", rules.get(position).action())
                    .param("address", rules.get(position).address())
                    .update();
        }
        List<AccessListSettings.User> users = settings.users();
        for (int position = 0; position < users.size(); position++) {
            jdbc.sql("""
                            INSERT INTO access_list_user (access_list_id, position, username, password_hash)
                            VALUES (:id, :position, :username, :passwordHash)""")
                    .param("id", id)
                    .param("position", position)
                    .param("username", users.get(position).username())
                    .param("passwordHash", users.get(position).passwordHash())
                    .update();
        }
    }

    /** The lists the statement selects, with their rules and users, read in one transaction. */
    private List<AccessList> read(JdbcClient.StatementSpec statement) {
        return transactions.execute(status -> {
            record Head(long id, String name, boolean satisfyAll, String realm, Instant createdAt, Instant updatedAt) {
            }
            List<Head> heads = statement.query((rs, row) -> new Head(rs.getLong("id"), rs.getString("name"),
                    rs.getBoolean("satisfy_all"), rs.getString("realm"), JdbcSupport.instant(rs, "created_at"),
                    JdbcSupport.instant(rs, "updated_at"))).list();
            if (heads.isEmpty()) {
                return List.<AccessList>of();
            }
            List<Long> ids = heads.stream().map(Head::id).toList();
            Map<Long, List<AccessListSettings.Rule>> rules = new HashMap<>();
            jdbc.sql("""
                            SELECT access_list_id, action, address FROM access_list_rule
                            WHERE access_list_id IN (:ids) ORDER BY access_list_id, position""")
                    .param("ids", ids)
                    .query(rs -> {
                        rules.computeIfAbsent(rs.getLong("access_list_id"), key -> new ArrayList<>())
                                .add(new AccessListSettings.Rule(rs.getString("action"), rs.getString("address")));
                    });
            Map<Long, List<AccessListSettings.User>> users = new HashMap<>();
            jdbc.sql("""
                            SELECT access_list_id, username, password_hash FROM access_list_user
                            WHERE access_list_id IN (:ids) ORDER BY access_list_id, position""")
                    .param("ids", ids)
                    .query(rs -> {
                        users.computeIfAbsent(rs.getLong("access_list_id"), key -> new ArrayList<>())
                                .add(new AccessListSettings.User(rs.getString("username"), rs.getString("password_hash")));
                    });
            return heads.stream().map(head -> new AccessList(head.id(), new AccessListSettings(head.name(),
                    rules.get(head.id()), users.get(head.id()), head.satisfyAll(), head.realm()),
                    head.createdAt(), head.updatedAt())).toList();
        });
    }
}
