package dev.gatehouse.admin.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.common.FieldProblem;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        app          | [::1:80                     | servers[0] | servers[0] '[::1:80' is not [ipv6]:port
        """)
    void rejects(String name, String servers, String field, String message) {
        assertThat(BackendValidator.problems(new BackendCommand(name, split(servers))))
                .containsExactly(new FieldProblem(field, message));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThat(BackendValidator.problems(new BackendCommand("bad name", List.of("a:1", "b:70000", "c"))))
                .extracting(FieldProblem::field)
                .containsExactly("name", "servers[1]", "servers[2]");
    }

    @Test
    void normalizesNameAndAddresses() {
        BackendCommand valid = BackendValidator.normalize(new BackendCommand("  app.v2_blue-1 ",
                List.of(" 127.0.0.1:8080 ", "[::1]:9000", "backend.internal:80")));
        assertThat(valid).isEqualTo(new BackendCommand("app.v2_blue-1",
                List.of("127.0.0.1:8080", "[::1]:9000", "backend.internal:80")));
        assertThat(BackendValidator.problems(new BackendCommand("a".repeat(64), List.of("h:1")))).isEmpty();
        assertThat(BackendValidator.problems(new BackendCommand("app", List.of("h".repeat(301) + ":1"))))
                .containsExactly(new FieldProblem("servers[0]", "servers[0] is 303 characters long; at most 300 are allowed"));
        assertThat(BackendValidator.problems(new BackendCommand("a".repeat(65), List.of("h:1"))))
                .containsExactly(new FieldProblem("name", "name must be at most 64 characters, was 65"));
    }

    private static List<String> split(String servers) {
        if (servers.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(servers.split(",")).map(s -> s.equals("<null>") ? null : s).toList();
    }
}
