package dev.gatehouse.engine;

import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.tls.PemCertificates;

import java.time.Duration;
import java.util.Objects;

/**
 * How the engine listens and runs. Immutable and fluent: every setter validates its argument and
 * returns a copy, so one instance can be shared and tweaked safely.
 *
 * <p>Defaults ({@link #defaults()}): host {@code 0.0.0.0}, httpPort 8080, eventLoopThreads = the
 * number of available processors, shutdownGrace 10 seconds, httpsPort 8443, no default certificate
 * (so no HTTPS listener), publicHttpsPort 0 (= the bound HTTPS port), tlsProvider AUTO.
 *
 * <p>The HTTPS listener is started if and only if a {@link #defaultCertificate()} is set: it is what
 * clients get when they name no site with a certificate of its own, so there is no HTTPS without it.
 */
public final class EngineSettings {

    /** Default {@link #host()}: every IPv4 interface. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** Default {@link #httpPort()}. */
    public static final int DEFAULT_HTTP_PORT = 8080;
    /** Default {@link #httpsPort()}. */
    public static final int DEFAULT_HTTPS_PORT = 8443;
    /** Default {@link #shutdownGrace()}: how long {@code close()} waits for in-flight requests. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
    /** Upper bound for {@link #eventLoopThreads()}: more loops than this only cost memory. */
    public static final int MAX_EVENT_LOOP_THREADS = 1024;

    /** Which TLS implementation serves HTTPS. */
    public enum TlsProvider {
        /** OpenSSL (BoringSSL from netty-tcnative) when it loads on this machine, else the JDK's. */
        AUTO,
        /** OpenSSL via netty-tcnative: faster handshakes and less garbage; the engine fails to start without it. */
        OPENSSL,
        /** The JDK's own TLS (JSSE): always there. */
        JDK
    }

    private final String host;
    private final int httpPort;
    private final int eventLoopThreads;
    private final Duration shutdownGrace;
    private final int httpsPort;
    private final CertificateDefinition defaultCertificate;
    private final int publicHttpsPort;
    private final TlsProvider tlsProvider;

    private EngineSettings(String host, int httpPort, int eventLoopThreads, Duration shutdownGrace, int httpsPort,
                           CertificateDefinition defaultCertificate, int publicHttpsPort, TlsProvider tlsProvider) {
        this.host = host;
        this.httpPort = httpPort;
        this.eventLoopThreads = eventLoopThreads;
        this.shutdownGrace = shutdownGrace;
        this.httpsPort = httpsPort;
        this.defaultCertificate = defaultCertificate;
        this.publicHttpsPort = publicHttpsPort;
        this.tlsProvider = tlsProvider;
    }

    /**
     * Host {@code 0.0.0.0}, port 8080, one event loop per available processor (reactor-netty's own
     * default of at least 4 made p99 latency several times worse on small machines), 10 s grace,
     * HTTPS port 8443 but no default certificate (so no HTTPS listener), TLS provider AUTO.
     */
    public static EngineSettings defaults() {
        return new EngineSettings(DEFAULT_HOST, DEFAULT_HTTP_PORT, Runtime.getRuntime().availableProcessors(),
                DEFAULT_SHUTDOWN_GRACE, DEFAULT_HTTPS_PORT, null, 0, TlsProvider.AUTO);
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
        return new EngineSettings(trimmed, httpPort, eventLoopThreads, shutdownGrace, httpsPort, defaultCertificate,
                publicHttpsPort, tlsProvider);
    }

    /** The HTTP port, 1-65535, or 0 for an ephemeral port (tests). Default 8080. */
    public EngineSettings httpPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("httpPort " + port + " is out of range; ports are 1-65535 (0 = any free port)");
        }
        return new EngineSettings(host, port, eventLoopThreads, shutdownGrace, httpsPort, defaultCertificate,
                publicHttpsPort, tlsProvider);
    }

    /** Event-loop threads shared by the listeners and the backend connections. Default: available processors. */
    public EngineSettings eventLoopThreads(int n) {
        if (n < 1 || n > MAX_EVENT_LOOP_THREADS) {
            throw new IllegalArgumentException("eventLoopThreads " + n + " is out of range; expected 1-" + MAX_EVENT_LOOP_THREADS);
        }
        return new EngineSettings(host, httpPort, n, shutdownGrace, httpsPort, defaultCertificate, publicHttpsPort,
                tlsProvider);
    }

    /** How long {@code close()} lets in-flight requests finish. Zero or more. Default 10 seconds. */
    public EngineSettings shutdownGrace(Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace " + d + " must be zero or more");
        }
        return new EngineSettings(host, httpPort, eventLoopThreads, d, httpsPort, defaultCertificate, publicHttpsPort,
                tlsProvider);
    }

    /**
     * The HTTPS port, 1-65535, or 0 for an ephemeral port (tests). Default 8443. Only bound when a
     * {@link #defaultCertificate} is set.
     */
    public EngineSettings httpsPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("httpsPort " + port + " is out of range; ports are 1-65535 (0 = any free port)");
        }
        return new EngineSettings(host, httpPort, eventLoopThreads, shutdownGrace, port, defaultCertificate,
                publicHttpsPort, tlsProvider);
    }

    /**
     * The certificate served to HTTPS clients that name no site with a certificate of its own (no SNI,
     * an unknown name, a site without certificate). Default null: no HTTPS listener. Setting one
     * starts the HTTPS listener on {@link #httpsPort()}; null removes it again.
     *
     * @throws IllegalArgumentException when the chain or key does not parse or the key does not
     *     match the certificate (checked here, so a bad default fails before the engine starts)
     */
    public EngineSettings defaultCertificate(CertificateDefinition certificate) {
        if (certificate != null) {
            try {
                PemCertificates.parse(certificate);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("defaultCertificate '" + certificate.name() + "' is not usable: "
                        + e.getMessage(), e);
            }
        }
        return new EngineSettings(host, httpPort, eventLoopThreads, shutdownGrace, httpsPort, certificate,
                publicHttpsPort, tlsProvider);
    }

    /**
     * The HTTPS port clients reach the engine on, written into force-HTTPS redirects, for when a NAT
     * or container maps another port (usually 443) to {@link #httpsPort()}: 1-65535, or 0 for "the
     * bound HTTPS port". Default 0. Port 443 is left out of redirect URLs.
     */
    public EngineSettings publicHttpsPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("publicHttpsPort " + port
                    + " is out of range; ports are 1-65535 (0 = the bound HTTPS port)");
        }
        return new EngineSettings(host, httpPort, eventLoopThreads, shutdownGrace, httpsPort, defaultCertificate, port,
                tlsProvider);
    }

    /**
     * The TLS implementation. Default {@link TlsProvider#AUTO}: OpenSSL when netty-tcnative loads,
     * else the JDK's. {@link TlsProvider#OPENSSL} on a machine without it makes {@code start} fail.
     */
    public EngineSettings tlsProvider(TlsProvider provider) {
        if (provider == null) {
            throw new IllegalArgumentException("tlsProvider must not be null; use AUTO, OPENSSL or JDK");
        }
        return new EngineSettings(host, httpPort, eventLoopThreads, shutdownGrace, httpsPort, defaultCertificate,
                publicHttpsPort, provider);
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

    public int httpsPort() {
        return httpsPort;
    }

    /** The default certificate, or null when there is no HTTPS listener. */
    public CertificateDefinition defaultCertificate() {
        return defaultCertificate;
    }

    public int publicHttpsPort() {
        return publicHttpsPort;
    }

    public TlsProvider tlsProvider() {
        return tlsProvider;
    }

    /** True when {@code start} binds an HTTPS listener: a default certificate is set. */
    public boolean httpsEnabled() {
        return defaultCertificate != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EngineSettings that && host.equals(that.host) && httpPort == that.httpPort
                && eventLoopThreads == that.eventLoopThreads && shutdownGrace.equals(that.shutdownGrace)
                && httpsPort == that.httpsPort && Objects.equals(defaultCertificate, that.defaultCertificate)
                && publicHttpsPort == that.publicHttpsPort && tlsProvider == that.tlsProvider;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, httpPort, eventLoopThreads, shutdownGrace, httpsPort, defaultCertificate,
                publicHttpsPort, tlsProvider);
    }

    /** Every setting; the default certificate by name and chain length only, never its key. */
    @Override
    public String toString() {
        return "EngineSettings[host=" + host + ", httpPort=" + httpPort + ", eventLoopThreads=" + eventLoopThreads
                + ", shutdownGrace=" + shutdownGrace + ", httpsPort=" + httpsPort + ", defaultCertificate="
                + defaultCertificate + ", publicHttpsPort=" + publicHttpsPort + ", tlsProvider=" + tlsProvider + "]";
    }
}
