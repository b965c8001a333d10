package dev.gatehouse.admin.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.HstsPolicy;
import dev.gatehouse.engine.config.ListenerPolicy;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.engine.config.RateLimitDefinition;
import dev.gatehouse.engine.config.RedirectDefinition;
import dev.gatehouse.engine.config.RequestLimits;
import dev.gatehouse.engine.config.SitePolicies;
import java.time.Duration;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.StdConverter;

/**
 * The stored form of a {@link ConfigSnapshot}: the revision table's JSON. Kept separate from the web
 * layer's JSON settings so that tuning the API never changes what is written to the database.
 * Durations are ISO-8601 strings ({@code "PT5S"}) and policies their engine names
 * ({@code "least-connections"}), so revisions stay readable in a database dump; unknown fields fail
 * the read, so a revision is never half-understood.
 *
 * <p>Revisions written before a field existed still read back: a missing field takes the engine's
 * default, not Java's zero or false. That matters for the values whose default is not 0 or false (a
 * backend's {@code maxRetries}, a server's {@code weight} and {@code verifyTls}, a pool's
 * {@code queueSize}): they are read through the {@link StoredBackend}, {@link StoredServer} and
 * {@link StoredPool} records, whose boxed fields tell "absent" from 0. A site's flags added after the
 * first version ({@code forceHttps}, {@code websockets}, {@code http2}) are read through {@link StoredSite}
 * for the same reason: Jackson refuses a missing primitive rather than guess false; and a header policy's
 * {@code forwardedHeader} through {@link StoredHeaders}. Missing objects (balancing, a backend's protocol,
 * health checks, the connection pool) are null, which the engine's records already read as their
 * defaults; a revision from before TCP streams has no {@code streams} and so runs none, one from before
 * site policies, access lists or the listener policy has none of them (exploit blocking then on, the
 * engine's default).
 *
 * <p>Private keys are never written: a certificate is stored with its name and chain only, and
 * {@link SnapshotBuilder#withPrivateKeys} puts the keys back from the (encrypted) certificate table
 * when a revision is run again. So revision history, exports and database dumps hold no key.
 */
public final class SnapshotJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addMixIn(CertificateDefinition.class, WithoutPrivateKey.class)
            .addMixIn(BackendDefinition.class, ReadAsStoredBackend.class)
            .addMixIn(ServerDefinition.class, ReadAsStoredServer.class)
            .addMixIn(ConnectionPoolDefinition.class, ReadAsStoredPool.class)
            .addMixIn(SiteDefinition.class, ReadAsStoredSite.class)
            .addMixIn(HeaderPolicy.class, ReadAsStoredHeaders.class)
            .addMixIn(SitePolicies.class, ReadAsStoredPolicies.class)
            .addMixIn(ListenerPolicy.class, ReadAsStoredListeners.class)
            .addMixIn(LoadBalancing.class, ByConfigName.class)
            .addMixIn(BackendProtocol.class, ProtocolByConfigName.class)
            .build();

    @JsonIgnoreProperties({"privateKeyPem"})
    private abstract static class WithoutPrivateKey {
    }

    @JsonDeserialize(converter = StoredBackend.ToDefinition.class)
    private abstract static class ReadAsStoredBackend {
    }

    @JsonDeserialize(converter = StoredServer.ToDefinition.class)
    private abstract static class ReadAsStoredServer {
    }

    @JsonDeserialize(converter = StoredPool.ToDefinition.class)
    private abstract static class ReadAsStoredPool {
    }

    @JsonDeserialize(converter = StoredSite.ToDefinition.class)
    private abstract static class ReadAsStoredSite {
    }

    @JsonDeserialize(converter = StoredHeaders.ToDefinition.class)
    private abstract static class ReadAsStoredHeaders {
    }

    @JsonDeserialize(converter = StoredPolicies.ToDefinition.class)
    private abstract static class ReadAsStoredPolicies {
    }

    @JsonDeserialize(converter = StoredListeners.ToDefinition.class)
    private abstract static class ReadAsStoredListeners {
    }

    private abstract static class ByConfigName {

        @JsonValue
        abstract String configName();

        /** Also reads the constant names ({@code LEAST_CONNECTIONS}): fromName accepts both. */
        @JsonCreator
        static LoadBalancing fromName(String name) {
            return LoadBalancing.fromName(name);
        }
    }

    /** Written as {@code http1} or {@code http2}, like the policies. */
    private abstract static class ProtocolByConfigName {

        @JsonValue
        abstract String configName();

        @JsonCreator
        static BackendProtocol fromName(String name) {
            return BackendProtocol.fromName(name);
        }
    }

    /**
     * A backend as stored in any revision; null = not written by the version that stored it. A missing
     * protocol stays null, which BackendDefinition reads as HTTP/1.1: what every backend spoke before.
     */
    record StoredBackend(String name, List<ServerDefinition> servers, Duration connectTimeout, Duration responseTimeout,
                         LoadBalancing balancing, HealthCheckDefinition healthCheck,
                         PassiveHealthDefinition passiveHealth, Integer maxRetries, ConnectionPoolDefinition pool,
                         BackendProtocol protocol) {

        static final class ToDefinition extends StdConverter<StoredBackend, BackendDefinition> {
            @Override
            public BackendDefinition convert(StoredBackend stored) {
                return new BackendDefinition(stored.name(), stored.servers(), stored.connectTimeout(),
                        stored.responseTimeout(), stored.balancing(), stored.healthCheck(), stored.passiveHealth(),
                        stored.maxRetries() == null ? BackendDefinition.DEFAULT_MAX_RETRIES : stored.maxRetries(),
                        stored.pool(), stored.protocol());
            }
        }
    }

    /** A server as stored in any revision; null = not written by the version that stored it. */
    record StoredServer(String host, int port, Integer weight, Boolean backup, Boolean drained, Boolean tls,
                        Boolean verifyTls, String tlsServerName) {

        static final class ToDefinition extends StdConverter<StoredServer, ServerDefinition> {
            @Override
            public ServerDefinition convert(StoredServer stored) {
                // verifyTls defaults to true: a revision from before https servers had no reason to turn it off
                return new ServerDefinition(stored.host(), stored.port(),
                        stored.weight() == null ? ServerDefinition.DEFAULT_WEIGHT : stored.weight(),
                        Boolean.TRUE.equals(stored.backup()), Boolean.TRUE.equals(stored.drained()),
                        Boolean.TRUE.equals(stored.tls()), !Boolean.FALSE.equals(stored.verifyTls()),
                        stored.tlsServerName());
            }
        }
    }

    /** A connection pool as stored in any revision; null = not written by the version that stored it. */
    record StoredPool(Duration idleTimeout, Integer maxConnectionsPerServer, Integer queueSize, Duration queueTimeout) {

        static final class ToDefinition extends StdConverter<StoredPool, ConnectionPoolDefinition> {
            @Override
            public ConnectionPoolDefinition convert(StoredPool stored) {
                return new ConnectionPoolDefinition(stored.idleTimeout(),
                        stored.maxConnectionsPerServer() == null ? 0 : stored.maxConnectionsPerServer(),
                        stored.queueSize() == null ? ConnectionPoolDefinition.DEFAULT_QUEUE_SIZE : stored.queueSize(),
                        stored.queueTimeout());
            }
        }
    }

    /**
     * A site as stored in any revision; null = not written by the version that stored it. {@code enabled}
     * has been written since the first version, so a revision without it is refused, not guessed.
     */
    record StoredSite(String id, List<String> hostnames, boolean enabled, List<RouteDefinition> routes,
                      String certificate, Boolean forceHttps, HstsPolicy hsts, Boolean websockets,
                      Duration websocketIdleTimeout, RedirectDefinition redirect, HeaderPolicy headers, Boolean http2,
                      SitePolicies policies) {

        static final class ToDefinition extends StdConverter<StoredSite, SiteDefinition> {
            @Override
            public SiteDefinition convert(StoredSite stored) {
                // a missing timeout stays null, which SiteDefinition reads as its default (10 minutes);
                // a missing http2 is on, as every site had it before it could be switched off
                return new SiteDefinition(stored.id(), stored.hostnames(), stored.enabled(), stored.routes(),
                        stored.certificate(), Boolean.TRUE.equals(stored.forceHttps()), stored.hsts(),
                        Boolean.TRUE.equals(stored.websockets()), stored.websocketIdleTimeout(), stored.redirect(),
                        stored.headers(), !Boolean.FALSE.equals(stored.http2()), stored.policies());
            }
        }
    }

    /**
     * A site's policies as stored in any revision; null = not written by the version that stored it.
     * A revision from before policies has none (null), which SiteDefinition reads as the default:
     * exploits blocked, nothing else.
     */
    record StoredPolicies(String accessList, RateLimitDefinition rateLimit, Boolean blockExploits, RequestLimits limits) {

        static final class ToDefinition extends StdConverter<StoredPolicies, SitePolicies> {
            @Override
            public SitePolicies convert(StoredPolicies stored) {
                return new SitePolicies(stored.accessList(), stored.rateLimit(), !Boolean.FALSE.equals(stored.blockExploits()),
                        stored.limits());
            }
        }
    }

    /**
     * The listener policy as stored in any revision; null = not written by the version that stored it
     * (the first one had only {@code proxyProtocolFrom}): the engine's defaults then.
     */
    record StoredListeners(List<String> proxyProtocolFrom, Duration headerTimeout, Duration bodyTimeout, Integer minBodyRate,
                           Duration sendTimeout, Integer maxConnections, Integer maxConnectionsPerClient) {

        static final class ToDefinition extends StdConverter<StoredListeners, ListenerPolicy> {
            @Override
            public ListenerPolicy convert(StoredListeners stored) {
                return new ListenerPolicy(stored.proxyProtocolFrom(), stored.headerTimeout(), stored.bodyTimeout(),
                        stored.minBodyRate() == null ? ListenerPolicy.DEFAULT_MIN_BODY_RATE : stored.minBodyRate(),
                        stored.sendTimeout(),
                        stored.maxConnections() == null ? ListenerPolicy.DEFAULT_MAX_CONNECTIONS : stored.maxConnections(),
                        stored.maxConnectionsPerClient() == null
                                ? ListenerPolicy.DEFAULT_MAX_CONNECTIONS_PER_CLIENT : stored.maxConnectionsPerClient());
            }
        }
    }

    /**
     * A header policy as stored in any revision; null = not written by the version that stored it.
     * {@code passHost} has been written since the first version that had policies.
     */
    record StoredHeaders(boolean passHost, List<HeaderPolicy.HeaderRule> request, List<HeaderPolicy.HeaderRule> response,
                         List<String> trustedProxies, Boolean forwardedHeader) {

        static final class ToDefinition extends StdConverter<StoredHeaders, HeaderPolicy> {
            @Override
            public HeaderPolicy convert(StoredHeaders stored) {
                // missing trusted proxies stay null, which HeaderPolicy reads as none
                return new HeaderPolicy(stored.passHost(), stored.request(), stored.response(), stored.trustedProxies(),
                        Boolean.TRUE.equals(stored.forwardedHeader()));
            }
        }
    }

    private SnapshotJson() {
    }

    public static String write(ConfigSnapshot snapshot) {
        return MAPPER.writeValueAsString(snapshot);
    }

    /**
     * @throws IllegalArgumentException naming the revision when the JSON does not describe a snapshot
     */
    public static ConfigSnapshot read(long revision, String json) {
        try {
            ConfigSnapshot snapshot = MAPPER.readValue(json, ConfigSnapshot.class);
            if (snapshot == null) {
                throw new IllegalArgumentException("stored revision " + revision + " is empty");
            }
            return snapshot;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("stored revision " + revision + " is not a readable snapshot: "
                    + e.getOriginalMessage(), e);
        }
    }
}
