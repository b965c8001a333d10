package dev.gatehouse.admin.config;

import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.engine.config.DefaultSiteDefinition;
import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.engine.config.HeaderPolicy.HeaderRule;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.RedirectDefinition;
import dev.gatehouse.engine.config.HstsPolicy;
import dev.gatehouse.engine.config.ListenerPolicy;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.RateLimitDefinition;
import dev.gatehouse.engine.config.RequestLimits;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.config.StreamDefinition;
import dev.gatehouse.storage.accesslist.AccessList;
import dev.gatehouse.storage.accesslist.AccessListRepository;
import dev.gatehouse.storage.accesslist.AccessListSettings;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendConnectionLimits;
import dev.gatehouse.storage.backend.BackendHealthCheck;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.backend.BackendSettings;
import dev.gatehouse.storage.certificate.CertificateRepository;
import dev.gatehouse.storage.certificate.StoredCertificate;
import dev.gatehouse.storage.settings.DefaultSite;
import dev.gatehouse.storage.settings.DefaultSiteRepository;
import dev.gatehouse.storage.settings.ListenerSettingsRepository;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.site.SiteHeaders;
import dev.gatehouse.storage.site.SitePolicies;
import dev.gatehouse.storage.site.SiteRedirect;
import dev.gatehouse.storage.site.SiteRepository;
import dev.gatehouse.storage.site.SiteTls;
import dev.gatehouse.storage.site.SiteWebsockets;
import dev.gatehouse.storage.stream.StreamRepository;
import dev.gatehouse.storage.stream.StreamSettings;
import dev.gatehouse.storage.stream.TcpStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Builds the complete engine configuration from what is stored. Blocking (JDBC): call it on a
 * bounded-elastic thread, inside the write's transaction so it sees the uncommitted change.
 *
 * <p>Each site becomes one route {@code "/"} to its backend, with its policies (its access list by
 * name); later issues add paths here. Every uploaded certificate is in the snapshot with its private key
 * decrypted (the stored revision JSON leaves keys out: {@link SnapshotJson}); every access list with its
 * users' bcrypt hashes (never a password: none is stored). Output order is the repositories' (backends,
 * certificates and access lists by name, sites by id, streams by port), so the same stored state always
 * gives an equal snapshot.
 */
@Component
public class SnapshotBuilder {

    /** The one route a dashboard site has for now: every path. */
    static final String ROOT_PATH = "/";

    private final BackendRepository backends;
    private final SiteRepository sites;
    private final CertificateRepository certificates;
    private final DefaultSiteRepository defaultSites;
    private final StreamRepository streams;
    private final AccessListRepository accessLists;
    private final ListenerSettingsRepository listeners;

    public SnapshotBuilder(BackendRepository backends, SiteRepository sites, CertificateRepository certificates,
                           DefaultSiteRepository defaultSites, StreamRepository streams, AccessListRepository accessLists,
                           ListenerSettingsRepository listeners) {
        this.backends = backends;
        this.sites = sites;
        this.certificates = certificates;
        this.defaultSites = defaultSites;
        this.streams = streams;
        this.accessLists = accessLists;
        this.listeners = listeners;
    }

    public ConfigSnapshot build(long revision) {
        Map<Long, String> certificateNames = new HashMap<>();
        List<CertificateDefinition> certificateDefinitions = new ArrayList<>();
        for (StoredCertificate certificate : certificates.findAll()) {
            certificateNames.put(certificate.id(), certificate.name());
            certificateDefinitions.add(new CertificateDefinition(certificate.name(), certificate.chainPem(),
                    certificates.privateKeyPem(certificate.id())));
        }
        Map<Long, String> backendNames = new HashMap<>();
        List<BackendDefinition> backendDefinitions = new ArrayList<>();
        for (Backend backend : backends.findAll()) {
            backendNames.put(backend.id(), backend.name());
            backendDefinitions.add(toDefinition(backend));
        }
        Map<Long, String> accessListNames = new HashMap<>();
        List<AccessListDefinition> accessListDefinitions = new ArrayList<>();
        for (AccessList list : accessLists.findAll()) {
            accessListNames.put(list.id(), list.name());
            accessListDefinitions.add(toDefinition(list));
        }
        List<SiteDefinition> siteDefinitions = sites.findAll().stream()
                .map(site -> toDefinition(site, backendNames, certificateNames, accessListNames))
                .toList();
        List<StreamDefinition> streamDefinitions = streams.findAll().stream()
                .map(stream -> toDefinition(stream, backendNames))
                .toList();
        return new ConfigSnapshot(revision, backendDefinitions, siteDefinitions, certificateDefinitions,
                defaultSite(defaultSites.get()), streamDefinitions,
                new ListenerPolicy(listeners.get().proxyProtocolFrom()), accessListDefinitions);
    }

    /**
     * A snapshot read back from a stored revision, with the private keys the stored JSON leaves out
     * put back from the certificate table. A certificate is matched by name and chain, so a key is
     * never paired with a chain it was not stored with.
     *
     * @throws IllegalStateException naming the certificate when its stored chain no longer matches
     */
    public ConfigSnapshot withPrivateKeys(ConfigSnapshot stored) {
        List<CertificateDefinition> complete = new ArrayList<>();
        for (CertificateDefinition definition : stored.certificates()) {
            StoredCertificate certificate = certificates.findByName(definition.name())
                    .filter(found -> found.chainPem().equals(definition.certificateChainPem()))
                    .orElseThrow(() -> new IllegalStateException("revision " + stored.revision() + " uses certificate '"
                            + definition.name() + "', which is no longer stored with that chain"));
            complete.add(new CertificateDefinition(definition.name(), definition.certificateChainPem(),
                    certificates.privateKeyPem(certificate.id())));
        }
        return new ConfigSnapshot(stored.revision(), stored.backends(), stored.sites(), complete, stored.defaultSite(),
                stored.streams(), stored.listeners(), stored.accessLists());
    }

    /**
     * Every stored setting, as the engine's records. A timeout stored as null stays null, which the
     * engine reads as its default; the active health check is only there when a path is stored. An
     * https server's verification flag and TLS name go along; a plain-HTTP server's are the engine's
     * defaults (verify, no name), as stored.
     *
     * @throws IllegalArgumentException when a stored value is one the engine does not know (a policy or
     *     protocol name, or an address the admin app would have refused)
     */
    static BackendDefinition toDefinition(Backend backend) {
        List<ServerDefinition> servers = backend.servers().stream().map(server -> {
            ServerDefinition parsed = ServerDefinition.parse(server.address());
            return new ServerDefinition(parsed.host(), parsed.port(), server.weight(), server.backup(), server.drained(),
                    server.tls(), server.verifyTls(), server.tlsServerName());
        }).toList();
        BackendSettings settings = backend.settings();
        BackendConnectionLimits limits = settings.limits();
        BackendHealthCheck check = settings.healthCheck();
        HealthCheckDefinition healthCheck = check == null ? null : new HealthCheckDefinition(check.path(),
                Duration.ofMillis(check.intervalMs()), Duration.ofMillis(check.timeoutMs()), check.expectedStatusMin(),
                check.expectedStatusMax(), check.healthyThreshold(), check.unhealthyThreshold());
        return new BackendDefinition(backend.name(), servers, millis(settings.connectTimeoutMs()),
                millis(settings.responseTimeoutMs()), LoadBalancing.fromName(settings.balancing()), healthCheck,
                new PassiveHealthDefinition(settings.passiveMaxFailures(), Duration.ofSeconds(settings.passiveEjectSeconds())),
                settings.maxRetries(), new ConnectionPoolDefinition(millis(limits.idleTimeoutMs()),
                        limits.maxConnectionsPerServer(), limits.queueSize(), Duration.ofMillis(limits.queueTimeoutMs())),
                BackendProtocol.fromName(settings.protocol()));
    }

    private static Duration millis(Long millis) {
        return millis == null ? null : Duration.ofMillis(millis);
    }

    /**
     * A stored site without an access list as the engine's record.
     *
     * @see #toDefinition(Site, Map, Map, Map)
     */
    static SiteDefinition toDefinition(Site site, Map<Long, String> backendNames, Map<Long, String> certificateNames) {
        return toDefinition(site, backendNames, certificateNames, Map.of());
    }

    /**
     * A stored site as the engine's record: one route {@code "/"} to its backend, its certificate and access
     * list by name, and its HTTPS (HTTP/2 included), WebSocket, header and policy settings.
     *
     * @throws IllegalStateException when the site refers to a backend, certificate or access list not in the maps
     */
    static SiteDefinition toDefinition(Site site, Map<Long, String> backendNames, Map<Long, String> certificateNames,
                                       Map<Long, String> accessListNames) {
        String backendName = site.backendId() == null ? null : backendNames.get(site.backendId());
        if (site.redirect() == null && backendName == null) {
            // The foreign key makes this impossible; fail loudly rather than route somewhere else.
            throw new IllegalStateException("site " + site.id() + " refers to missing backend " + site.backendId());
        }
        SiteTls tls = site.tls();
        String certificate = null;
        if (tls.certificateId() != null) {
            certificate = certificateNames.get(tls.certificateId());
            if (certificate == null) {
                throw new IllegalStateException("site " + site.id() + " refers to missing certificate " + tls.certificateId());
            }
        }
        HstsPolicy hsts = tls.hstsMaxAgeSeconds() == null ? null
                : new HstsPolicy(tls.hstsMaxAgeSeconds(), tls.hstsIncludeSubDomains(), tls.hstsPreload());
        // A timeout stored as null stays null: the engine's default, so a later change of it reaches the site.
        SiteWebsockets websockets = site.websockets();
        // A redirect site forwards nothing, so it has no route; its certificate and HTTPS settings still
        // apply, so that https://old.example.com redirects without a certificate warning.
        List<RouteDefinition> routes = site.redirect() == null ? List.of(new RouteDefinition(ROOT_PATH, backendName))
                : List.of();
        return new SiteDefinition(String.valueOf(site.id()), site.hostnames(), site.enabled(), routes, certificate,
                tls.forceHttps(), hsts, websockets.enabled(), millis(websockets.idleTimeoutMs()), redirect(site.redirect()),
                headers(site.headers()), tls.http2(), policies(site, accessListNames));
    }

    /** The stored policies; the default ones stay {@code SitePolicies.DEFAULT}, so snapshots compare equal. */
    static dev.gatehouse.engine.config.SitePolicies policies(Site site, Map<Long, String> accessListNames) {
        SitePolicies stored = site.policies();
        String accessList = null;
        if (stored.accessListId() != null) {
            accessList = accessListNames.get(stored.accessListId());
            if (accessList == null) {
                // The foreign key makes this impossible; fail loudly rather than leave the site unguarded.
                throw new IllegalStateException("site " + site.id() + " refers to missing access list "
                        + stored.accessListId());
            }
        }
        SitePolicies.SiteRateLimit rate = stored.rateLimit();
        return new dev.gatehouse.engine.config.SitePolicies(accessList,
                rate == null ? null : new RateLimitDefinition(rate.requests(), Duration.ofSeconds(rate.periodSeconds()),
                        rate.burst()),
                stored.blockExploits(),
                new RequestLimits(stored.maxBodyBytes(), stored.maxHeaderBytes(), stored.maxUrlLength()));
    }

    /** A stored access list as the engine's record: rules in order, users with their bcrypt hashes. */
    static AccessListDefinition toDefinition(AccessList list) {
        AccessListSettings settings = list.settings();
        return new AccessListDefinition(settings.name(),
                settings.rules().stream().map(rule -> new AccessListDefinition.AddressRule(rule.allows(), rule.address()))
                        .toList(),
                settings.users().stream().map(user -> new AccessListDefinition.BasicAuthUser(user.username(),
                        user.passwordHash())).toList(),
                settings.satisfyAll(), settings.realm());
    }

    /**
     * A stored TCP stream as the engine's record, its backend by name. Timeouts stored as null stay
     * null: the engine's idle default and the backend's connect timeout, so later changes of those reach it.
     *
     * @throws IllegalStateException when the stream refers to a backend not in the map
     */
    static StreamDefinition toDefinition(TcpStream stream, Map<Long, String> backendNames) {
        StreamSettings settings = stream.settings();
        String backendName = backendNames.get(settings.backendId());
        if (backendName == null) {
            // The foreign key makes this impossible; fail loudly rather than forward somewhere else.
            throw new IllegalStateException("stream " + stream.id() + " refers to missing backend " + settings.backendId());
        }
        return new StreamDefinition(String.valueOf(stream.id()), settings.listenPort(), settings.bindHost(), backendName,
                settings.enabled(), StreamDefinition.ProxyProtocol.fromName(settings.proxyProtocol()),
                millis(settings.idleTimeoutMs()), millis(settings.connectTimeoutMs()));
    }

    static RedirectDefinition redirect(SiteRedirect redirect) {
        return redirect == null ? null : new RedirectDefinition(redirect.target(), redirect.status(), redirect.keepPath());
    }

    /** The stored policy; the default one stays {@link HeaderPolicy#DEFAULT}, so snapshots compare equal. */
    static HeaderPolicy headers(SiteHeaders headers) {
        if (headers.equals(SiteHeaders.DEFAULT)) {
            return HeaderPolicy.DEFAULT;
        }
        return new HeaderPolicy(headers.passHost(), rules(headers.request()), rules(headers.response()),
                headers.trustedProxies(), headers.forwardedHeader());
    }

    private static List<HeaderRule> rules(List<SiteHeaders.Rule> rules) {
        return rules.stream().map(rule -> new HeaderRule(HeaderRule.Action.valueOf(rule.action().toUpperCase(Locale.ROOT)),
                rule.name(), rule.value())).toList();
    }

    static DefaultSiteDefinition defaultSite(DefaultSite defaultSite) {
        return switch (defaultSite.action()) {
            case DefaultSite.REDIRECT -> DefaultSiteDefinition.redirectTo(redirect(defaultSite.redirect()));
            case DefaultSite.CLOSE -> DefaultSiteDefinition.close();
            default -> DefaultSiteDefinition.NOT_FOUND;
        };
    }
}
