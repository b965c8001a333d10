package dev.gatehouse.admin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.engine.config.AccessListDefinition;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.ListenerPolicy;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.engine.config.HstsPolicy;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.RateLimitDefinition;
import dev.gatehouse.engine.config.RequestLimits;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.storage.accesslist.AccessList;
import dev.gatehouse.storage.accesslist.AccessListSettings;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendConnectionLimits;
import dev.gatehouse.storage.backend.BackendHealthCheck;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.backend.BackendSettings;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.site.SiteHeaders;
import dev.gatehouse.storage.site.SitePolicies;
import dev.gatehouse.storage.site.SiteTls;
import dev.gatehouse.storage.site.SiteWebsockets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a stored backend, site or access list becomes the engine's record. */
class SnapshotBuilderTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    @Test
    void everyStoredSettingReachesTheEngine() {
        Backend stored = new Backend(3, "shop", List.of(new BackendServer("10.0.0.1:8080", 5, false, false),
                new BackendServer("[::1]:9000", 1, true, true),
                new BackendServer("app.internal:8443", 2, false, false, true, true, null),
                new BackendServer("10.0.0.2:443", 1, false, true, true, false, "app.example.test")),
                new BackendSettings("power-of-two-choices", 250L, 600_000L, 7, 0, 120,
                        new BackendHealthCheck("/healthz", 30_000, 1_500, 204, 299, 1, 10),
                        new BackendConnectionLimits(90_000L, 25, 7, 1_500), "http2"),
                T0, T0);

        assertThat(SnapshotBuilder.toDefinition(stored)).isEqualTo(new BackendDefinition("shop",
                List.of(new ServerDefinition("10.0.0.1", 8080, 5, false, false), new ServerDefinition("::1", 9000, 1, true, true),
                        new ServerDefinition("app.internal", 8443, 2, false, false, true, true, null),
                        new ServerDefinition("10.0.0.2", 443, 1, false, true, true, false, "app.example.test")),
                Duration.ofMillis(250), Duration.ofMinutes(10), LoadBalancing.POWER_OF_TWO_CHOICES,
                new HealthCheckDefinition("/healthz", Duration.ofSeconds(30), Duration.ofMillis(1500), 204, 299, 1, 10),
                new PassiveHealthDefinition(0, Duration.ofMinutes(2)), 7,
                new ConnectionPoolDefinition(Duration.ofSeconds(90), 25, 7, Duration.ofMillis(1500)),
                BackendProtocol.HTTP2));
    }

    @Test
    void storedDefaultsAreTheEngineDefaults() {
        Backend stored = new Backend(1, "app", BackendServer.list("127.0.0.1:8080"), BackendSettings.DEFAULT, T0, T0);

        BackendDefinition definition = SnapshotBuilder.toDefinition(stored);

        assertThat(definition).isEqualTo(new BackendDefinition("app", List.of(ServerDefinition.parse("127.0.0.1:8080"))));
        assertThat(definition.healthCheck()).as("no path stored, no active check").isNull();
        assertThat(definition.connectTimeout()).isEqualTo(BackendDefinition.DEFAULT_CONNECT_TIMEOUT);
        assertThat(definition.responseTimeout()).isEqualTo(BackendDefinition.DEFAULT_RESPONSE_TIMEOUT);
        assertThat(definition.passiveHealth()).isEqualTo(PassiveHealthDefinition.DEFAULT);
        assertThat(definition.maxRetries()).isEqualTo(BackendDefinition.DEFAULT_MAX_RETRIES);
        assertThat(definition.balancing()).isEqualTo(LoadBalancing.ROUND_ROBIN);
        assertThat(definition.pool()).isEqualTo(ConnectionPoolDefinition.DEFAULT);
        assertThat(definition.protocol()).isEqualTo(BackendProtocol.HTTP1);
        assertThat(definition.servers().get(0).tls()).isFalse();
        assertThat(definition.servers().get(0).verifyTls()).isTrue();
    }

    @Test
    void aPolicyNameTheEngineDoesNotKnowFailsLoudly() {
        Backend stored = new Backend(1, "app", BackendServer.list("127.0.0.1:8080"),
                new BackendSettings("fastest", null, null, 2, 3, 30, null), T0, T0);

        assertThatThrownBy(() -> SnapshotBuilder.toDefinition(stored))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown load balancing 'fastest'");
    }

    @Test
    void aSiteWithWebsocketsAndItsOwnIdleTimeoutReachesTheEngineWithEverythingElse() {
        Site stored = new Site(4, List.of("chat.example.test", "*.chat.example.test"), 3, true, T0, T0,
                new SiteTls(9L, true, 600L, true, false), new SiteWebsockets(true, 90_000L));

        SiteDefinition definition = SnapshotBuilder.toDefinition(stored, Map.of(3L, "chat"), Map.of(9L, "chat-cert"));

        assertThat(definition).isEqualTo(new SiteDefinition("4", List.of("chat.example.test", "*.chat.example.test"), true,
                List.of(new RouteDefinition("/", "chat")), "chat-cert", true, new HstsPolicy(600, true, false), true,
                Duration.ofSeconds(90)));
    }

    @Test
    void aSiteWithWebsocketsButNoTimeoutOfItsOwnGetsTheEngineDefault() {
        Site stored = new Site(5, List.of("ha.example.test"), 3, true, T0, T0, SiteTls.NONE, new SiteWebsockets(true, null));

        SiteDefinition definition = SnapshotBuilder.toDefinition(stored, Map.of(3L, "ha"), Map.of());

        assertThat(definition.websockets()).isTrue();
        assertThat(definition.websocketIdleTimeout()).isEqualTo(SiteDefinition.DEFAULT_WEBSOCKET_IDLE_TIMEOUT)
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(definition).isEqualTo(new SiteDefinition("5", List.of("ha.example.test"), true,
                List.of(new RouteDefinition("/", "ha"))).withWebsockets(true, null));
    }

    @Test
    void aSiteStoredWithoutWebsocketsIsTheEnginesSiteWithout() {
        Site stored = new Site(6, List.of("plain.example.test"), 3, false, T0, T0);

        SiteDefinition definition = SnapshotBuilder.toDefinition(stored, Map.of(3L, "app"), Map.of());

        assertThat(definition.websockets()).isFalse();
        assertThat(definition).isEqualTo(new SiteDefinition("6", List.of("plain.example.test"), false,
                List.of(new RouteDefinition("/", "app"))));
    }

    @Test
    void http2TrustedProxiesAndTheForwardedHeaderReachTheEngine() {
        SiteHeaders headers = new SiteHeaders(true, List.of(), List.of(), List.of("10.0.0.0/8", "::1"), true);
        Site stored = new Site(7, List.of("lb.example.test"), 3L, true, T0, T0,
                new SiteTls(null, false, null, false, false, false), SiteWebsockets.OFF, null, headers);

        SiteDefinition definition = SnapshotBuilder.toDefinition(stored, Map.of(3L, "app"), Map.of());

        assertThat(definition.http2()).isFalse();
        assertThat(definition.headers()).isEqualTo(new HeaderPolicy(true, List.of(), List.of(),
                List.of("10.0.0.0/8", "::1"), true));
        assertThat(definition).isEqualTo(new SiteDefinition("7", List.of("lb.example.test"), true,
                List.of(new RouteDefinition("/", "app"))).withHttp2(false)
                .withHeaders(HeaderPolicy.DEFAULT.withForwarding(List.of("10.0.0.0/8", "::1"), true)));
    }

    @Test
    void aSiteStoredWithTheDefaultsOffersHttp2AndTrustsNoProxy() {
        SiteDefinition definition = SnapshotBuilder.toDefinition(new Site(8, List.of("plain.example.test"), 3, true, T0, T0),
                Map.of(3L, "app"), Map.of());

        assertThat(definition.http2()).isTrue();
        assertThat(definition.headers()).isSameAs(HeaderPolicy.DEFAULT);
    }

    @Test
    void policiesReachTheEngineWithTheAccessListByName() {
        Site stored = new Site(9, List.of("guarded.example.test"), 3L, true, T0, T0, SiteTls.NONE, SiteWebsockets.OFF, null,
                SiteHeaders.DEFAULT, new SitePolicies(4L, new SitePolicies.SiteRateLimit(120, 60, 20), false,
                10L * 1024 * 1024, 8192, 2048));

        SiteDefinition definition = SnapshotBuilder.toDefinition(stored, Map.of(3L, "app"), Map.of(), Map.of(4L, "staff"));

        assertThat(definition.policies()).isEqualTo(new dev.gatehouse.engine.config.SitePolicies("staff",
                new RateLimitDefinition(120, Duration.ofMinutes(1), 20), false, new RequestLimits(10L * 1024 * 1024, 8192, 2048)));
    }

    @Test
    void aSiteStoredWithTheDefaultPoliciesHasTheEnginesDefaultSoSnapshotsCompareEqual() {
        SiteDefinition definition = SnapshotBuilder.toDefinition(new Site(8, List.of("plain.example.test"), 3, true, T0, T0),
                Map.of(3L, "app"), Map.of(), Map.of());

        assertThat(definition.policies()).isEqualTo(dev.gatehouse.engine.config.SitePolicies.DEFAULT);
        assertThat(definition.policies().blockExploits()).isTrue();
        assertThat(definition).isEqualTo(new SiteDefinition("8", List.of("plain.example.test"), true,
                List.of(new RouteDefinition("/", "app"))));
    }

    @Test
    void aSiteWhoseAccessListIsMissingFailsLoudlyRatherThanGoUnguarded() {
        Site stored = new Site(9, List.of("guarded.example.test"), 3L, true, T0, T0, SiteTls.NONE, SiteWebsockets.OFF, null,
                SiteHeaders.DEFAULT, new SitePolicies(4L, null, true, 0, 0, 0));

        assertThatThrownBy(() -> SnapshotBuilder.toDefinition(stored, Map.of(3L, "app"), Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("site 9 refers to missing access list 4");
    }

    @Test
    void anAccessListReachesTheEngineWithItsRulesInOrderAndItsUsersHashes() {
        String hash = "$2a$10$Sx8mPVm2lxtBDRhYyXrT4.mJ1X0AgfkCWg8vgQpTGLdQQjO1mRpb2";
        AccessList stored = new AccessList(4, new AccessListSettings("staff", List.of(AccessListSettings.Rule.deny("10.0.0.66"),
                AccessListSettings.Rule.allow("10.0.0.0/8")), List.of(new AccessListSettings.User("alice", hash)), true, null),
                T0, T0);

        assertThat(SnapshotBuilder.toDefinition(stored)).isEqualTo(new AccessListDefinition("staff",
                List.of(AccessListDefinition.AddressRule.deny("10.0.0.66"), AccessListDefinition.AddressRule.allow("10.0.0.0/8")),
                List.of(new AccessListDefinition.BasicAuthUser("alice", hash)), true, null));
        assertThat(SnapshotBuilder.toDefinition(stored).realm()).isEqualTo(AccessListDefinition.DEFAULT_REALM);
    }

    @Test
    void aRevisionRunAgainKeepsItsAccessListsAndListenerPolicy() {
        ConfigSnapshot stored = new ConfigSnapshot(5, List.of(), List.of(), List.of(), null, List.of(),
                new ListenerPolicy(List.of("10.0.0.0/8")), List.of(new AccessListDefinition("staff",
                        List.of(AccessListDefinition.AddressRule.allow("10.0.0.0/8")), List.of(), false, null)));

        // no certificate to put a key back into, so no repository is asked
        ConfigSnapshot restored = new SnapshotBuilder(null, null, null, null, null, null, null).withPrivateKeys(stored);

        assertThat(restored).isEqualTo(stored);
        assertThat(restored.accessLists()).hasSize(1);
        assertThat(restored.listeners().proxyProtocolFrom()).containsExactly("10.0.0.0/8");
    }
}
