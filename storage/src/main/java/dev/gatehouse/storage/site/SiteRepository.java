package dev.gatehouse.storage.site;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.internal.JdbcSupport;
import dev.gatehouse.storage.internal.Require;

/**
 * Sites with their TLS and WebSocket settings, and their ordered hostnames (tables {@code site} and
 * {@code site_hostname}).
 *
 * <p>Hostnames are stored stripped and lower-cased; lookups normalise the same way. A hostname
 * that is already used, by another site or twice in the same list, surfaces as Spring's
 * {@link org.springframework.dao.DuplicateKeyException}; a backend id that does not exist surfaces
 * (and so does a certificate id that does not exist)
 * as {@link org.springframework.dao.DataIntegrityViolationException}. Multi-row writes run in one
 * transaction of their own, or join the caller's Spring transaction on the same DataSource, so a
 * failed write leaves nothing behind.
 */
public class SiteRepository {

    /** Longest hostname the schema holds (the DNS limit). */
    public static final int MAX_HOSTNAME_LENGTH = 253;

    private static final String SELECT_WITH_HOSTNAMES = """
            SELECT s.id, s.backend_id, s.enabled, s.created_at, s.updated_at,
                   s.certificate_id, s.force_https, s.hsts_max_age_seconds, s.hsts_include_subdomains, s.hsts_preload,
                   s.websockets, s.websocket_idle_timeout_ms,
                   h.hostname
            FROM site s LEFT JOIN site_hostname h ON h.site_id = s.id""";

    /** SET clause of an update that replaces the TLS settings, with the parameters {@link #bindTls} binds. */
    private static final String TLS_ASSIGNMENTS = ", certificate_id = :certificateId, force_https = :forceHttps, "
            + "hsts_max_age_seconds = :hstsMaxAgeSeconds, hsts_include_subdomains = :hstsIncludeSubDomains, "
            + "hsts_preload = :hstsPreload";

    /** SET clause of an update that replaces the WebSocket settings, with the parameters {@link #bindWebsockets} binds. */
    private static final String WEBSOCKET_ASSIGNMENTS = ", websockets = :websockets, "
            + "websocket_idle_timeout_ms = :websocketIdleTimeoutMs";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    /** Marked so that Spring picks this constructor over the package-private one tests use to fix the clock. */
    @Autowired
    public SiteRepository(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    SiteRepository(DataSource dataSource, Clock clock) {
        this.jdbc = JdbcSupport.client(dataSource);
        this.transactions = JdbcSupport.transactions(dataSource);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** All sites, ordered by id (creation order). */
    public List<Site> findAll() {
        return jdbc.sql(SELECT_WITH_HOSTNAMES + " ORDER BY s.id, h.position").query(SiteRepository::collect);
    }

    public Optional<Site> findById(long id) {
        return single(jdbc.sql(SELECT_WITH_HOSTNAMES + " WHERE s.id = :id ORDER BY h.position")
                .param("id", id)
                .query(SiteRepository::collect));
    }

    /** The site that has this hostname (compared after stripping and lower-casing), with all its hostnames. */
    public Optional<Site> findByHostname(String hostname) {
        String normalized = normalize(Require.text("hostname", hostname, Integer.MAX_VALUE));
        return single(jdbc.sql(SELECT_WITH_HOSTNAMES
                        + " WHERE s.id IN (SELECT site_id FROM site_hostname WHERE hostname = :hostname) ORDER BY h.position")
                .param("hostname", normalized)
                .query(SiteRepository::collect));
    }

    /** The sites that forward to this backend, ordered by id. */
    public List<Site> findByBackendId(long backendId) {
        return jdbc.sql(SELECT_WITH_HOSTNAMES + " WHERE s.backend_id = :backendId ORDER BY s.id, h.position")
                .param("backendId", backendId)
                .query(SiteRepository::collect);
    }

    /** The sites served with this certificate, ordered by id. */
    public List<Site> findByCertificateId(long certificateId) {
        return jdbc.sql(SELECT_WITH_HOSTNAMES + " WHERE s.certificate_id = :certificateId ORDER BY s.id, h.position")
                .param("certificateId", certificateId)
                .query(SiteRepository::collect);
    }

    /**
     * Stores a new site with its hostnames and no TLS settings ({@link SiteTls#NONE}), atomically.
     *
     * @see #insert(List, long, boolean, SiteTls)
     */
    public Site insert(List<String> hostnames, long backendId, boolean enabled) {
        return insert(hostnames, backendId, enabled, SiteTls.NONE);
    }

    /**
     * Stores a new site with its hostnames and TLS settings and WebSockets off, atomically.
     *
     * @see #insert(List, long, boolean, SiteTls, SiteWebsockets)
     */
    public Site insert(List<String> hostnames, long backendId, boolean enabled, SiteTls tls) {
        return insert(hostnames, backendId, enabled, tls, SiteWebsockets.OFF);
    }

    /**
     * Stores a new site with its hostnames, TLS and WebSocket settings, atomically.
     *
     * @param tls null is read as {@link SiteTls#NONE}
     * @param websockets null is read as {@link SiteWebsockets#OFF}
     * @throws org.springframework.dao.DuplicateKeyException if a hostname is already used (here or by another site)
     * @throws org.springframework.dao.DataIntegrityViolationException if there is no backend with {@code backendId}
     *                                                                  or no certificate with {@code tls.certificateId()}
     * @throws IllegalArgumentException if the list is empty or a hostname is blank or too long
     */
    public Site insert(List<String> hostnames, long backendId, boolean enabled, SiteTls tls, SiteWebsockets websockets) {
        List<String> normalized = normalizeAll(hostnames);
        SiteTls tlsSettings = tls == null ? SiteTls.NONE : tls;
        SiteWebsockets websocketSettings = websockets == null ? SiteWebsockets.OFF : websockets;
        return transactions.execute(status -> {
            Instant now = JdbcSupport.now(clock);
            long id = JdbcSupport.insertReturningId(bindWebsockets(bindTls(jdbc.sql("""
                            INSERT INTO site (backend_id, enabled, created_at, updated_at, certificate_id, force_https,
                                              hsts_max_age_seconds, hsts_include_subdomains, hsts_preload,
                                              websockets, websocket_idle_timeout_ms)
                            VALUES (:backendId, :enabled, :now, :now, :certificateId, :forceHttps,
                                    :hstsMaxAgeSeconds, :hstsIncludeSubDomains, :hstsPreload,
                                    :websockets, :websocketIdleTimeoutMs)"""), tlsSettings), websocketSettings)
                    .param("backendId", backendId)
                    .param("enabled", enabled)
                    .param("now", JdbcSupport.toDatabase(now)));
            insertHostnames(id, normalized);
            return new Site(id, normalized, backendId, enabled, now, now, tlsSettings, websocketSettings);
        });
    }

    /**
     * Replaces the hostnames, backend and enabled flag of a site, atomically, keeping its TLS and
     * WebSocket settings.
     *
     * @return the updated site, or empty if there is no site with this id
     * @throws org.springframework.dao.DuplicateKeyException if a hostname is used by another site or twice in the list
     * @throws org.springframework.dao.DataIntegrityViolationException if there is no backend with {@code backendId}
     */
    public Optional<Site> update(long id, List<String> hostnames, long backendId, boolean enabled) {
        return write(id, normalizeAll(hostnames), backendId, enabled, null, null);
    }

    /**
     * Replaces the hostnames, backend, enabled flag and TLS settings of a site, atomically, keeping its
     * WebSocket settings.
     *
     * @param tls null is read as {@link SiteTls#NONE}
     * @return the updated site, or empty if there is no site with this id
     * @throws org.springframework.dao.DuplicateKeyException if a hostname is used by another site or twice in the list
     * @throws org.springframework.dao.DataIntegrityViolationException if there is no backend with {@code backendId}
     *                                                                  or no certificate with {@code tls.certificateId()}
     */
    public Optional<Site> update(long id, List<String> hostnames, long backendId, boolean enabled, SiteTls tls) {
        List<String> normalized = normalizeAll(hostnames);
        return write(id, normalized, backendId, enabled, tls == null ? SiteTls.NONE : tls, null);
    }

    /**
     * Replaces everything about a site but its id and creation time, atomically: hostnames, backend,
     * enabled flag, TLS and WebSocket settings.
     *
     * @param tls null is read as {@link SiteTls#NONE}
     * @param websockets null is read as {@link SiteWebsockets#OFF}
     * @return the updated site, or empty if there is no site with this id
     * @throws org.springframework.dao.DuplicateKeyException if a hostname is used by another site or twice in the list
     * @throws org.springframework.dao.DataIntegrityViolationException if there is no backend with {@code backendId}
     *                                                                  or no certificate with {@code tls.certificateId()}
     */
    public Optional<Site> update(long id, List<String> hostnames, long backendId, boolean enabled, SiteTls tls,
                                 SiteWebsockets websockets) {
        List<String> normalized = normalizeAll(hostnames);
        return write(id, normalized, backendId, enabled, tls == null ? SiteTls.NONE : tls,
                websockets == null ? SiteWebsockets.OFF : websockets);
    }

    /**
     * @param tls the new settings, or null to keep the stored ones
     * @param websockets the new settings, or null to keep the stored ones
     */
    private Optional<Site> write(long id, List<String> normalized, long backendId, boolean enabled, SiteTls tls,
                                 SiteWebsockets websockets) {
        return transactions.execute(status -> {
            JdbcClient.StatementSpec statement = jdbc.sql("UPDATE site SET backend_id = :backendId, enabled = :enabled, "
                    + "updated_at = :now" + (tls == null ? "" : TLS_ASSIGNMENTS)
                    + (websockets == null ? "" : WEBSOCKET_ASSIGNMENTS) + " WHERE id = :id");
            if (tls != null) {
                bindTls(statement, tls);
            }
            if (websockets != null) {
                bindWebsockets(statement, websockets);
            }
            int updated = statement
                    .param("backendId", backendId)
                    .param("enabled", enabled)
                    .param("now", JdbcSupport.toDatabase(JdbcSupport.now(clock)))
                    .param("id", id)
                    .update();
            if (updated == 0) {
                return Optional.<Site>empty();
            }
            // delete first: a site keeping (some of) its hostnames in a new order must not collide with itself
            jdbc.sql("DELETE FROM site_hostname WHERE site_id = :id").param("id", id).update();
            insertHostnames(id, normalized);
            return findById(id);
        });
    }

    /**
     * Switches a site on or off without touching its hostnames or backend.
     *
     * @return the updated site, or empty if there is no site with this id
     */
    public Optional<Site> setEnabled(long id, boolean enabled) {
        return transactions.execute(status -> {
            int updated = jdbc.sql("UPDATE site SET enabled = :enabled, updated_at = :now WHERE id = :id")
                    .param("enabled", enabled)
                    .param("now", JdbcSupport.toDatabase(JdbcSupport.now(clock)))
                    .param("id", id)
                    .update();
            return updated == 0 ? Optional.<Site>empty() : findById(id);
        });
    }

    /**
     * Deletes a site and its hostnames.
     *
     * @return false if there is no site with this id
     */
    public boolean delete(long id) {
        // one statement; the hostnames go by ON DELETE CASCADE
        return jdbc.sql("DELETE FROM site WHERE id = :id").param("id", id).update() > 0;
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM site").query(Long.class).single();
    }

    /** Number of sites whose enabled flag is set. */
    public long countEnabled() {
        return jdbc.sql("SELECT COUNT(*) FROM site WHERE enabled = TRUE").query(Long.class).single();
    }

    private static JdbcClient.StatementSpec bindTls(JdbcClient.StatementSpec statement, SiteTls tls) {
        return statement
                .param("certificateId", tls.certificateId(), Types.BIGINT)
                .param("forceHttps", tls.forceHttps())
                .param("hstsMaxAgeSeconds", tls.hstsMaxAgeSeconds(), Types.BIGINT)
                .param("hstsIncludeSubDomains", tls.hstsIncludeSubDomains())
                .param("hstsPreload", tls.hstsPreload());
    }

    private static JdbcClient.StatementSpec bindWebsockets(JdbcClient.StatementSpec statement, SiteWebsockets websockets) {
        return statement
                .param("websockets", websockets.enabled())
                .param("websocketIdleTimeoutMs", websockets.idleTimeoutMs(), Types.BIGINT);
    }

    private void insertHostnames(long siteId, List<String> hostnames) {
        for (int position = 0; position < hostnames.size(); position++) {
            jdbc.sql("INSERT INTO site_hostname (site_id, position, hostname) VALUES (:siteId, :position, :hostname)")
                    .param("siteId", siteId)
                    .param("position", position)
                    .param("hostname", hostnames.get(position))
                    .update();
        }
    }

    private static List<String> normalizeAll(List<String> hostnames) {
        List<String> checked = Require.texts("site hostnames", hostnames, Integer.MAX_VALUE);
        List<String> normalized = new ArrayList<>(checked.size());
        for (int i = 0; i < checked.size(); i++) {
            normalized.add(Require.text("site hostnames[" + i + "]", normalize(checked.get(i)), MAX_HOSTNAME_LENGTH));
        }
        return List.copyOf(normalized);
    }

    private static String normalize(String hostname) {
        return hostname.strip().toLowerCase(Locale.ROOT);
    }

    private static Optional<Site> single(List<Site> sites) {
        return sites.stream().findFirst();
    }

    /**
     * Groups the rows of {@link #SELECT_WITH_HOSTNAMES}, which must be ordered by site first, into
     * sites with their hostnames in order. One statement, so a concurrent write is seen entirely
     * or not at all.
     */
    private static List<Site> collect(ResultSet rs) throws SQLException {
        List<Site> sites = new ArrayList<>();
        SiteBuilder current = null;
        while (rs.next()) {
            long id = rs.getLong("id");
            if (current == null || current.id != id) {
                if (current != null) {
                    sites.add(current.build());
                }
                current = new SiteBuilder(id, rs.getLong("backend_id"), rs.getBoolean("enabled"),
                        JdbcSupport.instant(rs, "created_at"), JdbcSupport.instant(rs, "updated_at"), tls(rs),
                        websockets(rs));
            }
            String hostname = rs.getString("hostname");
            if (hostname != null) {
                current.hostnames.add(hostname);
            }
        }
        if (current != null) {
            sites.add(current.build());
        }
        return sites;
    }

    private static SiteWebsockets websockets(ResultSet rs) throws SQLException {
        return new SiteWebsockets(rs.getBoolean("websockets"), nullableLong(rs, "websocket_idle_timeout_ms"));
    }

    private static SiteTls tls(ResultSet rs) throws SQLException {
        return new SiteTls(nullableLong(rs, "certificate_id"), rs.getBoolean("force_https"),
                nullableLong(rs, "hsts_max_age_seconds"), rs.getBoolean("hsts_include_subdomains"), rs.getBoolean("hsts_preload"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static final class SiteBuilder {
        final long id;
        final long backendId;
        final boolean enabled;
        final Instant createdAt;
        final Instant updatedAt;
        final SiteTls tls;
        final SiteWebsockets websockets;
        final List<String> hostnames = new ArrayList<>();

        SiteBuilder(long id, long backendId, boolean enabled, Instant createdAt, Instant updatedAt, SiteTls tls,
                    SiteWebsockets websockets) {
            this.id = id;
            this.backendId = backendId;
            this.enabled = enabled;
            this.createdAt = createdAt;
            this.updatedAt = updatedAt;
            this.tls = tls;
            this.websockets = websockets;
        }

        Site build() {
            return new Site(id, hostnames, backendId, enabled, createdAt, updatedAt, tls, websockets);
        }
    }
}
