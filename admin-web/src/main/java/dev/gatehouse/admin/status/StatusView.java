package dev.gatehouse.admin.status;

import java.time.Instant;

/**
 * The appliance at a glance, for the dashboard home and {@code GET /api/v1/status}.
 *
 * @param revision the config revision serving traffic right now (0 before the first apply)
 * @param engineRunning whether the proxy engine is listening
 * @param httpPort the proxy's bound HTTP port, -1 when not listening
 * @param siteCount stored sites, enabled or not
 * @param enabledSiteCount stored sites that route traffic
 * @param backendCount stored backends
 * @param revisionCreatedAt when the live revision was stored; null when it is not in the database
 * @param httpsPort the proxy's bound HTTPS port, -1 when there is no HTTPS listener
 */
public record StatusView(long revision, boolean engineRunning, int httpPort, long siteCount, long enabledSiteCount,
                         long backendCount, Instant revisionCreatedAt, int httpsPort) {

    /** A status without an HTTPS listener. */
    public StatusView(long revision, boolean engineRunning, int httpPort, long siteCount, long enabledSiteCount,
                      long backendCount, Instant revisionCreatedAt) {
        this(revision, engineRunning, httpPort, siteCount, enabledSiteCount, backendCount, revisionCreatedAt, -1);
    }

    /** Whether the engine serves HTTPS (it does once it has its default certificate). */
    public boolean httpsListening() {
        return httpsPort > 0;
    }
}
