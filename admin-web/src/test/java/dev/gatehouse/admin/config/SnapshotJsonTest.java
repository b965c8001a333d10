package dev.gatehouse.admin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.engine.config.HstsPolicy;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.ListenerPolicy;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.RateLimitDefinition;
import dev.gatehouse.engine.config.RequestLimits;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.config.SitePolicies;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotJsonTest {

    private static final ConfigSnapshot SNAPSHOT = new ConfigSnapshot(7,
            List.of(new BackendDefinition("app", List.of(ServerDefinition.parse("127.0.0.1:8080"),
                            ServerDefinition.parse("[::1]:9000")), Duration.ofMillis(1500), Duration.ofMinutes(2)),
                    new BackendDefinition("other", List.of(ServerDefinition.parse("other.internal:80")))),
            List.of(new SiteDefinition("3", List.of("app.example.test", "*.apps.example.test"), true,
                            List.of(new RouteDefinition("/", "app"))),
                    new SiteDefinition("4", List.of("off.example.test"), false,
                            List.of(new RouteDefinition("/", "other")))));

    @Test
    void redirectsHeaderPoliciesAndTheDefaultSiteSurviveTheRoundTrip() {
        SiteDefinition forwarding = new SiteDefinition("1", List.of("app.example.test"), true,
                List.of(new dev.gatehouse.engine.config.RouteDefinition("/", "app")))
                .withHeaders(new dev.gatehouse.engine.config.HeaderPolicy(false,
                        List.of(dev.gatehouse.engine.config.HeaderPolicy.HeaderRule.set("X-Tenant", "shop")),
                        List.of(dev.gatehouse.engine.config.HeaderPolicy.HeaderRule.remove("Server"))));
        SiteDefinition redirecting = SiteDefinition.redirecting("2", List.of("old.example.test"),
                new dev.gatehouse.engine.config.RedirectDefinition("https://new.example.test", 308, false));
        ConfigSnapshot snapshot = new ConfigSnapshot(9, SNAPSHOT.backends(), List.of(forwarding, redirecting), List.of(),
                dev.gatehouse.engine.config.DefaultSiteDefinition.close());
        ConfigSnapshot read = SnapshotJson.read(9, SnapshotJson.write(snapshot));
        assertThat(read).isEqualTo(snapshot);
        assertThat(read.sites().get(1).redirect().status()).isEqualTo(308);
        assertThat(read.sites().get(0).headers().passHost()).isFalse();
    }

    @Test
    void aSnapshotSurvivesTheRoundTripExactly() {
        String json = SnapshotJson.write(SNAPSHOT);
        ConfigSnapshot read = SnapshotJson.read(7, json);
        assertThat(read).isEqualTo(SNAPSHOT);
        assertThat(read.backends().get(0).connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(read.backends().get(0).responseTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(read.backends().get(1).connectTimeout()).isEqualTo(BackendDefinition.DEFAULT_CONNECT_TIMEOUT);
    }

    @Test
    void privateKeysAreNeverWrittenAndReadBackAsMissing() {
        String key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
        String chain = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
        ConfigSnapshot withCertificate = new ConfigSnapshot(8, SNAPSHOT.backends(),
                List.of(new SiteDefinition("3", List.of("app.example.test"), true, List.of(new RouteDefinition("/", "app")),
                        "shop", true, new HstsPolicy(600, true, false))),
                List.of(new CertificateDefinition("shop", chain, key)));

        String json = SnapshotJson.write(withCertificate);

        assertThat(json).doesNotContain("PRIVATE KEY").doesNotContain("privateKey").doesNotContain("MIGHAgEA")
                .contains("\"name\":\"shop\"", "BEGIN CERTIFICATE", "\"certificate\":\"shop\"",
                        "\"forceHttps\":true", "\"maxAgeSeconds\":600");
        ConfigSnapshot read = SnapshotJson.read(8, json);
        assertThat(read.certificates()).singleElement().satisfies(certificate -> {
            assertThat(certificate.name()).isEqualTo("shop");
            assertThat(certificate.certificateChainPem()).isEqualTo(chain);
            assertThat(certificate.privateKeyPem()).isNull();
        });
        assertThat(read.sites()).isEqualTo(withCertificate.sites());
    }

    @Test
    void theStoredFormIsReadableJson() {
        String json = SnapshotJson.write(SNAPSHOT);
        assertThat(json).contains("\"revision\":7", "\"connectTimeout\":\"PT1.5S\"", "\"responseTimeout\":\"PT2M\"",
                "\"host\":\"::1\"", "\"hostnames\":[\"app.example.test\",\"*.apps.example.test\"]",
                "\"pathPrefix\":\"/\"");
    }

    /** Every backend setting away from its default, so a field that is not written or read back shows. */
    private static final BackendDefinition EVERY_SETTING = new BackendDefinition("shop",
            List.of(ServerDefinition.parse("10.0.0.1:8080").withWeight(5),
                    ServerDefinition.parse("10.0.0.2:8080").withDrained(true),
                    ServerDefinition.parse("[::1]:9000").asBackup().withWeight(1000),
                    ServerDefinition.parse("app.internal:8443").withTls(true, null),
                    ServerDefinition.parse("10.0.0.3:443").withTls(false, "app.example.test")),
            Duration.ofMillis(250), Duration.ofMinutes(10), LoadBalancing.LEAST_CONNECTIONS,
            HealthCheckDefinition.of("/healthz?deep=1").withInterval(Duration.ofSeconds(30), Duration.ofMillis(1500))
                    .withExpectedStatus(204, 204).withThresholds(1, 10),
            new PassiveHealthDefinition(0, Duration.ofMinutes(2)), 7,
            new ConnectionPoolDefinition(Duration.ofSeconds(75), 40, 0, Duration.ofMillis(2500)), BackendProtocol.HTTP2);

    @Test
    void everyBackendSettingSurvivesTheRoundTripInReadableForm() {
        ConfigSnapshot snapshot = new ConfigSnapshot(9, List.of(EVERY_SETTING), List.of());

        String json = SnapshotJson.write(snapshot);

        assertThat(SnapshotJson.read(9, json)).isEqualTo(snapshot);
        assertThat(json).contains("\"balancing\":\"least-connections\"", "\"maxRetries\":7", "\"weight\":5",
                "\"backup\":true", "\"drained\":true", "\"path\":\"/healthz?deep=1\"", "\"interval\":\"PT30S\"",
                "\"timeout\":\"PT1.5S\"", "\"ejectFor\":\"PT2M\"", "\"maxFailures\":0", "\"tls\":true",
                "\"verifyTls\":false", "\"tlsServerName\":\"app.example.test\"", "\"idleTimeout\":\"PT1M15S\"",
                "\"maxConnectionsPerServer\":40", "\"queueSize\":0", "\"queueTimeout\":\"PT2.5S\"",
                "\"protocol\":\"http2\"");
    }

    /**
     * Backends as the version before protocols wrote them: everything but {@code protocol}. They read back
     * as HTTP/1.1, equal to what this version builds from the same stored rows (V9 gives them http1), so a
     * restart is not a change.
     */
    @Test
    void aRevisionWrittenBeforeProtocolsExistedReadsBackAsHttp1() {
        BackendDefinition http1 = EVERY_SETTING.withProtocol(BackendProtocol.HTTP1);
        String json = SnapshotJson.write(new ConfigSnapshot(24, List.of(EVERY_SETTING, http1), List.of()));
        String old = json.replace(",\"protocol\":\"http2\"", "").replace(",\"protocol\":\"http1\"", "");
        assertThat(old).isNotEqualTo(json).doesNotContain("protocol");

        ConfigSnapshot read = SnapshotJson.read(24, old);

        assertThat(read.backends()).allSatisfy(backend -> assertThat(backend.protocol()).isEqualTo(BackendProtocol.HTTP1));
        assertThat(read).isEqualTo(new ConfigSnapshot(24, List.of(http1, http1), List.of()));
    }

    @Test
    void aProtocolIsAlsoReadByItsConstantNameOrAliasButAnUnknownOneIsNamed() {
        String json = SnapshotJson.write(new ConfigSnapshot(25, List.of(EVERY_SETTING), List.of()));

        assertThat(SnapshotJson.read(25, json.replace("\"http2\"", "\"HTTP2\"")).backends().get(0).protocol())
                .isEqualTo(BackendProtocol.HTTP2);
        assertThat(SnapshotJson.read(25, json.replace("\"http2\"", "\"h2c\"")).backends().get(0).protocol())
                .isEqualTo(BackendProtocol.HTTP2);
        assertThatThrownBy(() -> SnapshotJson.read(25, json.replace("\"http2\"", "\"spdy\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stored revision 25 is not a readable snapshot: ")
                .hasMessageContaining("unknown protocol 'spdy'; use one of http1, http2");
    }

    @Test
    void aBackendWithoutHealthCheckIsWrittenAsNullAndReadBackWithout() {
        ConfigSnapshot snapshot = new ConfigSnapshot(10, List.of(new BackendDefinition("plain",
                List.of(ServerDefinition.parse("10.0.0.1:80")))), List.of());

        String json = SnapshotJson.write(snapshot);

        assertThat(json).contains("\"healthCheck\":null", "\"balancing\":\"round-robin\"");
        assertThat(SnapshotJson.read(10, json)).isEqualTo(snapshot);
    }

    /**
     * A revision exactly as the version before load balancing wrote it: servers without weight,
     * backup or drained, backends without balancing, health checks and retries.
     */
    @Test
    void aRevisionWrittenBeforeLoadBalancingExistedReadsBackWithTheEngineDefaults() {
        String old = """
                {"revision":7,"backends":[{"name":"app","servers":[{"host":"127.0.0.1","port":8080},\
                {"host":"::1","port":9000}],"connectTimeout":"PT1.5S","responseTimeout":"PT2M"},\
                {"name":"other","servers":[{"host":"other.internal","port":80}],"connectTimeout":"PT5S",\
                "responseTimeout":"PT1M"}],"sites":[{"id":"3","hostnames":["app.example.test"],"enabled":true,\
                "routes":[{"pathPrefix":"/","backend":"app"}],"certificate":null,"forceHttps":false,"hsts":null}],\
                "certificates":[]}""";

        ConfigSnapshot read = SnapshotJson.read(7, old);

        BackendDefinition app = read.backends().get(0);
        assertThat(app.maxRetries()).isEqualTo(BackendDefinition.DEFAULT_MAX_RETRIES).isEqualTo(2);
        assertThat(app.servers()).allSatisfy(server -> {
            assertThat(server.weight()).isEqualTo(ServerDefinition.DEFAULT_WEIGHT).isEqualTo(1);
            assertThat(server.backup()).isFalse();
            assertThat(server.drained()).isFalse();
        });
        assertThat(app.balancing()).isEqualTo(LoadBalancing.ROUND_ROBIN);
        assertThat(app.healthCheck()).isNull();
        assertThat(app.passiveHealth()).isEqualTo(PassiveHealthDefinition.DEFAULT);
        assertThat(app.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(app.pool()).isEqualTo(ConnectionPoolDefinition.DEFAULT);
        assertThat(app.servers()).allSatisfy(server -> {
            assertThat(server.tls()).isFalse();
            assertThat(server.verifyTls()).isTrue();
            assertThat(server.tlsServerName()).isNull();
        });
        // equal to what this version builds from the same stored rows, so a restart is not a change
        assertThat(read).isEqualTo(new ConfigSnapshot(7,
                List.of(new BackendDefinition("app", List.of(new ServerDefinition("127.0.0.1", 8080, 1, false, false),
                                new ServerDefinition("::1", 9000, 1, false, false)), Duration.ofMillis(1500),
                                Duration.ofMinutes(2), LoadBalancing.ROUND_ROBIN, null, PassiveHealthDefinition.DEFAULT, 2),
                        new BackendDefinition("other", List.of(ServerDefinition.parse("other.internal:80")))),
                List.of(new SiteDefinition("3", List.of("app.example.test"), true,
                        List.of(new RouteDefinition("/", "app"))))));
    }

    /**
     * A revision exactly as the version before https servers and connection limits wrote it: servers
     * with weight, backup and drained but no TLS fields, backends without a pool.
     */
    @Test
    void aRevisionWrittenBeforeHttpsServersAndLimitsExistedReadsBackWithTheEngineDefaults() {
        String old = """
                {"revision":21,"backends":[{"name":"app","servers":[{"host":"10.0.0.1","port":443,"weight":3,\
                "backup":false,"drained":false},{"host":"::1","port":9000,"weight":1,"backup":true,"drained":true}],\
                "connectTimeout":"PT5S","responseTimeout":"PT1M","balancing":"least-connections","healthCheck":null,\
                "passiveHealth":{"maxFailures":3,"ejectFor":"PT30S"},"maxRetries":2}],"sites":[],"certificates":[]}""";

        ConfigSnapshot read = SnapshotJson.read(21, old);

        BackendDefinition app = read.backends().get(0);
        assertThat(app.servers()).containsExactly(new ServerDefinition("10.0.0.1", 443, 3, false, false, false, true, null),
                new ServerDefinition("::1", 9000, 1, true, true, false, true, null));
        assertThat(app.servers()).allSatisfy(server -> assertThat(server.verifyTls())
                .as("a missing verifyTls is true, not Java's false").isTrue());
        assertThat(app.pool()).isEqualTo(ConnectionPoolDefinition.DEFAULT);
        assertThat(app.pool().queueSize()).isEqualTo(100);
        assertThat(app.pool().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(read).isEqualTo(new ConfigSnapshot(21, List.of(new BackendDefinition("app",
                List.of(new ServerDefinition("10.0.0.1", 443, 3, false, false), new ServerDefinition("::1", 9000, 1, true, true)),
                null, null, LoadBalancing.LEAST_CONNECTIONS, null, null, 2)), List.of()));
    }

    @Test
    void websocketSettingsSurviveTheRoundTripInReadableForm() {
        ConfigSnapshot snapshot = new ConfigSnapshot(23, SNAPSHOT.backends(), List.of(
                new SiteDefinition("3", List.of("chat.example.test"), true, List.of(new RouteDefinition("/", "app")))
                        .withWebsockets(true, Duration.ofSeconds(90)),
                new SiteDefinition("4", List.of("ha.example.test"), true, List.of(new RouteDefinition("/", "app")))
                        .withWebsockets(true, null),
                new SiteDefinition("5", List.of("plain.example.test"), true, List.of(new RouteDefinition("/", "other")))));

        String json = SnapshotJson.write(snapshot);

        assertThat(SnapshotJson.read(23, json)).isEqualTo(snapshot);
        assertThat(json).contains("\"websockets\":true,\"websocketIdleTimeout\":\"PT1M30S\"",
                "\"websockets\":true,\"websocketIdleTimeout\":\"PT10M\"",
                "\"websockets\":false,\"websocketIdleTimeout\":\"PT10M\"");
    }

    /**
     * Sites exactly as the version before WebSockets wrote them: no {@code websockets}, no
     * {@code websocketIdleTimeout}. They read back with WebSockets off and the engine's timeout, equal to
     * what this version builds from the same stored rows, so a restart is not a change.
     */
    @Test
    void aRevisionWrittenBeforeWebsocketsExistedReadsBackWithWebsocketsOff() {
        String old = """
                {"revision":31,"backends":[{"name":"app","servers":[{"host":"10.0.0.1","port":80,"weight":1,\
                "backup":false,"drained":false,"tls":false,"verifyTls":true,"tlsServerName":null}],\
                "connectTimeout":"PT5S","responseTimeout":"PT1M","balancing":"round-robin","healthCheck":null,\
                "passiveHealth":{"maxFailures":3,"ejectFor":"PT30S"},"maxRetries":2,"pool":{"idleTimeout":"PT30S",\
                "maxConnectionsPerServer":0,"queueSize":100,"queueTimeout":"PT10S"}}],\
                "sites":[{"id":"3","hostnames":["chat.example.test"],"enabled":true,\
                "routes":[{"pathPrefix":"/","backend":"app"}],"certificate":"shop","forceHttps":true,\
                "hsts":{"maxAgeSeconds":600,"includeSubDomains":false,"preload":false}},\
                {"id":"4","hostnames":["old.example.test"],"enabled":false,"routes":[{"pathPrefix":"/","backend":"app"}]}],\
                "certificates":[{"name":"shop","certificateChainPem":"chain"}]}""";

        ConfigSnapshot read = SnapshotJson.read(31, old);

        assertThat(read.sites()).allSatisfy(site -> {
            assertThat(site.websockets()).as("a missing websockets is false").isFalse();
            assertThat(site.websocketIdleTimeout()).as("a missing timeout is the engine's default")
                    .isEqualTo(SiteDefinition.DEFAULT_WEBSOCKET_IDLE_TIMEOUT);
        });
        assertThat(read.sites()).containsExactly(
                new SiteDefinition("3", List.of("chat.example.test"), true, List.of(new RouteDefinition("/", "app")),
                        "shop", true, new HstsPolicy(600, false, false)),
                new SiteDefinition("4", List.of("old.example.test"), false, List.of(new RouteDefinition("/", "app"))));
    }

    @Test
    void aSiteWrittenWithWebsocketsButWithoutATimeoutGetsTheDefault() {
        String json = SnapshotJson.write(new ConfigSnapshot(32, SNAPSHOT.backends(), List.of(
                new SiteDefinition("3", List.of("chat.example.test"), true, List.of(new RouteDefinition("/", "app")))
                        .withWebsockets(true, Duration.ofMinutes(3)))));

        ConfigSnapshot read = SnapshotJson.read(32, json.replace(",\"websocketIdleTimeout\":\"PT3M\"", ""));

        assertThat(read.sites().get(0).websockets()).isTrue();
        assertThat(read.sites().get(0).websocketIdleTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aPoolWrittenWithoutSomeFieldsTakesTheirDefaultsNotZero() {
        String json = SnapshotJson.write(new ConfigSnapshot(22, List.of(new BackendDefinition("app",
                List.of(ServerDefinition.parse("10.0.0.1:80")))), List.of()));
        assertThat(json).contains("\"pool\":{\"idleTimeout\":\"PT30S\",\"maxConnectionsPerServer\":0,\"queueSize\":100,"
                + "\"queueTimeout\":\"PT10S\"}");

        ConfigSnapshot read = SnapshotJson.read(22, json.replace("\"maxConnectionsPerServer\":0,\"queueSize\":100,", "")
                .replace("\"queueTimeout\":\"PT10S\"", "\"maxConnectionsPerServer\":5"));

        assertThat(read.backends().get(0).pool())
                .isEqualTo(new ConnectionPoolDefinition(Duration.ofSeconds(30), 5, 100, Duration.ofSeconds(10)));
    }

    @Test
    void aPolicyIsAlsoReadByItsConstantNameButAnUnknownOneIsNamed() {
        String json = SnapshotJson.write(new ConfigSnapshot(11, List.of(EVERY_SETTING), List.of()));

        assertThat(SnapshotJson.read(11, json.replace("least-connections", "LEAST_CONNECTIONS")).backends().get(0).balancing())
                .isEqualTo(LoadBalancing.LEAST_CONNECTIONS);
        assertThatThrownBy(() -> SnapshotJson.read(11, json.replace("least-connections", "fastest")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stored revision 11 is not a readable snapshot: ")
                .hasMessageContaining("unknown load balancing 'fastest'");
    }

    @Test
    void unreadableRevisionsAreNamed() {
        assertThatThrownBy(() -> SnapshotJson.read(12, "{\"revision\":12,\"backends\":[{\"nam\":1}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stored revision 12 is not a readable snapshot: ");
        assertThatThrownBy(() -> SnapshotJson.read(13, "not json"))
                .hasMessageStartingWith("stored revision 13 is not a readable snapshot: ");
    }

    @Test
    void engineErrorsBecomeFormFieldProblems() {
        assertThat(ConfigPublisher.toProblems(List.of(
                new ConfigError("site 3", "routes[0].backend", "no backend named 'x'"),
                new ConfigError("site 3", "hostnames[1]", "'a b' is not a hostname"),
                new ConfigError("", "backends", "duplicate backend"))))
                .containsExactly(
                        new FieldProblem("backend", "site 3: no backend named 'x'"),
                        new FieldProblem("hostnames[1]", "site 3: 'a b' is not a hostname"),
                        new FieldProblem("backends", "duplicate backend"));
    }

    @Test
    void http2TrustedProxiesAndTheForwardedHeaderSurviveTheRoundTrip() {
        ConfigSnapshot snapshot = new ConfigSnapshot(41, SNAPSHOT.backends(), List.of(
                new SiteDefinition("3", List.of("lb.example.test"), true, List.of(new RouteDefinition("/", "app")))
                        .withHttp2(false)
                        .withHeaders(HeaderPolicy.DEFAULT.withForwarding(List.of("10.0.0.0/8", "2001:db8::/32"), true)),
                new SiteDefinition("4", List.of("plain.example.test"), true, List.of(new RouteDefinition("/", "other")))));

        String json = SnapshotJson.write(snapshot);

        assertThat(SnapshotJson.read(41, json)).isEqualTo(snapshot);
        assertThat(json).contains("\"trustedProxies\":[\"10.0.0.0/8\",\"2001:db8::/32\"],\"forwardedHeader\":true",
                "\"http2\":false", "\"http2\":true");
    }

    /**
     * Sites as the version before HTTP/2 could be switched off and proxies trusted wrote them: no
     * {@code http2}, and header policies without {@code trustedProxies} and {@code forwardedHeader}.
     * They read back with HTTP/2 on, no proxy trusted and no Forwarded header: what this version builds
     * from the same stored rows, so restoring such a revision changes nothing.
     */
    @Test
    void aRevisionWrittenBeforeHttp2AndTrustedProxiesExistedReadsBackWithTheDefaults() {
        String old = """
                {"revision":40,"backends":[{"name":"app","servers":[{"host":"10.0.0.1","port":80,"weight":1,\
                "backup":false,"drained":false,"tls":false,"verifyTls":true,"tlsServerName":null}],\
                "connectTimeout":"PT5S","responseTimeout":"PT1M","balancing":"round-robin","healthCheck":null,\
                "passiveHealth":{"maxFailures":3,"ejectFor":"PT30S"},"maxRetries":2,"pool":{"idleTimeout":"PT30S",\
                "maxConnectionsPerServer":0,"queueSize":100,"queueTimeout":"PT10S"}}],\
                "sites":[{"id":"3","hostnames":["app.example.test"],"enabled":true,\
                "routes":[{"pathPrefix":"/","backend":"app"}],"certificate":null,"forceHttps":false,"hsts":null,\
                "websockets":false,"websocketIdleTimeout":"PT10M","redirect":null,\
                "headers":{"passHost":false,"request":[{"action":"SET","name":"X-A","value":"1"}],"response":[]}},\
                {"id":"4","hostnames":["plain.example.test"],"enabled":true,"routes":[{"pathPrefix":"/","backend":"app"}],\
                "headers":{"passHost":true,"request":[],"response":[]}}],\
                "certificates":[]}""";

        ConfigSnapshot read = SnapshotJson.read(40, old);

        assertThat(read.sites()).allSatisfy(site -> {
            assertThat(site.http2()).as("a missing http2 is on").isTrue();
            assertThat(site.headers().trustedProxies()).as("missing trusted proxies are none").isEmpty();
            assertThat(site.headers().forwardedHeader()).as("a missing forwardedHeader is off").isFalse();
        });
        assertThat(read.sites()).containsExactly(
                new SiteDefinition("3", List.of("app.example.test"), true, List.of(new RouteDefinition("/", "app")))
                        .withHeaders(new HeaderPolicy(false, List.of(HeaderPolicy.HeaderRule.set("X-A", "1")), List.of())),
                new SiteDefinition("4", List.of("plain.example.test"), true, List.of(new RouteDefinition("/", "app"))));
        assertThat(read.sites().get(1).headers()).isEqualTo(HeaderPolicy.DEFAULT);
    }

    private static final String HASH = "$2a$10$Sx8mPVm2lxtBDRhYyXrT4.mJ1X0AgfkCWg8vgQpTGLdQQjO1mRpb2";

    @Test
    void accessListsSitePoliciesAndTheListenerPolicySurviveTheRoundTrip() {
        AccessListDefinition staff = new AccessListDefinition("staff", List.of(AccessListDefinition.AddressRule.deny("10.0.0.66"),
                AccessListDefinition.AddressRule.allow("10.0.0.0/8")), List.of(new AccessListDefinition.BasicAuthUser("alice",
                HASH)), true, "Staff only");
        SiteDefinition guarded = new SiteDefinition("3", List.of("app.example.test"), true,
                List.of(new RouteDefinition("/", "app"))).withPolicies(new SitePolicies("staff",
                new RateLimitDefinition(10, Duration.ofMinutes(1), 5), false, new RequestLimits(1_048_576, 8192, 2048)));
        ConfigSnapshot snapshot = new ConfigSnapshot(50, SNAPSHOT.backends(), List.of(guarded, SNAPSHOT.sites().get(1)),
                List.of(), null, List.of(), new ListenerPolicy(List.of("127.0.0.1", "10.0.0.0/8")), List.of(staff));

        String json = SnapshotJson.write(snapshot);

        assertThat(SnapshotJson.read(50, json)).isEqualTo(snapshot);
        assertThat(json).contains("\"accessList\":\"staff\"", "\"period\":\"PT1M\"", "\"blockExploits\":false",
                "\"maxBodyBytes\":1048576", "\"proxyProtocolFrom\":[\"127.0.0.1\",\"10.0.0.0/8\"]",
                "\"satisfyAll\":true", "\"realm\":\"Staff only\"");
        assertThat(json).as("only hashes, as stored").contains(HASH);
    }

    /**
     * Sites as the version before policies wrote them: no {@code policies}. They read back with exploits
     * blocked and nothing else, what this version builds from rows migrated by V11.
     */
    @Test
    void aRevisionWithoutPoliciesRestoresWithExploitsBlocked() {
        String json = SnapshotJson.write(SNAPSHOT);
        String old = json.replaceAll(",\"policies\":\\{[^}]*\\{[^}]*}[^}]*}", "");
        assertThat(old).isNotEqualTo(json).doesNotContain("policies").doesNotContain("blockExploits");

        ConfigSnapshot read = SnapshotJson.read(7, old);

        assertThat(read.sites()).allSatisfy(site -> {
            assertThat(site.policies()).isEqualTo(SitePolicies.DEFAULT);
            assertThat(site.policies().blockExploits()).isTrue();
        });
        assertThat(read).isEqualTo(SNAPSHOT);
    }

    @Test
    void aPoliciesObjectWithoutBlockExploitsKeepsThemBlocked() {
        String json = SnapshotJson.write(SNAPSHOT).replace("\"blockExploits\":true,", "");
        assertThat(json).doesNotContain("blockExploits");

        assertThat(SnapshotJson.read(7, json).sites()).allSatisfy(site -> assertThat(site.policies().blockExploits()).isTrue());
    }

    @Test
    void aRevisionWithoutAccessListsOrListenersRestoresWithNone() {
        String json = SnapshotJson.write(SNAPSHOT);
        String old = json.replaceAll(",\"listeners\":\\{[^}]*}", "").replace(",\"accessLists\":[]", "");
        assertThat(old).isNotEqualTo(json).doesNotContain("listeners").doesNotContain("accessLists");

        ConfigSnapshot read = SnapshotJson.read(7, old);

        assertThat(read.accessLists()).isEmpty();
        assertThat(read.listeners()).isEqualTo(ListenerPolicy.DEFAULT);
        assertThat(read).isEqualTo(SNAPSHOT);
    }

    @Test
    void listenersWrittenBeforeTheSlowClientLimitsReadWithTheirDefaults() {
        String json = SnapshotJson.write(SNAPSHOT.withListeners(new ListenerPolicy(List.of("10.0.0.0/8"))));
        String old = json.replaceAll("\"listeners\":\\{[^}]*}", "\"listeners\":{\"proxyProtocolFrom\":[\"10.0.0.0/8\"]}");
        assertThat(old).doesNotContain("minBodyRate").doesNotContain("headerTimeout");

        ListenerPolicy read = SnapshotJson.read(7, old).listeners();

        assertThat(read).isEqualTo(new ListenerPolicy(List.of("10.0.0.0/8")));
        assertThat(read.maxConnectionsPerClient()).isEqualTo(ListenerPolicy.DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
    }
}
