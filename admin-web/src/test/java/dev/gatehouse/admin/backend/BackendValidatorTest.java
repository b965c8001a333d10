package dev.gatehouse.admin.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.backend.BackendCommand.HealthCheckCommand;
import dev.gatehouse.admin.backend.BackendCommand.PassiveHealthCommand;
import dev.gatehouse.admin.backend.BackendCommand.ServerCommand;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.engine.config.LoadBalancing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class BackendValidatorTest {

    /** name | servers (comma-separated; "<null>" for a null entry) | field | message. */
    @ParameterizedTest(name = "{0} [{1}] -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', emptyValue = "", textBlock = """
        ""           | 127.0.0.1:80                | name       | name is required, e.g. app
        "   "        | 127.0.0.1:80                | name       | name is required, e.g. app
        my app       | 127.0.0.1:80                | name       | name 'my app' may only contain letters, digits, '.', '_' and '-'
        app/1        | 127.0.0.1:80                | name       | name 'app/1' may only contain letters, digits, '.', '_' and '-'
        app          | ""                          | servers    | at least one server is required, as host:port, e.g. 127.0.0.1:8080
        app          | host:99999                  | servers[0] | servers[0] 'host:99999' has port 99999; ports are 1-65535
        app          | host:0                      | servers[0] | servers[0] 'host:0' has port 0; ports are 1-65535
        app          | 127.0.0.1:80,host           | servers[1] | servers[1] 'host' is not host:port
        app          | 127.0.0.1:80,host:http      | servers[1] | servers[1] 'host:http' has a port that is not a number
        app          | http://host:80              | servers[0] | servers[0] 'http://host:80' must not contain a scheme; expected host:port
        app          | <null>                      | servers[0] | servers[0] is empty; expected host:port
        app          | 10.0.0.1:80,10.0.0.1:80     | servers[1] | servers[1] '10.0.0.1:80' is listed twice
        app          | Host.Internal:80,host.internal:80 | servers[1] | servers[1] 'host.internal:80' is listed twice
        app          | [::1:80                     | servers[0] | servers[0] '[::1:80' is not [ipv6]:port
        """)
    void rejectsNamesAndAddresses(String name, String servers, String field, String message) {
        assertThat(BackendValidator.problems(new BackendCommand(name, split(servers))))
                .containsExactly(new FieldProblem(field, message));
    }

    /** One row per rule: what is changed on an otherwise valid command, and the one problem it must give. */
    static Stream<Arguments> settingProblems() {
        String policies = "round-robin, weighted-round-robin, least-connections, power-of-two-choices, "
                + "client-ip-hash, sticky-cookie";
        return Stream.of(
                row("unknown policy", c -> c.balancing = "fastest", "balancing",
                        "balancing: unknown load balancing 'fastest'; use one of " + policies),
                row("policy with a typo", c -> c.balancing = "least-connection", "balancing",
                        "balancing: unknown load balancing 'least-connection'; use one of " + policies),
                row("weight 0", c -> c.servers.set(0, new ServerCommand("10.0.0.1:80", 0, null, null)),
                        "servers[0].weight", "servers[0].weight must be between 1 and 1000, was 0"),
                row("weight 1001", c -> c.servers.add(new ServerCommand("10.0.0.2:80", 1001, null, null)),
                        "servers[1].weight", "servers[1].weight must be between 1 and 1000, was 1001"),
                row("negative weight", c -> c.servers.set(0, new ServerCommand("10.0.0.1:80", -3, null, null)),
                        "servers[0].weight", "servers[0].weight must be between 1 and 1000, was -3"),
                row("only backups", c -> c.servers.set(0, new ServerCommand("10.0.0.1:80", null, true, null)),
                        "servers", "at least one server must not be a backup: backup servers only take requests "
                                + "while no primary server can"),
                row("maxRetries -1", c -> c.maxRetries = -1, "maxRetries", "maxRetries must be between 0 and 10, was -1"),
                row("maxRetries 11", c -> c.maxRetries = 11, "maxRetries", "maxRetries must be between 0 and 10, was 11"),
                row("connect timeout 99 ms", c -> c.connectTimeoutMs = 99L, "connectTimeoutMs",
                        "connectTimeoutMs must be between 100 ms and 5 min, was 99 ms"),
                row("connect timeout above 5 min", c -> c.connectTimeoutMs = 300_001L, "connectTimeoutMs",
                        "connectTimeoutMs must be between 100 ms and 5 min, was 300001 ms"),
                row("response timeout 999 ms", c -> c.responseTimeoutMs = 999L, "responseTimeoutMs",
                        "responseTimeoutMs must be between 1 s and 1 h, was 999 ms"),
                row("response timeout 2 h", c -> c.responseTimeoutMs = 7_200_000L, "responseTimeoutMs",
                        "responseTimeoutMs must be between 1 s and 1 h, was 2 h"),
                row("passive failures -1", c -> c.passiveHealth = new PassiveHealthCommand(-1, null),
                        "passiveHealth.maxFailures",
                        "passiveHealth.maxFailures must be between 0 (passive checks off) and 100, was -1"),
                row("passive failures 101", c -> c.passiveHealth = new PassiveHealthCommand(101, null),
                        "passiveHealth.maxFailures",
                        "passiveHealth.maxFailures must be between 0 (passive checks off) and 100, was 101"),
                row("eject 0 s", c -> c.passiveHealth = new PassiveHealthCommand(null, 0), "passiveHealth.ejectForSeconds",
                        "passiveHealth.ejectForSeconds must be between 1 and 3600, was 0"),
                row("eject 3601 s", c -> c.passiveHealth = new PassiveHealthCommand(3, 3601),
                        "passiveHealth.ejectForSeconds", "passiveHealth.ejectForSeconds must be between 1 and 3600, was 3601"),
                row("path without slash", c -> c.healthCheck = check("health", null, null), "healthCheck.path",
                        "healthCheck.path 'health' must start with '/', e.g. /health"),
                row("path with a space", c -> c.healthCheck = check("/my health", null, null), "healthCheck.path",
                        "healthCheck.path '/my health' must not contain spaces, control characters or non-ASCII "
                                + "characters; percent-encode them (a space is %20)"),
                row("path with a tab", c -> c.healthCheck = check("/a\tb", null, null), "healthCheck.path",
                        "healthCheck.path '/a\\u0009b' must not contain spaces, control characters or non-ASCII "
                                + "characters; percent-encode them (a space is %20)"),
                row("path with a newline", c -> c.healthCheck = check("/a\r\nHost: x", null, null), "healthCheck.path",
                        "healthCheck.path '/a\\u000d\\u000aHost: x' must not contain spaces, control characters or "
                                + "non-ASCII characters; percent-encode them (a space is %20)"),
                row("path with non-ASCII", c -> c.healthCheck = check("/gesundheit-ü", null, null), "healthCheck.path",
                        "healthCheck.path '/gesundheit-ü' must not contain spaces, control characters or non-ASCII "
                                + "characters; percent-encode them (a space is %20)"),
                row("path of 1025 characters", c -> c.healthCheck = check("/" + "a".repeat(1024), null, null),
                        "healthCheck.path", "healthCheck.path is 1025 characters long; at most 1024 are allowed"),
                row("interval 999 ms", c -> c.healthCheck = check("/", 999L, 100L), "healthCheck.intervalMs",
                        "healthCheck.intervalMs must be between 1 s and 1 h, was 999 ms"),
                row("interval above 1 h", c -> c.healthCheck = check("/", 3_600_001L, null), "healthCheck.intervalMs",
                        "healthCheck.intervalMs must be between 1 s and 1 h, was 3600001 ms"),
                row("timeout 99 ms", c -> c.healthCheck = check("/", null, 99L), "healthCheck.timeoutMs",
                        "healthCheck.timeoutMs must be at least 100 ms, was 99 ms"),
                row("timeout equal to the interval", c -> c.healthCheck = check("/", 5_000L, 5_000L),
                        "healthCheck.timeoutMs",
                        "healthCheck.timeoutMs (5 s) must be shorter than healthCheck.intervalMs (5 s)"),
                row("default timeout above a short interval", c -> c.healthCheck = check("/", 1_000L, null),
                        "healthCheck.timeoutMs",
                        "healthCheck.timeoutMs (2 s) must be shorter than healthCheck.intervalMs (1 s)"),
                row("status from 99", c -> c.healthCheck = status(99, null), "healthCheck.expectedStatusMin",
                        "healthCheck.expectedStatusMin must be between 100 and 599, was 99"),
                row("status to 600", c -> c.healthCheck = status(null, 600), "healthCheck.expectedStatusMax",
                        "healthCheck.expectedStatusMax must be between 100 and 599, was 600"),
                row("status from above status to", c -> c.healthCheck = status(500, 499), "healthCheck.expectedStatusMax",
                        "healthCheck.expectedStatusMax (499) must not be below healthCheck.expectedStatusMin (500)"),
                row("status from above the default status to", c -> c.healthCheck = status(400, null),
                        "healthCheck.expectedStatusMax",
                        "healthCheck.expectedStatusMax (399) must not be below healthCheck.expectedStatusMin (400)"),
                row("healthy threshold 0", c -> c.healthCheck = thresholds(0, null), "healthCheck.healthyThreshold",
                        "healthCheck.healthyThreshold must be between 1 and 10, was 0"),
                row("healthy threshold 11", c -> c.healthCheck = thresholds(11, null), "healthCheck.healthyThreshold",
                        "healthCheck.healthyThreshold must be between 1 and 10, was 11"),
                row("unhealthy threshold 0", c -> c.healthCheck = thresholds(null, 0), "healthCheck.unhealthyThreshold",
                        "healthCheck.unhealthyThreshold must be between 1 and 10, was 0"),
                row("unhealthy threshold 11", c -> c.healthCheck = thresholds(null, 11), "healthCheck.unhealthyThreshold",
                        "healthCheck.unhealthyThreshold must be between 1 and 10, was 11"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settingProblems")
    void rejectsSettings(String title, Consumer<Draft> change, String field, String message) {
        Draft draft = new Draft();
        change.accept(draft);

        assertThat(BackendValidator.problems(draft.command())).containsExactly(new FieldProblem(field, message));
    }

    /** The edges of every range are accepted. */
    static Stream<Arguments> acceptedEdges() {
        return Stream.of(
                row("weight 1", c -> c.servers.set(0, new ServerCommand("10.0.0.1:80", 1, null, null)), null, null),
                row("weight 1000", c -> c.servers.set(0, new ServerCommand("10.0.0.1:80", 1000, null, null)), null, null),
                row("a backup next to a primary", c -> c.servers.add(new ServerCommand("10.0.0.2:80", null, true, null)),
                        null, null),
                row("every server drained", c -> c.servers.set(0, new ServerCommand("10.0.0.1:80", null, null, true)),
                        null, null),
                row("policy in capitals with underscores", c -> c.balancing = "POWER_OF_TWO_CHOICES", null, null),
                row("maxRetries 0", c -> c.maxRetries = 0, null, null),
                row("maxRetries 10", c -> c.maxRetries = 10, null, null),
                row("connect timeout 100 ms", c -> c.connectTimeoutMs = 100L, null, null),
                row("connect timeout 5 min", c -> c.connectTimeoutMs = 300_000L, null, null),
                row("response timeout 1 s", c -> c.responseTimeoutMs = 1_000L, null, null),
                row("response timeout 1 h", c -> c.responseTimeoutMs = 3_600_000L, null, null),
                row("passive checks off", c -> c.passiveHealth = new PassiveHealthCommand(0, 1), null, null),
                row("passive maximum", c -> c.passiveHealth = new PassiveHealthCommand(100, 3600), null, null),
                row("path of 1024 characters", c -> c.healthCheck = check("/" + "a".repeat(1023), null, null), null, null),
                row("percent-encoded path with a query", c -> c.healthCheck = check("/health%20check?deep=1", null, null),
                        null, null),
                row("interval 1 s, timeout 100 ms", c -> c.healthCheck = check("/", 1_000L, 100L), null, null),
                row("interval 1 h, timeout just below", c -> c.healthCheck = check("/", 3_600_000L, 3_599_999L), null, null),
                row("status 100-599", c -> c.healthCheck = status(100, 599), null, null),
                row("one status only", c -> c.healthCheck = status(204, 204), null, null),
                row("thresholds 1 and 10", c -> c.healthCheck = thresholds(1, 10), null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedEdges")
    void acceptsTheEdges(String title, Consumer<Draft> change, String unusedField, String unusedMessage) {
        Draft draft = new Draft();
        change.accept(draft);

        assertThat(BackendValidator.problems(draft.command())).isEmpty();
    }

    @Test
    void reportsEveryProblemAtOnceInFieldOrder() {
        Draft draft = new Draft();
        draft.name = "bad name";
        draft.servers = new ArrayList<>(List.of(ServerCommand.of("a:1"), new ServerCommand("b:70000", 0, null, null),
                ServerCommand.of("c")));
        draft.balancing = "random";
        draft.connectTimeoutMs = 1L;
        draft.maxRetries = 99;
        draft.healthCheck = new HealthCheckCommand("x", 10L, 20L, 700, 100, 0, 0);

        assertThat(BackendValidator.problems(draft.command())).extracting(FieldProblem::field).containsExactly(
                "name", "servers[1]", "servers[1].weight", "servers[2]", "balancing", "connectTimeoutMs", "maxRetries",
                "healthCheck.path", "healthCheck.intervalMs", "healthCheck.timeoutMs", "healthCheck.expectedStatusMin",
                "healthCheck.healthyThreshold", "healthCheck.unhealthyThreshold");
    }

    @Test
    void fillsInEveryDefaultButTheTimeouts() {
        BackendCommand valid = BackendValidator.normalize(new BackendCommand("app", List.of("127.0.0.1:8080")));

        assertThat(valid).isEqualTo(new BackendCommand("app", List.of(new ServerCommand("127.0.0.1:8080", 1, false, false)),
                "round-robin", null, null, 2, new PassiveHealthCommand(3, 30), null));
    }

    @Test
    void fillsInTheDefaultsOfAHealthCheckGivenWithoutSettings() {
        Draft draft = new Draft();
        draft.healthCheck = new HealthCheckCommand(null, null, null, null, null, null, null);

        assertThat(BackendValidator.normalize(draft.command()).healthCheck())
                .isEqualTo(new HealthCheckCommand("/", 10_000L, 2_000L, 200, 399, 2, 3));
    }

    @Test
    void keepsEveryGivenSettingAndWritesThePolicyByItsEngineName() {
        BackendCommand given = new BackendCommand("app",
                List.of(new ServerCommand("10.0.0.1:8080", 7, false, true), new ServerCommand("10.0.0.2:8080", 1, true, false)),
                "Sticky_Cookie", 1_500L, 90_000L, 0, new PassiveHealthCommand(0, 120),
                new HealthCheckCommand("/healthz", 20_000L, 500L, 204, 204, 1, 10));

        assertThat(BackendValidator.normalize(given)).isEqualTo(new BackendCommand("app", given.servers(),
                "sticky-cookie", 1_500L, 90_000L, 0, new PassiveHealthCommand(0, 120), given.healthCheck()));
    }

    @Test
    void everyPolicyTheEngineKnowsIsAcceptedUnderItsOwnName() {
        for (LoadBalancing policy : LoadBalancing.values()) {
            Draft draft = new Draft();
            draft.balancing = policy.configName();
            assertThat(BackendValidator.normalize(draft.command()).balancing()).isEqualTo(policy.configName());
        }
    }

    @Test
    void normalizesNameAndAddresses() {
        BackendCommand valid = BackendValidator.normalize(new BackendCommand("  app.v2_blue-1 ",
                List.of(" 127.0.0.1:8080 ", "[::1]:9000", "backend.internal:80")));
        assertThat(valid.name()).isEqualTo("app.v2_blue-1");
        assertThat(valid.servers()).extracting(ServerCommand::address)
                .containsExactly("127.0.0.1:8080", "[::1]:9000", "backend.internal:80");
        assertThat(BackendValidator.problems(new BackendCommand("a".repeat(64), List.of("h:1")))).isEmpty();
        assertThat(BackendValidator.problems(new BackendCommand("app", List.of("h".repeat(301) + ":1"))))
                .containsExactly(new FieldProblem("servers[0]", "servers[0] is 303 characters long; at most 300 are allowed"));
        assertThat(BackendValidator.problems(new BackendCommand("a".repeat(65), List.of("h:1"))))
                .containsExactly(new FieldProblem("name", "name must be at most 64 characters, was 65"));
    }

    @Test
    void aNullServerEntryIsNamedLikeAnEmptyAddress() {
        BackendCommand command = new BackendCommand("app", Arrays.asList(ServerCommand.of("10.0.0.1:80"), null),
                null, null, null, null, null, null);

        assertThat(BackendValidator.problems(command))
                .containsExactly(new FieldProblem("servers[1]", "servers[1] is empty; expected host:port"));
    }

    private static Arguments row(String title, Consumer<Draft> change, String field, String message) {
        return Arguments.of(title, change, field, message);
    }

    private static HealthCheckCommand check(String path, Long intervalMs, Long timeoutMs) {
        return new HealthCheckCommand(path, intervalMs, timeoutMs, null, null, null, null);
    }

    private static HealthCheckCommand status(Integer min, Integer max) {
        return new HealthCheckCommand("/", null, null, min, max, null, null);
    }

    private static HealthCheckCommand thresholds(Integer healthy, Integer unhealthy) {
        return new HealthCheckCommand("/", null, null, null, null, healthy, unhealthy);
    }

    private static List<String> split(String servers) {
        if (servers.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(servers.split(",")).map(s -> s.equals("<null>") ? null : s).toList();
    }

    /** A valid command, one field of which a row changes. */
    static final class Draft {
        String name = "app";
        List<ServerCommand> servers = new ArrayList<>(List.of(ServerCommand.of("10.0.0.1:80")));
        String balancing;
        Long connectTimeoutMs;
        Long responseTimeoutMs;
        Integer maxRetries;
        PassiveHealthCommand passiveHealth;
        HealthCheckCommand healthCheck;

        BackendCommand command() {
            return new BackendCommand(name, servers, balancing, connectTimeoutMs, responseTimeoutMs, maxRetries,
                    passiveHealth, healthCheck);
        }
    }
}
