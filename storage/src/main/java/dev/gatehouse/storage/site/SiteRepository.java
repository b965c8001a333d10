package dev.gatehouse.storage.site;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
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
 * Sites with their TLS, WebSocket, redirect, header and policy settings, their ordered hostnames, header
 * rules and trusted proxies (tables {@code site}, {@code site_hostname}, {@code site_header_rule} and
 * {@code site_trusted_proxy}).
 *
 * <p>Hostnames are stored stripped and lower-cased; lookups normalise the same way. A hostname
 * that is already used, by another site or twice in the same list, surfaces as Spring's
 * {@link org.springframework.dao.DuplicateKeyException}; a backend id that does not exist surfaces
 * (and so does a certificate or access list id that does not exist)
 * as {@link org.springframework.dao.DataIntegrityViolationException}. Multi-row writes run in one
 * transaction of their own, or join the caller's Spring transaction on the same DataSource, so a
 * failed write leaves nothing behind.
 */
public class SiteRepository {

    /** Longest hostname the schema holds (the DNS limit). */
    public static final int MAX_HOSTNAME_LENGTH = 253;

    private static final String REQUEST = "request";
    private static final String RESPONSE = "response";

    private static final String SELECT_WITH_HOSTNAMES = """
            SELECT s.id, s.backend_id, s.enabled, s.created_at, s.updated_at,
                   s.certificate_id, s.force_https, s.hsts_max_age_seconds, s.hsts_include_subdomains, s.hsts_preload,
                   s.websockets, s.websocket_idle_timeout_ms,
                   s.redirect_target, s.redirect_status, s.redirect_keep_path, s.pass_host,
                   s.http2, s.forwarded_header,
                   s.access_list_id, s.rate_limit_requests, s.rate_limit_period_seconds, s.rate_limit_burst,
                   s.block_exploits, s.max_body_bytes, s.max_header_bytes, s.max_url_length,
                   h.hostname
            FROM site s LEFT JOIN site_hostname h ON h.site_id = s.id""";

    /** SET clause of an update that replaces the TLS settings, with the parameters {@link #bindTls} binds. */
    private static final String TLS_ASSIGNMENTS = ", certificate_id = :certificateId, force_https = :forceHttps, "
            + "hsts_max_age_seconds = :hstsMaxAgeSeconds, hsts_include_subdomains = :hstsIncludeSubDomains, "
            + "hsts_preload = :hstsPreload, http2 = :http2";

    /** SET clause of an update that replaces the WebSocket settings, with the parameters {@link #bindWebsockets} binds. */
    private static final String WEBSOCKET_ASSIGNMENTS = ", websockets = :websockets, "
            + "websocket_idle_timeout_ms = :websocketIdleTimeoutMs";

    /** SET clause of an update that replaces the policies, with the parameters {@link #bindPolicies} binds. */
    private static final String POLICY_ASSIGNMENTS = ", access_list_id = :accessListId, "
            + "rate_limit_requests = :rateLimitRequests, rate_limit_period_seconds = :rateLimitPeriodSeconds, "
            + "rate_limit_burst = :rateLimitBurst, block_exploits = :blockExploits, max_body_bytes = :maxBodyBytes, "
            + "max_header_bytes = :maxHeaderBytes, max_url_length = :maxUrlLength";

    /** SET clause of an update that replaces the backend or redirect, with the parameters {@link #bindTarget} binds. */
    private static final String TARGET_ASSIGNMENTS = ", backend_id = :backendId, redirect_target = :redirectTarget, "
            + "redirect_status = :redirectStatus, redirect_keep_path = :redirectKeepPath";

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
        return read(jdbc.sql(SELECT_WITH_HOSTNAMES + " ORDER BY s.id, h.position"));
    }

    public Optional<Site> findById(long id) {
        return single(read(jdbc.sql(SELECT_WITH_HOSTNAMES + " WHERE s.id = :id ORDER BY h.position")
                .param("id", id)));
    }

    /** The site that has this hostname (compared after stripping and lower-casing), with all its hostnames. */
    public Optional<Site> findByHostname(String hostname) {
        String normalized = normalize(Require.text("hostname", hostname, Integer.MAX_VALUE));
        return single(read(jdbc.sql(SELECT_WITH_HOSTNAMES
                        + " WHERE s.id IN (SELECT site_id FROM site_hostname WHERE hostname = :hostname) ORDER BY h.position")
                .param("hostname", normalized)));
    }

    /** The sites that forward to this backend, ordered by id. */
    public List<Site> findByBackendId(long backendId) {
        return read(jdbc.sql(SELECT_WITH_HOSTNAMES + " WHERE s.backend_id = :backendId ORDER BY s.id, h.position")
                .param("backendId", backendId));
    }

    /** The sites guarded by this access list, ordered by id. */
    public List<Site> findByAccessListId(long accessListId) {
        return read(jdbc.sql(SELECT_WITH_HOSTNAMES + " WHERE s.access_list_id = :accessListId ORDER BY s.id, h.position")
                .param("accessListId", accessListId));
    }

    /** The sites served with this certificate, ordered by id. */
    public List<Site> findByCertificateId(long certificateId) {
        return read(jdbc.sql(SELECT_WITH_HOSTNAMES + " WHERE s.certificate_id = :certificateId ORDER BY s.id, h.position")
                .param("certificateId", certificateId));
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
        return insert(hostnames, backendId, enabled, tls, websockets, null, SiteHeaders.DEFAULT);
    }

    /**
     * Stores a new site with the default policies, atomically: hostnames, backend or redirect, TLS,
     * WebSocket and header settings.
     *
     * @param backendId the backend it forwards to; null exactly when {@code redirect} is set
     * @param tls null is read as {@link SiteTls#NONE}
     * @param websockets null is read as {@link SiteWebsockets#OFF}
     * @param redirect null for a forwarding site
     * @param headers null is read as {@link SiteHeaders#DEFAULT}
     * @throws org.springframework.dao.DuplicateKeyException if a hostname is already used (here or by another site)
     * @throws org.springframework.dao.DataIntegrityViolationException if there is no backend with {@code backendId},
     *     no certificate with {@code tls.certificateId()}, both or neither of backend and redirect are given, or
     *     the redirect status is not 301, 302, 307 or 308
     * @throws IllegalArgumentException if the list is empty or a hostname is blank or too long
     */
    public Site insert(List<String> hostnames, Long backendId, boolean enabled, SiteTls tls, SiteWebsockets websockets,
                       SiteRedirect redirect, SiteHeaders headers) {
        return insert(hostnames, backendId, enabled, tls, websockets, redirect, headers, SitePolicies.DEFAULT);
    }

    /**
     * Stores a new site with everything it has, atomically: hostnames, backend or redirect, TLS,
     * WebSocket, header and policy settings.
     *
     * @param policies null is read as {@link SitePolicies#DEFAULT}
     * @throws org.springframework.dao.DataIntegrityViolationException as {@link #insert(List, Long, boolean, SiteTls,
     *     SiteWebsockets, SiteRedirect, SiteHeaders)}, and if there is no access list with {@code policies.accessListId()}
     * @see #insert(List, Long, boolean, SiteTls, SiteWebsockets, SiteRedirect, SiteHeaders)
     */
    public Site insert(List<String> hostnames, Long backendId, boolean enabled, SiteTls tls, SiteWebsockets websockets,
                       SiteRedirect redirect, SiteHeaders headers, SitePolicies policies) {
        List<String> normalized = normalizeAll(hostnames);
        SitePolicies policySettings = policies == null ? SitePolicies.DEFAULT : policies;
        SiteTls tlsSettings = tls == null ? SiteTls.NONE : tls;
        SiteWebsockets websocketSettings = websockets == null ? SiteWebsockets.OFF : websockets;
        SiteHeaders headerSettings = headers == null ? SiteHeaders.DEFAULT : headers;
        return transactions.execute(status -> {
            Instant now = JdbcSupport.now(clock);
            long id = JdbcSupport.insertReturningId(bindPolicies(bindTarget(bindWebsockets(bindTls(jdbc.sql("""
                            INSERT INTO site (backend_id, enabled, created_at, updated_at, certificate_id, force_https,
                                              hsts_max_age_seconds, hsts_include_subdomains, hsts_preload,
                                              websockets, websocket_idle_timeout_ms,
                                              redirect_target, redirect_status, redirect_keep_path, pass_host,
                                              http2, forwarded_header,
                                              access_list_id, rate_limit_requests, rate_limit_period_seconds,
                                              rate_limit_burst, block_exploits, max_body_bytes, max_header_bytes,
                                              max_url_length)
                            VALUES (:backendId, :enabled, :now, :now, :certificateId, :forceHttps,
                                    :hstsMaxAgeSeconds, :hstsIncludeSubDomains, :hstsPreload,
                                    :websockets, :websocketIdleTimeoutMs,
                                    :redirectTarget, :redirectStatus, :redirectKeepPath, :passHost,
                                    :http2, :forwardedHeader,
                                    :accessListId, :rateLimitRequests, :rateLimitPeriodSeconds,
                                    :rateLimitBurst, :blockExploits, :maxBodyBytes, :maxHeaderBytes,
                                    :maxUrlLength)"""), tlsSettings),
                            websocketSettings), backendId, redirect), policySettings)
                    .param("passHost", headerSettings.passHost())
                    .param("forwardedHeader", headerSettings.forwardedHeader())
                    .param("enabled", enabled)
                    .param("now", JdbcSupport.toDatabase(now)));
            insertHostnames(id, normalized);
            insertHeaderRules(id, headerSettings);
            return new Site(id, normalized, backendId, enabled, now, now, tlsSettings, websocketSettings, redirect,
                    headerSettings, policySettings);
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
        return write(id, normalizeAll(hostnames), backendId, null, enabled, null, null, null, null);
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
        return write(id, normalized, backendId, null, enabled, tls == null ? SiteTls.NONE : tls, null, null, null);
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
        return write(id, normalized, backendId, null, enabled, tls == null ? SiteTls.NONE : tls,
                websockets == null ? SiteWebsockets.OFF : websockets, null, null);
    }

    /**
     * Replaces everything about a site but its id, creation time and policies, atomically: hostnames,
     * backend or redirect, enabled flag, TLS, WebSocket and header settings.
     *
     * @param backendId null exactly when {@code redirect} is set
     * @param tls null is read as {@link SiteTls#NONE}
     * @param websockets null is read as {@link SiteWebsockets#OFF}
     * @param redirect null for a forwarding site
     * @param headers null is read as {@link SiteHeaders#DEFAULT}
     * @return the updated site, or empty if there is no site with this id
     * @throws org.springframework.dao.DuplicateKeyException if a hostname is used by another site or twice in the list
     * @throws org.springframework.dao.DataIntegrityViolationException as {@link #insert(List, Long, boolean, SiteTls,
     *     SiteWebsockets, SiteRedirect, SiteHeaders)}
     */
    public Optional<Site> update(long id, List<String> hostnames, Long backendId, boolean enabled, SiteTls tls,
                                 SiteWebsockets websockets, SiteRedirect redirect, SiteHeaders headers) {
        List<String> normalized = normalizeAll(hostnames);
        return write(id, normalized, backendId, redirect, enabled, tls == null ? SiteTls.NONE : tls,
                websockets == null ? SiteWebsockets.OFF : websockets, headers == null ? SiteHeaders.DEFAULT : headers,
                null);
    }

    /**
     * Replaces everything about a site but its id and creation time, atomically, policies included.
     *
     * @param policies null is read as {@link SitePolicies#DEFAULT}
     * @return the updated site, or empty if there is no site with this id
     * @throws org.springframework.dao.DataIntegrityViolationException as {@link #insert(List, Long, boolean, SiteTls,
     *     SiteWebsockets, SiteRedirect, SiteHeaders, SitePolicies)}
     * @see #update(long, List, Long, boolean, SiteTls, SiteWebsockets, SiteRedirect, SiteHeaders)
     */
    public Optional<Site> update(long id, List<String> hostnames, Long backendId, boolean enabled, SiteTls tls,
                                 SiteWebsockets websockets, SiteRedirect redirect, SiteHeaders headers,
                                 SitePolicies policies) {
        List<String> normalized = normalizeAll(hostnames);
        return write(id, normalized, backendId, redirect, enabled, tls == null ? SiteTls.NONE : tls,
                websockets == null ? SiteWebsockets.OFF : websockets, headers == null ? SiteHeaders.DEFAULT : headers,
                policies == null ? SitePolicies.DEFAULT : policies);
    }

    /**
     * The backend and redirect are always replaced: the older overloads give a backend, which makes the
     * site a forwarding one.
     *
     * @param tls the new settings, or null to keep the stored ones
     * @param websockets the new settings, or null to keep the stored ones
     * @param headers the new settings, or null to keep the stored ones
     * @param policies the new settings, or null to keep the stored ones
     */
    private Optional<Site> write(long id, List<String> normalized, Long backendId, SiteRedirect redirect, boolean enabled,
                                 SiteTls tls, SiteWebsockets websockets, SiteHeaders headers, SitePolicies policies) {
        return transactions.execute(status -> {
            JdbcClient.StatementSpec statement = jdbc.sql("UPDATE site SET enabled = :enabled, "
                    + "updated_at = :now" + TARGET_ASSIGNMENTS + (tls == null ? "" : TLS_ASSIGNMENTS)
                    + (websockets == null ? "" : WEBSOCKET_ASSIGNMENTS)
                    + (headers == null ? "" : ", pass_host = :passHost, forwarded_header = :forwardedHeader")
                    + (policies == null ? "" : POLICY_ASSIGNMENTS)
                    + " WHERE id = :id");
            bindTarget(statement, backendId, redirect);
            if (tls != null) {
                bindTls(statement, tls);
            }
            if (websockets != null) {
                bindWebsockets(statement, websockets);
            }
            if (headers != null) {
                statement.param("passHost", headers.passHost()).param("forwardedHeader", headers.forwardedHeader());
            }
            if (policies != null) {
                bindPolicies(statement, policies);
            }
            int updated = statement
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
            if (headers != null) {
                jdbc.sql("DELETE FROM site_header_rule WHERE site_id = :id").param("id", id).update();
                jdbc.sql("DELETE FROM site_trusted_proxy WHERE site_id = :id").param("id", id).update();
                insertHeaderRules(id, headers);
            }
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
                .param("hstsPreload", tls.hstsPreload())
                .param("http2", tls.http2());
    }

    private static JdbcClient.StatementSpec bindWebsockets(JdbcClient.StatementSpec statement, SiteWebsockets websockets) {
        return statement
                .param("websockets", websockets.enabled())
                .param("websocketIdleTimeoutMs", websockets.idleTimeoutMs(), Types.BIGINT);
    }

    private static JdbcClient.StatementSpec bindPolicies(JdbcClient.StatementSpec statement, SitePolicies policies) {
        SitePolicies.SiteRateLimit rate = policies.rateLimit();
        return statement
                .param("accessListId", policies.accessListId(), Types.BIGINT)
                .param("rateLimitRequests", rate == null ? null : rate.requests(), Types.INTEGER)
                .param("rateLimitPeriodSeconds", rate == null ? null : rate.periodSeconds(), Types.INTEGER)
                .param("rateLimitBurst", rate == null ? null : rate.burst(), Types.INTEGER)
                .param("blockExploits", policies.blockExploits())
                .param("maxBodyBytes", policies.maxBodyBytes())
                .param("maxHeaderBytes", policies.maxHeaderBytes())
                .param("maxUrlLength", policies.maxUrlLength());
    }

    private static JdbcClient.StatementSpec bindTarget(JdbcClient.StatementSpec statement, Long backendId,
                                                       SiteRedirect redirect) {
        return statement
                .param("backendId", backendId, Types.BIGINT)
                .param("redirectTarget", redirect == null ? null : redirect.target(), Types.VARCHAR)
                .param("redirectStatus", redirect == null ? null : redirect.status(), Types.INTEGER)
                .param("redirectKeepPath", redirect == null ? null : redirect.keepPath(), Types.BOOLEAN);
    }

    /** The rules and the trusted proxies: both are part of the header policy and written with it. */
    private void insertHeaderRules(long siteId, SiteHeaders headers) {
        insertHeaderRules(siteId, REQUEST, headers.request());
        insertHeaderRules(siteId, RESPONSE, headers.response());
        List<String> proxies = headers.trustedProxies();
        for (int position = 0; position < proxies.size(); position++) {
            jdbc.sql("INSERT INTO site_trusted_proxy (site_id, position, address) VALUES (:siteId, :position, :address)")
                    .param("siteId", siteId)
                    .param("position", position)
                    .param("address", proxies.get(position))
                    .update();
        }
    }

    private void insertHeaderRules(long siteId, String direction, List<SiteHeaders.Rule> rules) {
        for (int position = 0; position < rules.size(); position++) {
            SiteHeaders.Rule rule = rules.get(position);
            jdbc.sql("""
                            INSERT INTO site_header_rule (site_id, direction, position, action, header_name, header_value)
                            VALUES (:siteId, :direction, :position, :action, :name, :value)""")
                    .param("siteId", siteId)
                    .param("direction", direction)
                    .param("position", position)
                    .param("action", rule.action())
                    .param("name", rule.name())
                    .param("value", rule.value(), Types.VARCHAR)
                    .update();
        }
    }

    /**
     * The sites the statement selects, with their header rules and trusted proxies. The queries run in
     * one transaction, so a site is not seen with the rules of a later write.
     */
    private List<Site> read(JdbcClient.StatementSpec statement) {
        return transactions.execute(status -> {
            List<Site> found = statement.query(SiteRepository::collect);
            if (found.isEmpty()) {
                return found;
            }
            Map<Long, List<SiteHeaders.Rule>> request = new HashMap<>();
            Map<Long, List<SiteHeaders.Rule>> response = new HashMap<>();
            jdbc.sql("""
                            SELECT site_id, direction, action, header_name, header_value FROM site_header_rule
                            WHERE site_id IN (:ids) ORDER BY site_id, direction, position""")
                    .param("ids", found.stream().map(Site::id).toList())
                    .query(rs -> {
                        Map<Long, List<SiteHeaders.Rule>> target = REQUEST.equals(rs.getString("direction")) ? request : response;
                        target.computeIfAbsent(rs.getLong("site_id"), key -> new ArrayList<>()).add(new SiteHeaders.Rule(
                                rs.getString("action"), rs.getString("header_name"), rs.getString("header_value")));
                    });
            Map<Long, List<String>> proxies = new HashMap<>();
            jdbc.sql("""
                            SELECT site_id, address FROM site_trusted_proxy
                            WHERE site_id IN (:ids) ORDER BY site_id, position""")
                    .param("ids", found.stream().map(Site::id).toList())
                    .query(rs -> {
                        proxies.computeIfAbsent(rs.getLong("site_id"), key -> new ArrayList<>()).add(rs.getString("address"));
                    });
            return found.stream().map(site -> new Site(site.id(), site.hostnames(), site.backendId(), site.enabled(),
                    site.createdAt(), site.updatedAt(), site.tls(), site.websockets(), site.redirect(),
                    new SiteHeaders(site.headers().passHost(), request.get(site.id()), response.get(site.id()),
                            proxies.get(site.id()), site.headers().forwardedHeader()), site.policies()))
                    .toList();
        });
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
                current = new SiteBuilder(id, nullableLong(rs, "backend_id"), rs.getBoolean("enabled"),
                        JdbcSupport.instant(rs, "created_at"), JdbcSupport.instant(rs, "updated_at"), tls(rs),
                        websockets(rs), redirect(rs), rs.getBoolean("pass_host"), rs.getBoolean("forwarded_header"),
                        policies(rs));
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

    private static SiteRedirect redirect(ResultSet rs) throws SQLException {
        String target = rs.getString("redirect_target");
        return target == null ? null
                : new SiteRedirect(target, rs.getInt("redirect_status"), rs.getBoolean("redirect_keep_path"));
    }

    private static SitePolicies policies(ResultSet rs) throws SQLException {
        int requests = rs.getInt("rate_limit_requests");
        SitePolicies.SiteRateLimit rate = rs.wasNull() ? null
                : new SitePolicies.SiteRateLimit(requests, rs.getInt("rate_limit_period_seconds"), rs.getInt("rate_limit_burst"));
        return new SitePolicies(nullableLong(rs, "access_list_id"), rate, rs.getBoolean("block_exploits"),
                rs.getLong("max_body_bytes"), rs.getInt("max_header_bytes"), rs.getInt("max_url_length"));
    }

    private static SiteWebsockets websockets(ResultSet rs) throws SQLException {
        return new SiteWebsockets(rs.getBoolean("websockets"), nullableLong(rs, "websocket_idle_timeout_ms"));
    }

    private static SiteTls tls(ResultSet rs) throws SQLException {
        return new SiteTls(nullableLong(rs, "certificate_id"), rs.getBoolean("force_https"),
                nullableLong(rs, "hsts_max_age_seconds"), rs.getBoolean("hsts_include_subdomains"), rs.getBoolean("hsts_preload"),
                rs.getBoolean("http2"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static final class SiteBuilder {
        final long id;
        final Long backendId;
        final boolean enabled;
        final Instant createdAt;
        final Instant updatedAt;
        final SiteTls tls;
        final SiteWebsockets websockets;
        final SiteRedirect redirect;
        final boolean passHost;
        final boolean forwardedHeader;
        final SitePolicies policies;
        final List<String> hostnames = new ArrayList<>();

        SiteBuilder(long id, Long backendId, boolean enabled, Instant createdAt, Instant updatedAt, SiteTls tls,
                    SiteWebsockets websockets, SiteRedirect redirect, boolean passHost, boolean forwardedHeader,
                    SitePolicies policies) {
            this.policies = policies;
            this.redirect = redirect;
            this.passHost = passHost;
            this.forwardedHeader = forwardedHeader;
            this.id = id;
            this.backendId = backendId;
            this.enabled = enabled;
            this.createdAt = createdAt;
            this.updatedAt = updatedAt;
            this.tls = tls;
            this.websockets = websockets;
        }

        Site build() {
            // the header rules and trusted proxies are added by read(), from their own tables
            return new Site(id, hostnames, backendId, enabled, createdAt, updatedAt, tls, websockets, redirect,
                    new SiteHeaders(passHost, List.of(), List.of(), List.of(), forwardedHeader), policies);
        }
    }
}
