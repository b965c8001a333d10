package dev.gatehouse.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How the engine listens and runs. Immutable and fluent: every setter validates its argument and
 * returns a copy, so one instance can be shared and tweaked safely.
 *
 * <p>Defaults ({@link #defaults()}): host {@code 0.0.0.0}, httpPort 8080, eventLoopThreads = the
 * number of available processors, shutdownGrace 10 seconds.
 */
public final class EngineSettings {

    /** Default {@link #host()}: every IPv4 interface. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** Default {@link #httpPort()}. */
    public static final int DEFAULT_HTTP_PORT = 8080;
    /** Default {@link #shutdownGrace()}: how long {@code close()} waits for in-flight requests. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
    /** Upper bound for {@link #eventLoopThreads()}: more loops than this only cost memory. */
    public static final int MAX_EVENT_LOOP_THREADS = 1024;

    private final String host;
    private final int httpPort;
    private final int eventLoopThreads;
    private final Duration shutdownGrace;

    private EngineSettings(String host, int httpPort, int eventLoopThreads, Duration shutdownGrace) {
        this.host = host;
        this.httpPort = httpPort;
        this.eventLoopThreads = eventLoopThreads;
        this.shutdownGrace = shutdownGrace;
    }

    /**
     * Host {@code 0.0.0.0}, port 8080, one event loop per available processor (reactor-netty's own
     * default of at least 4 made p99 latency several times worse on small machines), 10 s grace.
     */
    public static EngineSettings defaults() {
        return new EngineSettings(DEFAULT_HOST, DEFAULT_HTTP_PORT,
                Runtime.getRuntime().availableProcessors(), DEFAULT_SHUTDOWN_GRACE);
    }

    /** The address to bind, e.g. {@code 0.0.0.0}, {@code 127.0.0.1} or {@code ::}. Default {@code 0.0.0.0}. */
    public EngineSettings host(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty; use 0.0.0.0 to listen on every interface");
        }
        String trimmed = host.trim();
        if (trimmed.chars().anyMatch(c -> c <= ' ' || c == '/')) {
            throw new IllegalArgumentException("host '" + host + "' is not an address or host name");
        }
        return new EngineSettings(trimmed, httpPort, eventLoopThreads, shutdownGrace);
    }

    /** The HTTP port, 1-65535, or 0 for an ephemeral port (tests). Default 8080. */
    public EngineSettings httpPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("httpPort " + port + " is out of range; ports are 1-65535 (0 = any free port)");
        }
        return new EngineSettings(host, port, eventLoopThreads, shutdownGrace);
    }

    /** Event-loop threads shared by the listener and the backend connections. Default: available processors. */
    public EngineSettings eventLoopThreads(int n) {
        if (n < 1 || n > MAX_EVENT_LOOP_THREADS) {
            throw new IllegalArgumentException("eventLoopThreads " + n + " is out of range; expected 1-" + MAX_EVENT_LOOP_THREADS);
        }
        return new EngineSettings(host, httpPort, n, shutdownGrace);
    }

    /** How long {@code close()} lets in-flight requests finish. Zero or more. Default 10 seconds. */
    public EngineSettings shutdownGrace(Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace " + d + " must be zero or more");
        }
        return new EngineSettings(host, httpPort, eventLoopThreads, d);
    }

    public String host() {
        return host;
    }

    public int httpPort() {
        return httpPort;
    }

    public int eventLoopThreads() {
        return eventLoopThreads;
    }

    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EngineSettings that && host.equals(that.host) && httpPort == that.httpPort
                && eventLoopThreads == that.eventLoopThreads && shutdownGrace.equals(that.shutdownGrace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, httpPort, eventLoopThreads, shutdownGrace);
    }

    @Override
    public String toString() {
        return "EngineSettings[host=" + host + ", httpPort=" + httpPort + ", eventLoopThreads=" + eventLoopThreads
                + ", shutdownGrace=" + shutdownGrace + "]";
    }
}
