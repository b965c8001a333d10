package dev.gatehouse.engine.routing;

import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.balancing.Balancer;
import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.policy.AccessControl;
import dev.gatehouse.engine.policy.PolicyValidation;
import dev.gatehouse.engine.policy.RateLimiter;
import dev.gatehouse.engine.policy.SitePolicy;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.engine.config.DefaultSiteDefinition;
import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.engine.config.ListenerPolicy;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.RedirectDefinition;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.tls.PemCertificates;
import io.netty.util.NetUtil;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Validates a whole {@link ConfigSnapshot} and compiles it into a {@link RoutingTable}.
 *
 * <p>Validation reports every problem, not just the first, each as a {@link ConfigError} naming the
 * object ({@code site 3}, {@code backend app}, or {@code sites[2]} when the object has no usable
 * id), the field ({@code hostnames[1]}, {@code routes[0].backend}, {@code servers[1].port}...) and a
 * sentence with the bad value. Disabled sites are validated like enabled ones but route nothing, and
 * their host names may repeat those of other sites.
 *
 * <p>Certificates ({@code certificate NAME}) must parse and their key must match the leaf. Which host
 * names a certificate covers and its dates are not checked: serving a certificate that does not
 * cover a name is the operator's choice (the dashboard warns about it with friendlier messages).
 */
public final class RoutingTableCompiler {

    /** Backend names: 1-64 of letters, digits, '.', '_' and '-'. */
    public static final Pattern BACKEND_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SERVER_HOST_NAME = Pattern.compile("[A-Za-z0-9._-]{1,253}");

    private RoutingTableCompiler() {
    }

    /** Every problem in the snapshot; empty when it can be compiled. */
    public static List<ConfigError> validate(ConfigSnapshot snapshot) {
        List<ConfigError> errors = new ArrayList<>();
        if (snapshot == null) {
            errors.add(new ConfigError("snapshot", "snapshot", "the configuration snapshot is missing"));
            return errors;
        }
        Set<String> backendNames = validateBackends(snapshot.backends(), errors);
        Set<String> certificateNames = validateCertificates(snapshot.certificates(), errors);
        Set<String> accessListNames = PolicyValidation.validateAccessLists(snapshot.accessLists(), errors);
        validateSites(snapshot.sites(), backendNames, certificateNames, accessListNames, errors);
        if (snapshot.defaultSite().action() == DefaultSiteDefinition.Action.REDIRECT) {
            validateRedirect("default site", "redirect", snapshot.defaultSite().redirect(), errors);
        }
        List<String> proxyProtocolFrom = snapshot.listeners().proxyProtocolFrom();
        for (int i = 0; i < proxyProtocolFrom.size(); i++) {
            String problem = HeaderPolicy.trustedProxyProblem(proxyProtocolFrom.get(i));
            if (problem != null) {
                errors.add(new ConfigError("listeners", "proxyProtocolFrom[" + i + "]", problem));
            }
        }
        ListenerPolicy listeners = snapshot.listeners();
        checkListenerTimeout("headerTimeout", listeners.headerTimeout(), errors);
        checkListenerTimeout("bodyTimeout", listeners.bodyTimeout(), errors);
        checkListenerTimeout("sendTimeout", listeners.sendTimeout(), errors);
        if (listeners.minBodyRate() < 0) {
            errors.add(new ConfigError("listeners", "minBodyRate", "use 0 (off) or a positive number of bytes per second"));
        }
        if (listeners.maxConnections() < 0) {
            errors.add(new ConfigError("listeners", "maxConnections", "use 0 (no limit) or a positive number"));
        }
        if (listeners.maxConnectionsPerClient() < 0) {
            errors.add(new ConfigError("listeners", "maxConnectionsPerClient", "use 0 (no limit) or a positive number"));
        }
        return errors;
    }

    private static void checkListenerTimeout(String field, Duration timeout, List<ConfigError> errors) {
        if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
            errors.add(new ConfigError("listeners", field, "the timeout is between 100 ms and 1 hour"));
        }
    }

    /**
     * Validates and, when valid, compiles. The factory turns each backend definition into its runtime
     * form; it is only called for a valid snapshot, once per backend.
     */
    public static <B> Compilation<B> compile(ConfigSnapshot snapshot, Function<BackendDefinition, B> backendFactory) {
        return compile(snapshot, backendFactory, site -> new RateLimiter(site.policies().rateLimit()));
    }

    /**
     * As {@link #compile(ConfigSnapshot, Function)}, with the rate limiter of each site that has a rate
     * limit from {@code rateLimiters} (so the engine can carry a limiter, and its clients' state, over
     * applies that do not change it).
     */
    public static <B> Compilation<B> compile(ConfigSnapshot snapshot, Function<BackendDefinition, B> backendFactory,
                                             Function<SiteDefinition, RateLimiter> rateLimiters) {
        List<ConfigError> errors = validate(snapshot);
        if (!errors.isEmpty()) {
            return new Compilation<>(null, errors);
        }
        return new Compilation<>(build(snapshot, backendFactory, rateLimiters), List.of());
    }

    /**
     * The outcome of {@link #compile}: a table, or the reasons there is none.
     *
     * @param table the compiled table; null when {@code errors} is not empty
     * @param errors every problem found; empty when {@code table} is set
     */
    public record Compilation<B>(RoutingTable<B> table, List<ConfigError> errors) {
        public Compilation {
            errors = List.copyOf(errors);
        }

        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private static <B> RoutingTable<B> build(ConfigSnapshot snapshot, Function<BackendDefinition, B> backendFactory,
                                             Function<SiteDefinition, RateLimiter> rateLimiters) {
        Map<String, AccessControl> accessLists = new HashMap<>();
        for (AccessListDefinition list : snapshot.accessLists()) {
            accessLists.put(list.name(), new AccessControl(list));
        }
        Map<String, B> backends = new LinkedHashMap<>();
        for (BackendDefinition definition : snapshot.backends()) {
            backends.put(definition.name(), backendFactory.apply(definition));
        }
        Map<String, CompiledSite<B>> exact = new HashMap<>();
        Map<String, CompiledSite<B>> wildcard = new HashMap<>();
        int siteCount = 0;
        for (SiteDefinition site : snapshot.sites()) {
            if (!site.enabled()) {
                continue;
            }
            siteCount++;
            List<Route<B>> routes = new ArrayList<>();
            for (RouteDefinition route : site.routes()) {
                routes.add(new Route<>(site.id(), route.pathPrefix(), backends.get(route.backend())));
            }
            CompiledSite<B> compiled = new CompiledSite<>(site.id(), routes, site.certificate(), site.forceHttps(),
                    site.hsts() == null ? null : site.hsts().headerValue(),
                    site.websockets() ? Math.max(1, site.websocketIdleTimeout().toNanos()) : 0, site.redirect(),
                    site.headers(), SitePolicy.of(site.policies(),
                            site.policies().accessList() == null ? null : accessLists.get(site.policies().accessList()),
                            site.policies().rateLimit() == null ? null : rateLimiters.apply(site)));
            for (String hostname : site.hostnames()) {
                String name = hostname.toLowerCase(Locale.ROOT);
                if (HostNames.isWildcard(name)) {
                    wildcard.put(name.substring(2), compiled);
                } else {
                    exact.put(name, compiled);
                }
            }
        }
        return new RoutingTable<>(snapshot.revision(), exact, wildcard, backends, siteCount, snapshot.defaultSite());
    }

    private static Set<String> validateBackends(List<BackendDefinition> backends, List<ConfigError> errors) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < backends.size(); i++) {
            BackendDefinition backend = backends.get(i);
            String name = backend.name();
            String object;
            if (name == null || !BACKEND_NAME.matcher(name).matches()) {
                object = "backends[" + i + "]";
                errors.add(new ConfigError(object, "name", name == null
                        ? "backend name is missing"
                        : "backend name '" + name + "' is not allowed; use 1-64 letters, digits, '.', '_' or '-'"));
            } else {
                object = "backend " + name;
                if (!names.add(name)) {
                    errors.add(new ConfigError(object, "name", "backend name '" + name + "' is used by more than one backend"));
                }
            }
            validateServers(object, backend.servers(), errors);
            validateTimeout(object, "connectTimeout", backend.connectTimeout(), errors);
            validateTimeout(object, "responseTimeout", backend.responseTimeout(), errors);
            validateBalancing(object, backend, errors);
        }
        return names;
    }

    private static void validateBalancing(String object, BackendDefinition backend, List<ConfigError> errors) {
        List<ServerDefinition> servers = backend.servers();
        if (servers.size() > Balancer.MAX_SERVERS) {
            errors.add(new ConfigError(object, "servers", "a backend has at most " + Balancer.MAX_SERVERS
                    + " servers, this one has " + servers.size()));
        }
        if (!servers.isEmpty() && servers.stream().allMatch(ServerDefinition::backup)) {
            errors.add(new ConfigError(object, "servers", "a backend needs at least one server that is not a backup"));
        }
        Set<String> addresses = new HashSet<>();
        for (int i = 0; i < servers.size(); i++) {
            ServerDefinition server = servers.get(i);
            if (server.weight() < 1 || server.weight() > ServerDefinition.MAX_WEIGHT) {
                errors.add(new ConfigError(object, "servers[" + i + "].weight", "weight " + server.weight()
                        + " is out of range; weights are 1-" + ServerDefinition.MAX_WEIGHT));
            }
            if (server.host() != null && !addresses.add(server.address())) {
                errors.add(new ConfigError(object, "servers[" + i + "]", "server " + server.address() + " is listed twice"));
            }
            String tlsName = server.tlsServerName();
            if (tlsName != null && !tlsName.isEmpty()) {
                if (!server.tls()) {
                    errors.add(new ConfigError(object, "servers[" + i + "].tlsServerName",
                            "a TLS server name only applies to an https server"));
                } else if (tlsName.length() > 253 || !SERVER_HOST_NAME.matcher(tlsName).matches()) {
                    errors.add(new ConfigError(object, "servers[" + i + "].tlsServerName",
                            "TLS server name '" + tlsName + "' is not a host name"));
                }
            }
        }
        if (backend.maxRetries() < 0 || backend.maxRetries() > BackendDefinition.MAX_RETRIES) {
            errors.add(new ConfigError(object, "maxRetries", "maxRetries " + backend.maxRetries()
                    + " is out of range; use 0-" + BackendDefinition.MAX_RETRIES));
        }
        ConnectionPoolDefinition pool = backend.pool();
        validateTimeout(object, "pool.idleTimeout", pool.idleTimeout(), errors);
        validateTimeout(object, "pool.queueTimeout", pool.queueTimeout(), errors);
        if (pool.maxConnectionsPerServer() < 0) {
            errors.add(new ConfigError(object, "pool.maxConnectionsPerServer",
                    "maxConnectionsPerServer must be 0 (no limit) or more, was " + pool.maxConnectionsPerServer()));
        }
        if (pool.queueSize() < 0) {
            errors.add(new ConfigError(object, "pool.queueSize", "queueSize must be 0 or more, was " + pool.queueSize()));
        }
        PassiveHealthDefinition passive = backend.passiveHealth();
        if (passive.maxFailures() < 0) {
            errors.add(new ConfigError(object, "passiveHealth.maxFailures", "maxFailures must be 0 (off) or more, was "
                    + passive.maxFailures()));
        }
        validateTimeout(object, "passiveHealth.ejectFor", passive.ejectFor(), errors);
        HealthCheckDefinition check = backend.healthCheck();
        if (check != null) {
            if (!check.path().startsWith("/") || check.path().chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                errors.add(new ConfigError(object, "healthCheck.path", "health check path '" + check.path()
                        + "' must start with '/' and contain no spaces or control characters"));
            }
            validateTimeout(object, "healthCheck.interval", check.interval(), errors);
            validateTimeout(object, "healthCheck.timeout", check.timeout(), errors);
            if (check.timeout().compareTo(check.interval()) >= 0) {
                errors.add(new ConfigError(object, "healthCheck.timeout", "the check timeout (" + check.timeout().toMillis()
                        + " ms) must be shorter than its interval (" + check.interval().toMillis() + " ms)"));
            }
            if (check.expectedStatusMin() < 100 || check.expectedStatusMax() > 599
                    || check.expectedStatusMin() > check.expectedStatusMax()) {
                errors.add(new ConfigError(object, "healthCheck.expectedStatus", "expected status "
                        + check.expectedStatusMin() + "-" + check.expectedStatusMax() + " is not a range within 100-599"));
            }
            if (check.healthyThreshold() < 1 || check.unhealthyThreshold() < 1) {
                errors.add(new ConfigError(object, "healthCheck.thresholds", "healthy and unhealthy thresholds must be 1 or more"));
            }
        }
    }

    private static void validateServers(String object, List<ServerDefinition> servers, List<ConfigError> errors) {
        if (servers.isEmpty()) {
            errors.add(new ConfigError(object, "servers", "a backend needs at least one server (host:port)"));
            return;
        }
        for (int i = 0; i < servers.size(); i++) {
            ServerDefinition server = servers.get(i);
            String field = "servers[" + i + "]";
            String hostProblem = serverHostProblem(server.host());
            if (hostProblem != null) {
                errors.add(new ConfigError(object, field + ".host", hostProblem));
            }
            if (server.port() < 1 || server.port() > 65535) {
                errors.add(new ConfigError(object, field + ".port",
                        "port " + server.port() + " is out of range; ports are 1-65535"));
            }
        }
    }

    private static String serverHostProblem(String host) {
        if (host == null || host.isEmpty()) {
            return "server host is missing";
        }
        if (host.indexOf(':') >= 0) {
            return NetUtil.isValidIpV6Address(host) ? null
                    : "server host '" + host + "' is not a host name, IPv4 or IPv6 address";
        }
        return SERVER_HOST_NAME.matcher(host).matches() ? null
                : "server host '" + host + "' is not a host name or IP address";
    }

    private static void validateTimeout(String object, String field, Duration timeout, List<ConfigError> errors) {
        if (timeout.isZero() || timeout.isNegative()) {
            errors.add(new ConfigError(object, field, field + " must be more than zero, was " + timeout));
        }
    }

    private static Set<String> validateCertificates(List<CertificateDefinition> certificates, List<ConfigError> errors) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < certificates.size(); i++) {
            CertificateDefinition certificate = certificates.get(i);
            if (certificate == null) {
                errors.add(new ConfigError("certificates[" + i + "]", "certificates", "certificate is missing"));
                continue;
            }
            String name = certificate.name();
            String object;
            if (name == null || name.isBlank()) {
                object = "certificates[" + i + "]";
                errors.add(new ConfigError(object, "name", "certificate name is missing"));
            } else {
                object = "certificate " + name;
                if (!names.add(name)) {
                    errors.add(new ConfigError(object, "name", "certificate name '" + name
                            + "' is used by more than one certificate"));
                }
            }
            validateCertificatePem(object, certificate, errors);
        }
        return names;
    }

    private static void validateCertificatePem(String object, CertificateDefinition certificate, List<ConfigError> errors) {
        X509Certificate leaf = null;
        PrivateKey key = null;
        try {
            leaf = PemCertificates.parseChain(certificate.certificateChainPem()).get(0);
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigError(object, "certificateChainPem", e.getMessage()));
        }
        try {
            key = PemCertificates.parsePrivateKey(certificate.privateKeyPem());
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigError(object, "privateKeyPem", e.getMessage()));
        }
        if (leaf != null && key != null) {
            try {
                PemCertificates.checkKeyMatches(key, leaf);
            } catch (IllegalArgumentException e) {
                errors.add(new ConfigError(object, "privateKeyPem", e.getMessage()));
            }
        }
    }

    private static void validateSites(List<SiteDefinition> sites, Set<String> backendNames, Set<String> certificateNames,
                                      Set<String> accessListNames, List<ConfigError> errors) {
        Set<String> siteIds = new HashSet<>();
        Map<String, String> enabledOwnerOfHostname = new HashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            SiteDefinition site = sites.get(i);
            String object;
            if (site.id() == null || site.id().isBlank()) {
                object = "sites[" + i + "]";
                errors.add(new ConfigError(object, "id", "site id is missing"));
            } else {
                object = "site " + site.id();
                if (!siteIds.add(site.id())) {
                    errors.add(new ConfigError(object, "id", "site id '" + site.id() + "' is used by more than one site"));
                }
            }
            validateHostnames(object, site, enabledOwnerOfHostname, errors);
            validateHeaderRules(object, "headers.request", site.headers().request(), errors);
            validateHeaderRules(object, "headers.response", site.headers().response(), errors);
            List<String> trusted = site.headers().trustedProxies();
            for (int t = 0; t < trusted.size(); t++) {
                String problem = HeaderPolicy.trustedProxyProblem(trusted.get(t));
                if (problem != null) {
                    errors.add(new ConfigError(object, "headers.trustedProxies[" + t + "]", problem));
                }
            }
            if (site.redirect() == null) {
                validateRoutes(object, site.routes(), backendNames, errors);
            } else {
                validateRedirect(object, "redirect", site.redirect(), errors);
                if (!site.routes().isEmpty()) {
                    errors.add(new ConfigError(object, "routes", "a redirecting site forwards nothing: it has no routes"));
                }
            }
            validateTls(object, site, certificateNames, errors);
            PolicyValidation.validateSitePolicies(object, site.policies(), accessListNames, errors);
        }
    }

    private static void validateHeaderRules(String object, String field, List<HeaderPolicy.HeaderRule> rules,
                                            List<ConfigError> errors) {
        for (int i = 0; i < rules.size(); i++) {
            String problem = rules.get(i) == null ? "the header rule is missing" : rules.get(i).problem();
            if (problem != null) {
                errors.add(new ConfigError(object, field + "[" + i + "]", problem));
            }
        }
    }

    private static void validateRedirect(String object, String field, RedirectDefinition redirect, List<ConfigError> errors) {
        String problem = redirect == null ? "the redirect is missing" : redirect.targetProblem();
        if (problem != null) {
            errors.add(new ConfigError(object, field + ".target", problem));
        }
        if (redirect != null && !RedirectDefinition.STATUSES.contains(redirect.status())) {
            errors.add(new ConfigError(object, field + ".status", "redirect status " + redirect.status()
                    + " is not one of 301, 302, 307, 308"));
        }
    }

    private static void validateTls(String object, SiteDefinition site, Set<String> certificateNames, List<ConfigError> errors) {
        String certificate = site.certificate();
        if (certificate != null) {
            if (!certificateNames.contains(certificate)) {
                errors.add(new ConfigError(object, "certificate", "no certificate named '" + certificate + "'"));
            }
            return;
        }
        // Without a certificate of its own the site's HTTPS would be the default certificate's
        // warning page: redirecting there, or pinning browsers to it with HSTS, would lock users out.
        if (site.forceHttps()) {
            errors.add(new ConfigError(object, "forceHttps", "force HTTPS needs a certificate on the site"));
        }
        if (site.hsts() != null) {
            errors.add(new ConfigError(object, "hsts", "HSTS needs a certificate on the site"));
        }
    }

    private static void validateHostnames(String object, SiteDefinition site, Map<String, String> enabledOwnerOfHostname,
                                          List<ConfigError> errors) {
        List<String> hostnames = site.hostnames();
        if (hostnames.isEmpty()) {
            errors.add(new ConfigError(object, "hostnames", "a site needs at least one host name"));
            return;
        }
        Set<String> inThisSite = new HashSet<>();
        for (int i = 0; i < hostnames.size(); i++) {
            String field = "hostnames[" + i + "]";
            String hostname = hostnames.get(i).toLowerCase(Locale.ROOT);
            String problem = HostNames.problemWith(hostname);
            if (problem != null) {
                errors.add(new ConfigError(object, field, problem));
                continue;
            }
            if (!inThisSite.add(hostname)) {
                errors.add(new ConfigError(object, field, "'" + hostname + "' is listed twice in this site"));
                continue;
            }
            if (site.enabled()) {
                String owner = enabledOwnerOfHostname.putIfAbsent(hostname, object);
                if (owner != null) {
                    errors.add(new ConfigError(object, field, "'" + hostname + "' is already used by " + owner));
                }
            }
        }
    }

    private static void validateRoutes(String object, List<RouteDefinition> routes, Set<String> backendNames,
                                       List<ConfigError> errors) {
        if (routes.isEmpty()) {
            errors.add(new ConfigError(object, "routes", "a site needs at least one route, e.g. / to a backend"));
            return;
        }
        Set<String> prefixes = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            String field = "routes[" + i + "]";
            RouteDefinition route = routes.get(i);
            String prefixProblem = PathPrefix.problemWith(route.pathPrefix());
            if (prefixProblem != null) {
                errors.add(new ConfigError(object, field + ".pathPrefix", prefixProblem));
            } else if (!prefixes.add(route.pathPrefix())) {
                errors.add(new ConfigError(object, field + ".pathPrefix",
                        "path prefix '" + route.pathPrefix() + "' is listed twice in this site"));
            }
            String backend = route.backend();
            if (backend == null || backend.isEmpty()) {
                errors.add(new ConfigError(object, field + ".backend", "backend is missing; pick the backend this route goes to"));
            } else if (!backendNames.contains(backend)) {
                errors.add(new ConfigError(object, field + ".backend", "backend '" + backend + "' does not exist"));
            }
        }
    }
}
