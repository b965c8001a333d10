package dev.gatehouse.admin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.CertificateDefinition;
import dev.gatehouse.engine.config.HstsPolicy;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
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
            new ConnectionPoolDefinition(Duration.ofSeconds(75), 40, 0, Duration.ofMillis(2500)));

    @Test
    void everyBackendSettingSurvivesTheRoundTripInReadableForm() {
        ConfigSnapshot snapshot = new ConfigSnapshot(9, List.of(EVERY_SETTING), List.of());

        String json = SnapshotJson.write(snapshot);

        assertThat(SnapshotJson.read(9, json)).isEqualTo(snapshot);
        assertThat(json).contains("\"balancing\":\"least-connections\"", "\"maxRetries\":7", "\"weight\":5",
                "\"backup\":true", "\"drained\":true", "\"path\":\"/healthz?deep=1\"", "\"interval\":\"PT30S\"",
                "\"timeout\":\"PT1.5S\"", "\"ejectFor\":\"PT2M\"", "\"maxFailures\":0", "\"tls\":true",
                "\"verifyTls\":false", "\"tlsServerName\":\"app.example.test\"", "\"idleTimeout\":\"PT1M15S\"",
                "\"maxConnectionsPerServer\":40", "\"queueSize\":0", "\"queueTimeout\":\"PT2.5S\"");
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
}
