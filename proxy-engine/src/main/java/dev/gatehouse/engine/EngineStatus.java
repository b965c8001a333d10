package dev.gatehouse.engine;

/**
 * A point-in-time view of the engine for the dashboard and the status API.
 *
 * @param running true between a successful start and the start of a stop
 * @param liveRevision revision of the snapshot serving traffic (0 before the first apply)
 * @param httpPort the bound HTTP port (the real one when 0 was asked for), -1 when not listening
 * @param siteCount enabled sites in the live table
 * @param backendCount backends in the live table
 * @param httpsPort the bound HTTPS port, -1 when there is no HTTPS listener (no default
 *     certificate) or the engine is not running
 */
public record EngineStatus(boolean running, long liveRevision, int httpPort, int siteCount, int backendCount,
                           int httpsPort) {

    /** A status without HTTPS listener. */
    public EngineStatus(boolean running, long liveRevision, int httpPort, int siteCount, int backendCount) {
        this(running, liveRevision, httpPort, siteCount, backendCount, -1);
    }
}
