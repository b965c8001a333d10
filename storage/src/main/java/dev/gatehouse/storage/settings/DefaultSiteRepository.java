package dev.gatehouse.storage.settings;

import java.sql.Types;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.gatehouse.storage.internal.JdbcSupport;
import dev.gatehouse.storage.site.SiteRedirect;

/**
 * The one stored {@link DefaultSite} (table {@code default_site}, row 1, created by the migration with
 * {@link DefaultSite#DEFAULT}). Each method is one statement, so a write is seen entirely or not at all.
 */
public class DefaultSiteRepository {

    private final JdbcClient jdbc;

    public DefaultSiteRepository(DataSource dataSource) {
        this.jdbc = JdbcSupport.client(dataSource);
    }

    public DefaultSite get() {
        return jdbc.sql("SELECT action, redirect_target, redirect_status, redirect_keep_path FROM default_site WHERE id = 1")
                .query((rs, row) -> {
                    String target = rs.getString("redirect_target");
                    return new DefaultSite(rs.getString("action"), target == null ? null
                            : new SiteRedirect(target, rs.getInt("redirect_status"), rs.getBoolean("redirect_keep_path")));
                })
                .optional()
                // the migration inserts the row and nothing deletes it; a missing row still means the default
                .orElse(DefaultSite.DEFAULT);
    }

    /**
     * Replaces the stored default site.
     *
     * @throws org.springframework.dao.DataIntegrityViolationException if the redirect status is not 301,
     *     302, 307 or 308, or the target is longer than 2048 characters
     */
    public DefaultSite save(DefaultSite defaultSite) {
        SiteRedirect redirect = defaultSite.redirect();
        jdbc.sql("""
                        UPDATE default_site SET action = :action, redirect_target = :target, redirect_status = :status,
                               redirect_keep_path = :keepPath WHERE id = 1""")
                .param("action", defaultSite.action())
                .param("target", redirect == null ? null : redirect.target(), Types.VARCHAR)
                .param("status", redirect == null ? null : redirect.status(), Types.INTEGER)
                .param("keepPath", redirect == null ? null : redirect.keepPath(), Types.BOOLEAN)
                .update();
        return defaultSite;
    }
}
