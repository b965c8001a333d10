package dev.gatehouse.admin.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.backend.BackendCommand.HealthCheckCommand;
import dev.gatehouse.admin.backend.BackendCommand.LimitsCommand;
import dev.gatehouse.admin.backend.BackendCommand.PassiveHealthCommand;
import dev.gatehouse.admin.backend.BackendCommand.ServerCommand;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.engine.config.BackendProtocol;
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
        app          | ftp://host:80               | servers[0] | servers[0] 'ftp://host:80' has scheme 'ftp'; only http:// and https:// are allowed, or host:port alone
        app          | HTTPS+x://host:80           | servers[0] | servers[0] 'HTTPS+x://host:80' has scheme 'HTTPS+x'; only http:// and https:// are allowed, or host:port alone
        app          | https://host:8443/app       | servers[0] | servers[0] 'https://host:8443/app' has a path or query ('/app'); a server is only https://host:port, paths belong to the site
        app          | http://host/health?x=1      | servers[0] | servers[0] 'http://host/health?x=1' has a path or query ('/health?x=1'); a server is only http://host:port, paths belong to the site
        app          | https://host:8443?x         | servers[0] | servers[0] 'https://host:8443?x' has a path or query ('?x'); a server is only https://host:port, paths belong to the site
        app          | https://host:99999          | servers[0] | servers[0] 'https://host:99999' has port 99999; ports are 1-65535
        app          | https://                    | servers[0] | servers[0] 'https://' is not host:port
        app          | https://user@host:443       | servers[0] | servers[0] 'https://user@host:443' has an invalid host
        app          | https://host:443,host:443   | servers[1] | servers[1] 'host:443' is listed twice
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
                row("unknown protocol", c -> c.protocol = "spdy", "protocol",
                        "protocol: unknown protocol 'spdy'; use one of http1, http2"),
                row("HTTP/3", c -> c.protocol = "h3", "protocol", "protocol: unknown protocol 'h3'; use one of http1, http2"),
                row("protocol with a control character", c -> c.protocol = "h2\tc", "protocol",
                        "protocol: unknown protocol 'h2\\u0009c'; use one of http1, http2"),
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
                        "healthCheck.unhealthyThreshold must be between 1 and 10, was 11"),
                row("unknown scheme", c -> c.servers.set(0, tls("10.0.0.1:80", "ftp", null, null)), "servers[0].scheme",
                        "servers[0].scheme must be http or https, was 'ftp'"),
                row("scheme https+", c -> c.servers.set(0, tls("10.0.0.1:80", "https+", null, null)), "servers[0].scheme",
                        "servers[0].scheme must be http or https, was 'https+'"),
                row("scheme against the address's", c -> c.servers.set(0, tls("https://10.0.0.1:443", "http", null, null)),
                        "servers[0].scheme",
                        "servers[0].scheme 'http' contradicts the address 'https://10.0.0.1:443'; give the scheme once"),
                row("no verification on plain http", c -> c.servers.set(0, tls("10.0.0.1:80", null, false, null)),
                        "servers[0].verifyTls", "servers[0].verifyTls is false, but the server is plain http: "
                                + "certificate verification only applies to https servers"),
                row("no verification on explicit http", c -> c.servers.set(0, tls("10.0.0.1:80", "http", false, null)),
                        "servers[0].verifyTls", "servers[0].verifyTls is false, but the server is plain http: "
                                + "certificate verification only applies to https servers"),
                row("TLS name on plain http", c -> c.servers.set(0, tls("10.0.0.1:80", null, null, "app.internal")),
                        "servers[0].tlsServerName", "servers[0].tlsServerName 'app.internal' only applies to https "
                                + "servers; this one is plain http (set scheme https, or write the address as https://host:port)"),
                row("TLS name on http://", c -> c.servers.set(0, tls("http://10.0.0.1", null, null, "app.internal")),
                        "servers[0].tlsServerName", "servers[0].tlsServerName 'app.internal' only applies to https "
                                + "servers; this one is plain http (set scheme https, or write the address as https://host:port)"),
                row("TLS name with a space", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null, "app internal")),
                        "servers[0].tlsServerName", "servers[0].tlsServerName 'app internal' is not a DNS name: it may "
                                + "only contain letters, digits, '-' and '.', e.g. app.internal"),
                row("TLS name with an underscore", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null, "app_1.internal")),
                        "servers[0].tlsServerName", "servers[0].tlsServerName 'app_1.internal' is not a DNS name: it may "
                                + "only contain letters, digits, '-' and '.', e.g. app.internal"),
                row("TLS name with a port", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null, "app.internal:443")),
                        "servers[0].tlsServerName", "servers[0].tlsServerName 'app.internal:443' is not a DNS name: it may "
                                + "only contain letters, digits, '-' and '.', e.g. app.internal"),
                row("TLS name with a newline", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null, "a\nb")),
                        "servers[0].tlsServerName", "servers[0].tlsServerName 'a\\u000ab' is not a DNS name: it may "
                                + "only contain letters, digits, '-' and '.', e.g. app.internal"),
                row("TLS name with two dots in a row", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null, "app..internal")),
                        "servers[0].tlsServerName", "servers[0].tlsServerName 'app..internal' is not a DNS name: it has "
                                + "an empty label (a dot at the start or end, or two in a row), e.g. app.internal"),
                row("TLS name ending in a dot", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null, "app.internal.")),
                        "servers[0].tlsServerName", "servers[0].tlsServerName 'app.internal.' is not a DNS name: it has "
                                + "an empty label (a dot at the start or end, or two in a row), e.g. app.internal"),
                row("TLS name with a label of 64", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null, "a".repeat(64) + ".x")),
                        "servers[0].tlsServerName", "servers[0].tlsServerName '" + "a".repeat(64) + ".x' is not a DNS name: "
                                + "it has a label of 64 characters; at most 63 are allowed between two dots, e.g. app.internal"),
                row("TLS name with a label starting with -", c -> c.servers.set(0, tls("https://10.0.0.1", null, null, "-app.internal")),
                        "servers[0].tlsServerName", "servers[0].tlsServerName '-app.internal' is not a DNS name: it has "
                                + "a label that starts or ends with '-', e.g. app.internal"),
                row("TLS name of 254 characters", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null, longName(254))),
                        "servers[0].tlsServerName", "servers[0].tlsServerName is 254 characters long; at most 253 are allowed"),
                row("65 servers", c -> {
                    for (int i = 2; i <= 65; i++) {
                        c.servers.add(ServerCommand.of("10.0.0." + i + ":80"));
                    }
                }, "servers", "at most 64 servers are allowed in a backend, this one has 65"),
                row("idle timeout 999 ms", c -> c.limits = new LimitsCommand(999L, null, null, null), "idleTimeoutMs",
                        "idleTimeoutMs must be between 1 s and 1 h, was 999 ms"),
                row("idle timeout above 1 h", c -> c.limits = new LimitsCommand(3_600_001L, null, null, null), "idleTimeoutMs",
                        "idleTimeoutMs must be between 1 s and 1 h, was 3600001 ms"),
                row("max connections -1", c -> c.limits = new LimitsCommand(null, -1, null, null), "maxConnectionsPerServer",
                        "maxConnectionsPerServer must be between 0 (no limit) and 100000, was -1"),
                row("max connections 100001", c -> c.limits = new LimitsCommand(null, 100_001, null, null),
                        "maxConnectionsPerServer", "maxConnectionsPerServer must be between 0 (no limit) and 100000, was 100001"),
                row("queue size -1", c -> c.limits = new LimitsCommand(null, 10, -1, null), "queueSize",
                        "queueSize must be between 0 and 100000, was -1"),
                row("queue size 100001", c -> c.limits = new LimitsCommand(null, 10, 100_001, null), "queueSize",
                        "queueSize must be between 0 and 100000, was 100001"),
                row("queue timeout 99 ms", c -> c.limits = new LimitsCommand(null, 10, null, 99L), "queueTimeoutMs",
                        "queueTimeoutMs must be between 100 ms and 5 min, was 99 ms"),
                row("queue timeout above 5 min", c -> c.limits = new LimitsCommand(null, 10, null, 300_001L), "queueTimeoutMs",
                        "queueTimeoutMs must be between 100 ms and 5 min, was 300001 ms"));
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
                row("protocol h2c", c -> c.protocol = "h2c", null, null),
                row("protocol GRPC in capitals", c -> c.protocol = " GRPC ", null, null),
                row("protocol HTTP/1.1", c -> c.protocol = "HTTP/1.1", null, null),
                row("blank protocol", c -> c.protocol = " ", null, null),
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
                row("thresholds 1 and 10", c -> c.healthCheck = thresholds(1, 10), null, null),
                row("https by scheme", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null, null)), null, null),
                row("https by scheme in capitals", c -> c.servers.set(0, tls("10.0.0.1:443", " HTTPS ", null, null)), null, null),
                row("https by address and scheme", c -> c.servers.set(0, tls("https://10.0.0.1:443", "https", false, "a.b")),
                        null, null),
                row("explicit http", c -> c.servers.set(0, tls("10.0.0.1:80", "http", true, " ")), null, null),
                row("http:// address", c -> c.servers.set(0, tls("http://10.0.0.1:8080/", null, null, null)), null, null),
                row("https without verification", c -> c.servers.set(0, tls("10.0.0.1:443", "https", false, null)), null, null),
                row("TLS name of 253 characters", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null, longName(253))),
                        null, null),
                row("TLS name with labels of 63 and 1", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null,
                        "A-" + "b".repeat(60) + "9.x")), null, null),
                row("TLS name without dots", c -> c.servers.set(0, tls("10.0.0.1:443", "https", null, "localhost")), null, null),
                row("64 servers", c -> {
                    for (int i = 2; i <= 64; i++) {
                        c.servers.add(ServerCommand.of("10.0.0." + i + ":80"));
                    }
                }, null, null),
                row("idle timeout 1 s", c -> c.limits = new LimitsCommand(1_000L, null, null, null), null, null),
                row("idle timeout 1 h", c -> c.limits = new LimitsCommand(3_600_000L, null, null, null), null, null),
                row("no limit and no queue", c -> c.limits = new LimitsCommand(null, 0, 0, null), null, null),
                row("the largest limit and queue", c -> c.limits = new LimitsCommand(null, 100_000, 100_000, null), null, null),
                row("queue timeout 100 ms", c -> c.limits = new LimitsCommand(null, 1, null, 100L), null, null),
                row("queue timeout 5 min", c -> c.limits = new LimitsCommand(null, 1, null, 300_000L), null, null));
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
        draft.protocol = "spdy";
        draft.connectTimeoutMs = 1L;
        draft.maxRetries = 99;
        draft.healthCheck = new HealthCheckCommand("x", 10L, 20L, 700, 100, 0, 0);
        draft.servers.add(new ServerCommand("d:1", 0, null, null, "gopher", false, "x"));
        draft.servers.add(new ServerCommand("e:1", null, null, null, null, false, "x y"));
        draft.limits = new LimitsCommand(1L, -1, -1, 1L);

        assertThat(BackendValidator.problems(draft.command())).extracting(FieldProblem::field).containsExactly(
                "name", "servers[1]", "servers[1].weight", "servers[2]", "servers[3].scheme", "servers[3].weight",
                "servers[4].verifyTls", "servers[4].tlsServerName", "balancing", "protocol", "connectTimeoutMs", "maxRetries",
                "healthCheck.path", "healthCheck.intervalMs", "healthCheck.timeoutMs", "healthCheck.expectedStatusMin",
                "healthCheck.healthyThreshold", "healthCheck.unhealthyThreshold", "idleTimeoutMs",
                "maxConnectionsPerServer", "queueSize", "queueTimeoutMs");
    }

    @Test
    void fillsInEveryDefaultButTheTimeouts() {
        BackendCommand valid = BackendValidator.normalize(new BackendCommand("app", List.of("127.0.0.1:8080")));

        assertThat(valid).isEqualTo(new BackendCommand("app",
                List.of(new ServerCommand("127.0.0.1:8080", 1, false, false, "http", true, null)),
                "round-robin", null, null, 2, new PassiveHealthCommand(3, 30), null,
                new LimitsCommand(null, 0, 100, 10_000L), "http1"));
    }

    /** protocol as given | as stored: an alias is written back by the engine's name. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "<none>", quoteCharacter = '"', textBlock = """
        <none>     | http1
        ""         | http1
        http1      | http1
        HTTP/1.1   | http1
        http1.1    | http1
        http2      | http2
        " Http2 "  | http2
        h2         | http2
        h2c        | http2
        H2C        | http2
        grpc       | http2
        """)
    void aProtocolIsStoredByItsEngineName(String given, String stored) {
        Draft draft = new Draft();
        draft.protocol = given;

        assertThat(BackendValidator.normalize(draft.command()).protocol()).isEqualTo(stored);
    }

    /** address | scheme given | the stored address | the stored scheme. */
    @ParameterizedTest(name = "{0} + {1} -> {3} {2}")
    @CsvSource(delimiter = '|', nullValues = "<none>", textBlock = """
        10.0.0.1:8443               | <none> | 10.0.0.1:8443      | http
        10.0.0.1:8443               | https  | 10.0.0.1:8443      | https
        10.0.0.1:8443               | HTTP   | 10.0.0.1:8443      | http
        https://10.0.0.1:8443       | <none> | 10.0.0.1:8443      | https
        HTTPS://App.Internal:8443/  | https  | App.Internal:8443  | https
        https://app.internal        | <none> | app.internal:443   | https
        https://[::1]               | <none> | [::1]:443          | https
        https://[::1]:9443          | <none> | [::1]:9443         | https
        http://app.internal         | <none> | app.internal:80    | http
        http://app.internal:8080/   | http   | app.internal:8080  | http
        ' https://10.0.0.1:443 '    | ''     | 10.0.0.1:443       | https
        """)
    void aSchemeInTheAddressIsMovedToTheSchemeField(String address, String scheme, String stored, String storedScheme) {
        ServerCommand valid = BackendValidator.normalize(servers(new ServerCommand(address, null, null, null, scheme,
                null, null))).servers().get(0);

        assertThat(valid.address()).isEqualTo(stored);
        assertThat(valid.scheme()).isEqualTo(storedScheme);
        assertThat(valid.verifyTls()).isTrue();
        assertThat(valid.tlsServerName()).isNull();
    }

    @Test
    void keepsTheTlsSettingsOfAnHttpsServerAndDropsABlankName() {
        BackendCommand valid = BackendValidator.normalize(servers(
                new ServerCommand("https://10.0.0.1:8443", null, null, null, null, false, " app.internal "),
                new ServerCommand("10.0.0.2:8443", null, null, null, "https", null, "  "),
                new ServerCommand("10.0.0.3:80", null, null, null, null, true, "")));

        assertThat(valid.servers()).containsExactly(
                new ServerCommand("10.0.0.1:8443", 1, false, false, "https", false, "app.internal"),
                new ServerCommand("10.0.0.2:8443", 1, false, false, "https", true, null),
                new ServerCommand("10.0.0.3:80", 1, false, false, "http", true, null));
    }

    @Test
    void anUnknownSchemeIsNotAlsoBlamedForItsTlsSettings() {
        BackendCommand command = servers(new ServerCommand("10.0.0.1:80", null, null, null, "tls", false, "app.internal"));

        assertThat(BackendValidator.problems(command)).extracting(FieldProblem::field).containsExactly("servers[0].scheme");
    }

    @Test
    void fillsInTheDefaultsOfAHealthCheckGivenWithoutSettings() {
        Draft draft = new Draft();
        draft.healthCheck = new HealthCheckCommand(null, null, null, null, null, null, null);

        assertThat(BackendValidator.normalize(draft.command()).healthCheck())
                .isEqualTo(new HealthCheckCommand("/", 10_000L, 2_000L, 200, 399, 1, 3));
    }

    @Test
    void keepsEveryGivenSettingAndWritesThePolicyByItsEngineName() {
        BackendCommand given = new BackendCommand("app",
                List.of(new ServerCommand("10.0.0.1:8080", 7, false, true), new ServerCommand("10.0.0.2:8080", 1, true, false)),
                "Sticky_Cookie", 1_500L, 90_000L, 0, new PassiveHealthCommand(0, 120),
                new HealthCheckCommand("/healthz", 20_000L, 500L, 204, 204, 1, 10),
                new LimitsCommand(45_000L, 50, 0, 250L), "gRPC");

        assertThat(BackendValidator.normalize(given)).isEqualTo(new BackendCommand("app", List.of(
                        new ServerCommand("10.0.0.1:8080", 7, false, true, "http", true, null),
                        new ServerCommand("10.0.0.2:8080", 1, true, false, "http", true, null)),
                "sticky-cookie", 1_500L, 90_000L, 0, new PassiveHealthCommand(0, 120), given.healthCheck(),
                given.limits(), "http2"));
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
    void everyProtocolTheEngineKnowsIsAcceptedUnderItsOwnName() {
        for (BackendProtocol protocol : BackendProtocol.values()) {
            Draft draft = new Draft();
            draft.protocol = protocol.configName();
            assertThat(BackendValidator.normalize(draft.command()).protocol()).isEqualTo(protocol.configName());
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

    /** A backend "app" of these servers, every setting at its default. */
    private static BackendCommand servers(ServerCommand... servers) {
        return new BackendCommand("app", List.of(servers), null, null, null, null, null, null, null);
    }

    private static ServerCommand tls(String address, String scheme, Boolean verifyTls, String tlsServerName) {
        return new ServerCommand(address, null, null, null, scheme, verifyTls, tlsServerName);
    }

    /** A valid DNS name of exactly {@code length} characters, in labels of up to 63. */
    private static String longName(int length) {
        StringBuilder name = new StringBuilder();
        while (name.length() < length) {
            if (!name.isEmpty()) {
                name.append('.');
            }
            name.append("a".repeat(Math.min(63, length - name.length())));
        }
        return name.toString();
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
        LimitsCommand limits;
        String protocol;

        BackendCommand command() {
            return new BackendCommand(name, servers, balancing, connectTimeoutMs, responseTimeoutMs, maxRetries,
                    passiveHealth, healthCheck, limits, protocol);
        }
    }
}
