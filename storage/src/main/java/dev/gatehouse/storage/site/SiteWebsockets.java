package dev.gatehouse.storage.site;

/**
 * The WebSocket settings of a stored site.
 *
 * @param enabled       pass HTTP/1.1 WebSocket upgrades to the backend; default false (the Upgrade
 *                      header is dropped, as for a site stored before sites had this setting)
 * @param idleTimeoutMs an open WebSocket without traffic either way for this long is closed, more than
 *                      0; null (the default) = the engine's default, so a later change of that default
 *                      reaches the site
 */
public record SiteWebsockets(boolean enabled, Long idleTimeoutMs) {

    /** WebSockets off, the engine's idle timeout: a site as it was before it had these settings. */
    public static final SiteWebsockets OFF = new SiteWebsockets(false, null);

    /**
     * @throws IllegalArgumentException if {@code idleTimeoutMs} is 0 or negative
     */
    public SiteWebsockets {
        if (idleTimeoutMs != null && idleTimeoutMs <= 0) {
            throw new IllegalArgumentException("site WebSocket idle timeout must be more than 0 ms, got "
                    + idleTimeoutMs);
        }
    }
}
