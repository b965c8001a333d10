package dev.gatehouse.engine.balancing;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BackendServersTest {

    private static BackendDefinition backend(ServerDefinition... servers) {
        return new BackendDefinition("app", List.of(servers));
    }

    private static BackendServers servers(BackendDefinition definition, BackendServers previous) {
        InetSocketAddress[] addresses = definition.servers().stream()
                .map(s -> InetSocketAddress.createUnresolved(s.host(), s.port())).toArray(InetSocketAddress[]::new);
        return new BackendServers(definition, addresses, previous, null);
    }

    private static ServerDefinition server(int port) {
        return new ServerDefinition("10.0.0." + port, 8080);
    }

    private static List<String> states(BackendServers servers) {
        return servers.status(i -> 0, i -> 0L, i -> 0L).stream().map(ServerStatus::state).toList();
    }

    @Test
    void consecutiveFailuresEjectAServerAndASuccessResetsTheCount() {
        BackendServers servers = servers(backend(server(1), server(2)), null);
        servers.recordFailure(0);
        servers.recordFailure(0);
        servers.recordSuccess(0);
        servers.recordFailure(0);
        servers.recordFailure(0);
        assertThat(servers.view().contains(0)).as("2 in a row after a success").isTrue();
        servers.recordFailure(0);
        assertThat(servers.view().contains(0)).isFalse();
        assertThat(states(servers)).containsExactly("ejected", "up");
    }

    @Test
    void theLastEligibleServerIsNeverEjected() {
        BackendServers servers = servers(backend(server(1)), null);
        for (int i = 0; i < 10; i++) {
            servers.recordFailure(0);
        }
        assertThat(servers.view().contains(0)).isTrue();
    }

    @Test
    void anEjectionEndsAfterItsTime() throws InterruptedException {
        BackendServers servers = servers(backend(server(1), server(2))
                .withPassiveHealth(new PassiveHealthDefinition(1, Duration.ofMillis(50))), null);
        servers.recordFailure(0);
        assertThat(servers.view().contains(0)).isFalse();
        Thread.sleep(80);
        assertThat(servers.view().contains(0)).isTrue();
        assertThat(states(servers)).containsExactly("up", "up");
    }

    @Test
    void passiveChecksOffNeverEject() {
        BackendServers servers = servers(backend(server(1), server(2)).withPassiveHealth(PassiveHealthDefinition.OFF), null);
        for (int i = 0; i < 10; i++) {
            servers.recordFailure(0);
        }
        assertThat(servers.view().contains(0)).isTrue();
    }

    @Test
    void backupsServeOnlyWhenNoPrimaryCan() {
        BackendServers servers = servers(backend(server(1), server(2).asBackup()), null);
        assertThat(servers.view().contains(1)).isFalse();
        servers.recordFailure(0);
        servers.recordFailure(0);
        servers.recordFailure(0);
        // The primary is the last eligible server and stays: backups wait for it to be known down.
        assertThat(servers.view().contains(0)).isTrue();
        BackendServers checked = servers(backend(server(1), server(2).asBackup())
                .withHealthCheck(HealthCheckDefinition.of("/health").withThresholds(1, 1)), null);
        ServerHealth primary = healthOf(checked, 0);
        primary.recordCheck(new ServerHealth.CheckResult(false, 500, "status 500", 1, 0), HealthCheckDefinition.of("/").withThresholds(1, 1));
        checked.republish();
        assertThat(checked.view().contains(0)).isFalse();
        assertThat(checked.view().contains(1)).isTrue();
        assertThat(checked.view().usingBackups()).isTrue();
    }

    @Test
    void drainedServersTakeNoNewRequests() {
        BackendServers servers = servers(backend(server(1), server(2).withDrained(true)), null);
        assertThat(servers.view().contains(1)).isFalse();
        assertThat(servers.status(i -> i == 1 ? 2 : 0, i -> 0L, i -> 0L).get(1).state()).isEqualTo("draining");
        assertThat(states(servers)).containsExactly("up", "drained");
    }

    @Test
    void allServersDownLeavesNothingToChoose() {
        HealthCheckDefinition check = HealthCheckDefinition.of("/").withThresholds(1, 1);
        BackendServers servers = servers(backend(server(1), server(2)).withHealthCheck(check), null);
        for (int i = 0; i < 2; i++) {
            healthOf(servers, i).recordCheck(new ServerHealth.CheckResult(false, 0, "refused", 1, 0), check);
        }
        servers.republish();
        assertThat(servers.view().isEmpty()).isTrue();
        assertThat(servers.select(new LoopServerState(2), 0, 0, -1)).isEqualTo(Balancer.NONE);
        assertThat(states(servers)).containsExactly("down", "down");
    }

    @Test
    void anApplyKeepsTheHealthOfServersItKeeps() {
        HealthCheckDefinition check = HealthCheckDefinition.of("/").withThresholds(1, 1);
        BackendServers before = servers(backend(server(1), server(2)).withHealthCheck(check), null);
        healthOf(before, 1).recordCheck(new ServerHealth.CheckResult(false, 0, "refused", 1, 0), check);
        before.republish();
        BackendServers after = servers(backend(server(2), server(3), server(1).withWeight(5)).withHealthCheck(check), before);
        assertThat(states(after)).containsExactly("down", "up", "up");
        assertThat(after.view().contains(0)).isFalse();
    }

    @Test
    void stickyCookieTokensNameOneServerEachAndSurviveAnApply() {
        BackendServers servers = servers(backend(server(1), server(2)), null);
        assertThat(servers.cookieToken(0)).isNotEqualTo(servers.cookieToken(1));
        assertThat(servers.serverForCookie(servers.cookieToken(1))).isEqualTo(1);
        assertThat(servers.serverForCookie("nonsense")).isEqualTo(-1);
        BackendServers reordered = servers(backend(server(2), server(1)), servers);
        assertThat(reordered.serverForCookie(servers.cookieToken(1))).isZero();
    }

    private static ServerHealth healthOf(BackendServers servers, int index) {
        return servers.health(index);
    }
}
