package dev.gatehouse.engine.routing;

import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class RoutingTableTest {

    private static final ServerDefinition SERVER = new ServerDefinition("127.0.0.1", 9000);

    private static BackendDefinition backend(String name) {
        return new BackendDefinition(name, List.of(SERVER));
    }

    private static SiteDefinition site(String id, List<String> hostnames, RouteDefinition... routes) {
        return new SiteDefinition(id, hostnames, true, List.of(routes));
    }

    private static RouteDefinition route(String prefix, String backend) {
        return new RouteDefinition(prefix, backend);
    }

    /** Backends are compiled to their names, so lookups are easy to assert. */
    private static final RoutingTable<String> TABLE = compile(new ConfigSnapshot(7,
            List.of(backend("exact"), backend("wild"), backend("deep-wild"), backend("root"), backend("api"),
                    backend("api-v2"), backend("static"), backend("other")),
            List.of(
                    site("1", List.of("app.example.com", "www.app.example.com"), route("/", "exact")),
                    site("2", List.of("*.example.com"), route("/", "wild")),
                    site("3", List.of("*.b.example.com"), route("/", "deep-wild")),
                    site("4", List.of("api.test"), route("/", "root"), route("/api", "api"), route("/api/v2", "api-v2"),
                            route("/static/", "static")),
                    site("5", List.of("only-api.test"), route("/api", "api")),
                    new SiteDefinition("6", List.of("off.example.org", "api.test"), false, List.of(route("/", "other"))))));

    private static RoutingTable<String> compile(ConfigSnapshot snapshot) {
        RoutingTableCompiler.Compilation<String> compilation = RoutingTableCompiler.compile(snapshot, BackendDefinition::name);
        assertThat(compilation.errors()).isEmpty();
        return compilation.table();
    }

    @ParameterizedTest(name = "Host {0} path {1} -> {2}")
    @CsvSource(nullValues = "none", value = {
            // exact beats wildcard
            "app.example.com,      /,          exact",
            "www.app.example.com,  /x,         exact",
            // a wildcard stands for exactly one label
            "x.example.com,        /,          wild",
            "b.example.com,        /,          wild",
            "example.com,          /,          none",
            "x.y.example.com,      /,          none",
            // the most specific wildcard wins
            "x.b.example.com,      /,          deep-wild",
            "x.y.b.example.com,    /,          none",
            // longest path prefix, on segment boundaries
            "api.test,             /,          root",
            "api.test,             /api,       api",
            "api.test,             /api/,      api",
            "api.test,             /api/users, api",
            "api.test,             /apix,      root",
            "api.test,             /api/v2,    api-v2",
            "api.test,             /api/v2/x,  api-v2",
            "api.test,             /api/v20,   api",
            "api.test,             /static,    root",
            "api.test,             /static/a,  static",
            // a site without '/' routes only what its prefixes cover
            "only-api.test,        /api/x,     api",
            "only-api.test,        /other,     none",
            // disabled sites route nothing
            "off.example.org,      /,          none",
            "unknown.test,         /,          none",
    })
    void routesByHostThenLongestPathPrefix(String host, String path, String expectedBackend) {
        Route<String> route = route(TABLE, host, path);
        assertThat(route == null ? null : route.backend()).isEqualTo(expectedBackend);
    }

    @ParameterizedTest(name = "Host header {0} -> {1}")
    @CsvSource(nullValues = "none", value = {
            "APP.Example.COM,         exact",
            "app.example.com:8080,    exact",
            "X.Example.Com:80,        wild",
            "[::1]:8080,              none",
            "[::1],                   none",
    })
    void routesNormalisedHostHeaders(String hostHeader, String expectedBackend) {
        String host = HostNames.fromHostHeader(hostHeader);
        assertThat(host).isNotNull();
        Route<String> route = route(TABLE, host, "/");
        assertThat(route == null ? null : route.backend()).isEqualTo(expectedBackend);
    }

    @Test
    void tellsUnknownHostFromUnroutedPath() {
        assertThat(TABLE.site("only-api.test")).isNotNull();
        assertThat(route(TABLE, "only-api.test", "/other")).isNull();
        assertThat(TABLE.site("nobody.test")).isNull();
        assertThat(TABLE.site("x.example.com").id()).isEqualTo("2");
    }

    @Test
    void countsEnabledSitesAndAllBackends() {
        assertThat(TABLE.revision()).isEqualTo(7);
        assertThat(TABLE.siteCount()).isEqualTo(5);
        assertThat(TABLE.backends()).hasSize(8).containsEntry("api", "api");
        assertThat(RoutingTable.empty().siteCount()).isZero();
        assertThat(RoutingTable.<String>empty().site("a.test")).isNull();
    }

    @Test
    void compilesUpperCaseSiteHostnamesToLowerCase() {
        RoutingTable<String> table = compile(new ConfigSnapshot(1, List.of(backend("b")),
                List.of(site("1", List.of("App.Example.COM"), route("/", "b")))));
        assertThat(route(table, "app.example.com", "/")).isNotNull();
    }

    @Test
    void callsTheBackendFactoryOnlyForValidSnapshotsAndOncePerBackend() {
        List<String> created = new ArrayList<>();
        ConfigSnapshot valid = new ConfigSnapshot(1, List.of(backend("a"), backend("b")),
                List.of(site("1", List.of("a.test"), route("/", "a"), route("/x", "a"))));
        RoutingTableCompiler.compile(valid, definition -> {
            created.add(definition.name());
            return definition.name();
        });
        assertThat(created).containsExactly("a", "b");

        created.clear();
        ConfigSnapshot invalid = new ConfigSnapshot(2, List.of(backend("a")),
                List.of(site("1", List.of("a.test"), route("/", "missing"))));
        RoutingTableCompiler.Compilation<String> result = RoutingTableCompiler.compile(invalid, definition -> {
            created.add(definition.name());
            return definition.name();
        });
        assertThat(result.ok()).isFalse();
        assertThat(result.table()).isNull();
        assertThat(created).isEmpty();
    }

    @Test
    void disabledSitesMayReuseHostnamesOfEnabledOnes() {
        ConfigSnapshot snapshot = new ConfigSnapshot(1, List.of(backend("a")), List.of(
                site("1", List.of("a.test"), route("/", "a")),
                new SiteDefinition("2", List.of("a.test"), false, List.of(route("/", "a"))),
                new SiteDefinition("3", List.of("a.test"), false, List.of(route("/", "a")))));
        assertThat(RoutingTableCompiler.validate(snapshot)).isEmpty();
    }

    @Test
    void reportsEveryErrorNotJustTheFirst() {
        ConfigSnapshot snapshot = new ConfigSnapshot(1,
                List.of(new BackendDefinition("app", List.of()), new BackendDefinition("app", List.of(new ServerDefinition("h", 0)))),
                List.of(site("1", List.of("bad host", "ok.test"), route("api", "nope")),
                        new SiteDefinition("2", List.of("http://x.test"), false, List.of())));
        assertThat(RoutingTableCompiler.validate(snapshot)).extracting(ConfigError::object, ConfigError::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("backend app", "servers"),
                        org.assertj.core.groups.Tuple.tuple("backend app", "name"),
                        org.assertj.core.groups.Tuple.tuple("backend app", "servers[0].port"),
                        org.assertj.core.groups.Tuple.tuple("site 1", "hostnames[0]"),
                        org.assertj.core.groups.Tuple.tuple("site 1", "routes[0].pathPrefix"),
                        org.assertj.core.groups.Tuple.tuple("site 1", "routes[0].backend"),
                        org.assertj.core.groups.Tuple.tuple("site 2", "hostnames[0]"),
                        org.assertj.core.groups.Tuple.tuple("site 2", "routes"));
    }

    // ---- every validation error, one case each: a valid snapshot with one thing broken ----

    private static final BackendDefinition APP = backend("app");

    private static ConfigSnapshot snapshot(List<BackendDefinition> backends, SiteDefinition... sites) {
        return new ConfigSnapshot(1, backends, Arrays.asList(sites));
    }

    private static ConfigSnapshot oneSite(String... hostnames) {
        return snapshot(List.of(APP), site("1", Arrays.asList(hostnames), route("/", "app")));
    }

    private static ConfigSnapshot oneBackend(BackendDefinition backend) {
        return snapshot(Arrays.asList(backend), site("1", List.of("a.test"), route("/", "app")));
    }

    static Stream<Arguments> invalidSnapshots() {
        return Stream.of(
                arguments("scheme in hostname", oneSite("http://a.com"), "site 1", "hostnames[0]",
                        "'http://a.com' must not contain a scheme; enter just the host name, e.g. a.com"),
                arguments("space in hostname", oneSite("ok.test", "a b.com"), "site 1", "hostnames[1]",
                        "'a b.com' must not contain spaces"),
                arguments("port in hostname", oneSite("a.com:8080"), "site 1", "hostnames[0]",
                        "'a.com:8080' must not contain a port; enter just the host name, e.g. a.com (the proxy listens on its own ports)"),
                arguments("path in hostname", oneSite("a.com/x"), "site 1", "hostnames[0]",
                        "'a.com/x' must not contain a path; enter just the host name, e.g. a.com"),
                arguments("too broad wildcard", oneSite("*.com"), "site 1", "hostnames[0]",
                        "'*.com' is too broad; a wildcard needs at least two labels after it, e.g. *.example.com"),
                arguments("inner wildcard", oneSite("a.*.com"), "site 1", "hostnames[0]",
                        "'a.*.com' may only use '*' as the whole first label, e.g. *.example.com"),
                arguments("bad character", oneSite("a_b.com"), "site 1", "hostnames[0]",
                        "'a_b.com' contains '_'; host names use only letters, digits, '-' and '.'"),
                arguments("no hostnames", oneSite(), "site 1", "hostnames", "a site needs at least one host name"),
                arguments("hostname twice in a site", oneSite("a.test", "A.test"), "site 1", "hostnames[1]",
                        "'a.test' is listed twice in this site"),
                arguments("hostname in two enabled sites", snapshot(List.of(APP),
                                site("1", List.of("a.test"), route("/", "app")),
                                site("2", List.of("b.test", "a.test"), route("/", "app"))),
                        "site 2", "hostnames[1]", "'a.test' is already used by site 1"),
                arguments("invalid hostname in a disabled site", snapshot(List.of(APP),
                                new SiteDefinition("1", List.of("bad host"), false, List.of(route("/", "app")))),
                        "site 1", "hostnames[0]", "'bad host' must not contain spaces"),
                arguments("missing site id", snapshot(List.of(APP), site(null, List.of("a.test"), route("/", "app"))),
                        "sites[0]", "id", "site id is missing"),
                arguments("duplicate site id", snapshot(List.of(APP),
                                site("1", List.of("a.test"), route("/", "app")),
                                site("1", List.of("b.test"), route("/", "app"))),
                        "site 1", "id", "site id '1' is used by more than one site"),
                arguments("no routes", snapshot(List.of(APP), site("1", List.of("a.test"))), "site 1", "routes",
                        "a site needs at least one route, e.g. / to a backend"),
                arguments("route to unknown backend", snapshot(List.of(APP), site("1", List.of("a.test"), route("/", "nope"))),
                        "site 1", "routes[0].backend", "backend 'nope' does not exist"),
                arguments("route without backend", snapshot(List.of(APP), site("1", List.of("a.test"), route("/", null))),
                        "site 1", "routes[0].backend", "backend is missing; pick the backend this route goes to"),
                arguments("prefix without slash", snapshot(List.of(APP),
                                site("1", List.of("a.test"), route("/", "app"), route("api", "app"))),
                        "site 1", "routes[1].pathPrefix", "path prefix 'api' must start with '/'"),
                arguments("missing prefix", snapshot(List.of(APP), site("1", List.of("a.test"), route(null, "app"))),
                        "site 1", "routes[0].pathPrefix", "path prefix is missing; use / to match every path"),
                arguments("prefix twice", snapshot(List.of(APP),
                                site("1", List.of("a.test"), route("/x", "app"), route("/x", "app"))),
                        "site 1", "routes[1].pathPrefix", "path prefix '/x' is listed twice in this site"),
                arguments("duplicate backend name", snapshot(List.of(APP, backend("app")),
                                site("1", List.of("a.test"), route("/", "app"))),
                        "backend app", "name", "backend name 'app' is used by more than one backend"),
                arguments("backend without servers", oneBackend(new BackendDefinition("app", List.of())),
                        "backend app", "servers", "a backend needs at least one server (host:port)"),
                arguments("port zero", oneBackend(new BackendDefinition("app", List.of(new ServerDefinition("h", 0)))),
                        "backend app", "servers[0].port", "port 0 is out of range; ports are 1-65535"),
                arguments("port too high", oneBackend(new BackendDefinition("app",
                                List.of(SERVER, new ServerDefinition("h", 99999)))),
                        "backend app", "servers[1].port", "port 99999 is out of range; ports are 1-65535"),
                arguments("bad server host", oneBackend(new BackendDefinition("app", List.of(new ServerDefinition("a b", 80)))),
                        "backend app", "servers[0].host", "server host 'a b' is not a host name or IP address"),
                arguments("bad IPv6 server", oneBackend(new BackendDefinition("app", List.of(new ServerDefinition("::zz", 80)))),
                        "backend app", "servers[0].host", "server host '::zz' is not a host name, IPv4 or IPv6 address"),
                arguments("missing server host", oneBackend(new BackendDefinition("app", List.of(new ServerDefinition(null, 80)))),
                        "backend app", "servers[0].host", "server host is missing"),
                arguments("zero connect timeout", oneBackend(new BackendDefinition("app", List.of(SERVER), Duration.ZERO, null)),
                        "backend app", "connectTimeout", "connectTimeout must be more than zero, was PT0S"),
                arguments("negative response timeout", oneBackend(new BackendDefinition("app", List.of(SERVER), null,
                                Duration.ofSeconds(-1))),
                        "backend app", "responseTimeout", "responseTimeout must be more than zero, was PT-1S"),
                arguments("bad backend name", snapshot(List.of(APP, backend("my app")), site("1", List.of("a.test"), route("/", "app"))),
                        "backends[1]", "name", "backend name 'my app' is not allowed; use 1-64 letters, digits, '.', '_' or '-'"),
                arguments("missing backend name", snapshot(List.of(APP, backend(null)), site("1", List.of("a.test"), route("/", "app"))),
                        "backends[1]", "name", "backend name is missing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSnapshots")
    void reportsEachProblemWithObjectFieldAndMessage(String description, ConfigSnapshot snapshot, String object,
                                                     String field, String message) {
        assertThat(RoutingTableCompiler.validate(snapshot)).containsExactly(new ConfigError(object, field, message));
        RoutingTableCompiler.Compilation<String> compilation = RoutingTableCompiler.compile(snapshot, BackendDefinition::name);
        assertThat(compilation.table()).isNull();
        assertThat(compilation.errors()).hasSize(1);
    }

    @Test
    void rejectsAMissingSnapshot() {
        assertThat(RoutingTableCompiler.validate(null))
                .containsExactly(new ConfigError("snapshot", "snapshot", "the configuration snapshot is missing"));
    }

    /** What the request path does: the site by host, then its longest matching route. */
    private static Route<String> route(RoutingTable<String> table, String host, String path) {
        CompiledSite<String> site = table.site(host);
        return site == null ? null : site.route(path);
    }
}
