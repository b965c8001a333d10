package dev.gatehouse.admin.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.engine.config.StreamDefinition;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamValidatorTest {

    private static final Map<Integer, String> RESERVED = Map.of(8081, "the dashboard's port", 8080, "the proxy's HTTP port",
            8443, "the proxy's HTTPS port");

    private static StreamCommand command(Integer port, String bindHost, String backend, String proxyProtocol, Long idle,
                                         Long connect) {
        return new StreamCommand(port, bindHost, backend, null, proxyProtocol, idle, connect);
    }

    /** port | bind host | backend | PROXY protocol | idle ms | connect ms -> stored bind host | protocol (<null> = not given). */
    @ParameterizedTest(name = "{0} {1} {2} {3} {4} {5} -> {6}, {7}")
    @CsvSource(delimiter = '|', nullValues = "<null>", textBlock = """
        5432  | <null>          | db   | <null> | <null>    | <null> | <null>       | none
        1     | ''              | db   | ''     | 1000      | 100    | <null>       | none
        65535 | ' 127.0.0.1 '   | ' db'| V1     | 604800000 | 300000 | 127.0.0.1    | v1
        2222  | ::1             | ssh  | v2     | 600000    | 5000   | ::1          | v2
        2223  | [2001:db8::1]   | ssh  | NONE   | <null>    | <null> | 2001:db8::1  | none
        8082  | 0.0.0.0         | db   | ' v2 ' | <null>    | <null> | 0.0.0.0      | v2
        """)
    void accepts(Integer port, String bindHost, String backend, String proxyProtocol, Long idle, Long connect,
                 String storedHost, String storedProtocol) {
        StreamValidator.Valid valid = StreamValidator.normalize(command(port, bindHost, backend, proxyProtocol, idle, connect),
                RESERVED);

        assertThat(valid).isEqualTo(new StreamValidator.Valid(port, storedHost, backend.trim(), storedProtocol, idle, connect));
    }

    /** port | bind host | backend | PROXY protocol | idle ms | connect ms -> the one problem's field and message. */
    @ParameterizedTest(name = "{6}: {7}")
    @CsvSource(delimiter = '|', nullValues = "<null>", textBlock = """
        <null> | <null>      | db     | <null> | <null>    | <null> | listenPort       | listenPort is required: the port on the appliance clients connect to, 1-65535, e.g. 5432
        0      | <null>      | db     | <null> | <null>    | <null> | listenPort       | listenPort 0 is out of range; ports are 1-65535
        65536  | <null>      | db     | <null> | <null>    | <null> | listenPort       | listenPort 65536 is out of range; ports are 1-65535
        8081   | <null>      | db     | <null> | <null>    | <null> | listenPort       | listenPort 8081 is the dashboard's port; choose another port
        8080   | <null>      | db     | <null> | <null>    | <null> | listenPort       | listenPort 8080 is the proxy's HTTP port; choose another port
        8443   | <null>      | db     | <null> | <null>    | <null> | listenPort       | listenPort 8443 is the proxy's HTTPS port; choose another port
        5432   | db.local    | db     | <null> | <null>    | <null> | bindHost         | bindHost 'db.local' is not an IPv4 or IPv6 address, e.g. 127.0.0.1 or ::1; leave it empty to listen on the proxy's own address
        5432   | 10.0.0.256  | db     | <null> | <null>    | <null> | bindHost         | bindHost '10.0.0.256' is not an IPv4 or IPv6 address
        5432   | 127.0.0.1:5 | db     | <null> | <null>    | <null> | bindHost         | bindHost '127.0.0.1:5' is not an IPv4 or IPv6 address
        5432   | <null>      | <null> | <null> | <null>    | <null> | backend          | backend is required: the name of the backend whose servers take the connections
        5432   | <null>      | '  '   | <null> | <null>    | <null> | backend          | backend is required
        5432   | <null>      | db     | v3     | <null>    | <null> | proxyProtocol    | proxyProtocol 'v3' is not one of none, v1, v2
        5432   | <null>      | db     | <null> | 999       | <null> | idleTimeoutMs    | idleTimeoutMs must be between 1 s and 7 days, was 999 ms
        5432   | <null>      | db     | <null> | 604800001 | <null> | idleTimeoutMs    | idleTimeoutMs must be between 1 s and 7 days, was 604800001 ms
        5432   | <null>      | db     | <null> | 0         | <null> | idleTimeoutMs    | was 0 ms
        5432   | <null>      | db     | <null> | <null>    | 99     | connectTimeoutMs | connectTimeoutMs must be between 100 ms and 5 min, was 99 ms
        5432   | <null>      | db     | <null> | <null>    | 360000 | connectTimeoutMs | connectTimeoutMs must be between 100 ms and 5 min, was 6 min
        """)
    void rejectsWithOneProblemNamingTheField(Integer port, String bindHost, String backend, String proxyProtocol, Long idle,
                                              Long connect, String field, String message) {
        assertThat(StreamValidator.problems(command(port, bindHost, backend, proxyProtocol, idle, connect), RESERVED))
                .singleElement().satisfies(problem -> {
                    assertThat(problem.field()).isEqualTo(field);
                    assertThat(problem.message()).contains(message);
                });
    }

    @Test
    void everyProblemIsReportedAtOnceInFieldOrder() {
        assertThatThrownBy(() -> StreamValidator.normalize(command(70000, "nowhere", "", "v9", 1L, 1L), RESERVED))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).problems()).extracting(FieldProblem::field)
                        .containsExactly("listenPort", "bindHost", "backend", "proxyProtocol", "idleTimeoutMs",
                                "connectTimeoutMs"));
    }

    @Test
    void theDefaultIdleTimeoutIsTheEnginesAndLiesInTheRange() {
        assertThat(StreamValidator.DEFAULT_IDLE_TIMEOUT_MS)
                .isEqualTo(StreamDefinition.DEFAULT_IDLE_TIMEOUT.toMillis())
                .isEqualTo(600_000L)
                .isBetween(StreamValidator.MIN_IDLE_TIMEOUT_MS, StreamValidator.MAX_IDLE_TIMEOUT_MS);
    }
}
