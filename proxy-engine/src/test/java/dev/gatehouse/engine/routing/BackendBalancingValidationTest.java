package dev.gatehouse.engine.routing;

import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The compiler's checks of balancing, health check, passive health and retry settings. */
class BackendBalancingValidationTest {

    private static final ServerDefinition ONE = new ServerDefinition("10.0.0.1", 80);
    private static final ServerDefinition TWO = new ServerDefinition("10.0.0.2", 80);
    private static final BackendDefinition VALID = new BackendDefinition("app", List.of(ONE, TWO));

    private static List<ConfigError> errors(BackendDefinition backend) {
        return RoutingTableCompiler.validate(new ConfigSnapshot(1, List.of(backend), List.of()));
    }

    static Stream<Arguments> invalidBackends() {
        HealthCheckDefinition check = HealthCheckDefinition.of("/health");
        return Stream.of(
                Arguments.of(VALID.withServers(List.of(ONE, TWO.withWeight(0))), "servers[1].weight", "weight 0 is out of range"),
                Arguments.of(VALID.withServers(List.of(ONE, TWO.withWeight(1001))), "servers[1].weight", "weights are 1-1000"),
                Arguments.of(VALID.withServers(List.of(ONE.asBackup())), "servers", "at least one server that is not a backup"),
                Arguments.of(VALID.withServers(List.of(ONE, ONE)), "servers[1]", "is listed twice"),
                Arguments.of(VALID.withServers(IntStream.range(0, 65).mapToObj(i -> new ServerDefinition("10.0.1." + i, 80)).toList()),
                        "servers", "at most 64 servers"),
                Arguments.of(VALID.withMaxRetries(-1), "maxRetries", "out of range; use 0-10"),
                Arguments.of(VALID.withMaxRetries(11), "maxRetries", "out of range; use 0-10"),
                Arguments.of(VALID.withPassiveHealth(new PassiveHealthDefinition(-1, null)), "passiveHealth.maxFailures", "0 (off) or more"),
                Arguments.of(VALID.withPassiveHealth(new PassiveHealthDefinition(3, Duration.ZERO)), "passiveHealth.ejectFor", "more than zero"),
                Arguments.of(VALID.withHealthCheck(HealthCheckDefinition.of("health")), "healthCheck.path", "must start with '/'"),
                Arguments.of(VALID.withHealthCheck(HealthCheckDefinition.of("/a b")), "healthCheck.path", "no spaces"),
                Arguments.of(VALID.withHealthCheck(check.withInterval(Duration.ofSeconds(1), Duration.ofSeconds(1))),
                        "healthCheck.timeout", "must be shorter than its interval"),
                Arguments.of(VALID.withHealthCheck(check.withExpectedStatus(300, 200)), "healthCheck.expectedStatus", "not a range"),
                Arguments.of(VALID.withHealthCheck(check.withExpectedStatus(99, 200)), "healthCheck.expectedStatus", "within 100-599"),
                Arguments.of(VALID.withHealthCheck(check.withThresholds(-1, 2)), "healthCheck.thresholds", "1 or more"),
                Arguments.of(VALID.withServers(List.of(ONE, new ServerDefinition("10.0.0.2", 80, 1, false, false, false, true, "app.internal"))),
                        "servers[1].tlsServerName", "only applies to an https server"),
                Arguments.of(VALID.withServers(List.of(ONE, TWO.withTls(true, "bad name!"))),
                        "servers[1].tlsServerName", "is not a host name"),
                Arguments.of(VALID.withPool(new ConnectionPoolDefinition(Duration.ZERO, 0, 100, null)), "pool.idleTimeout", "more than zero"),
                Arguments.of(VALID.withPool(ConnectionPoolDefinition.limited(-1, 100, Duration.ofSeconds(1))),
                        "pool.maxConnectionsPerServer", "0 (no limit) or more"),
                Arguments.of(VALID.withPool(ConnectionPoolDefinition.limited(5, -1, Duration.ofSeconds(1))), "pool.queueSize", "0 or more"),
                Arguments.of(VALID.withPool(ConnectionPoolDefinition.limited(5, 1, Duration.ZERO)), "pool.queueTimeout", "more than zero"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("invalidBackends")
    void namesTheFieldAndTheProblem(BackendDefinition backend, String field, String message) {
        assertThat(errors(backend)).anySatisfy(error -> {
            assertThat(error.object()).isEqualTo("backend app");
            assertThat(error.field()).isEqualTo(field);
            assertThat(error.message()).contains(message);
        });
    }

    @Test
    void everySettingAtItsLimitsIsAccepted() {
        BackendDefinition full = VALID.withServers(List.of(ONE.withWeight(1000), TWO.withWeight(1).asBackup().withTls(false, "app.internal"),
                        new ServerDefinition("10.0.0.3", 80).withDrained(true)))
                .withMaxRetries(10)
                .withPassiveHealth(PassiveHealthDefinition.OFF)
                .withHealthCheck(HealthCheckDefinition.of("/healthz?full=1").withExpectedStatus(100, 599).withThresholds(1, 10)
                        .withInterval(Duration.ofSeconds(1), Duration.ofMillis(999)));
        assertThat(errors(full)).isEmpty();
        assertThat(errors(VALID)).isEmpty();
    }

    @Test
    void healthCheckDefaultsAreDocumentedOnes() {
        HealthCheckDefinition check = HealthCheckDefinition.of(null);
        assertThat(check.path()).isEqualTo("/");
        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(check.expectedStatusMin()).isEqualTo(200);
        assertThat(check.expectedStatusMax()).isEqualTo(399);
        assertThat(check.healthyThreshold()).isEqualTo(1);
        assertThat(check.unhealthyThreshold()).isEqualTo(3);
    }
}
