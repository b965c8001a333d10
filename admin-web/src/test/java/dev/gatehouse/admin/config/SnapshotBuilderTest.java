package dev.gatehouse.admin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.config.HstsPolicy;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.storage.backend.Backend;
import dev.gatehouse.storage.backend.BackendConnectionLimits;
import dev.gatehouse.storage.backend.BackendHealthCheck;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.backend.BackendSettings;
import dev.gatehouse.storage.site.Site;
import dev.gatehouse.storage.site.SiteTls;
import dev.gatehouse.storage.site.SiteWebsockets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a stored backend or site becomes the engine's record. */
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
                        new BackendConnectionLimits(90_000L, 25, 7, 1_500)),
                T0, T0);

        assertThat(SnapshotBuilder.toDefinition(stored)).isEqualTo(new BackendDefinition("shop",
                List.of(new ServerDefinition("10.0.0.1", 8080, 5, false, false), new ServerDefinition("::1", 9000, 1, true, true),
                        new ServerDefinition("app.internal", 8443, 2, false, false, true, true, null),
                        new ServerDefinition("10.0.0.2", 443, 1, false, true, true, false, "app.example.test")),
                Duration.ofMillis(250), Duration.ofMinutes(10), LoadBalancing.POWER_OF_TWO_CHOICES,
                new HealthCheckDefinition("/healthz", Duration.ofSeconds(30), Duration.ofMillis(1500), 204, 299, 1, 10),
                new PassiveHealthDefinition(0, Duration.ofMinutes(2)), 7,
                new ConnectionPoolDefinition(Duration.ofSeconds(90), 25, 7, Duration.ofMillis(1500))));
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
}
