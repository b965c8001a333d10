package dev.gatehouse.admin.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.site.SiteCommand.WebsocketCommand;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.storage.site.SiteWebsockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebsocketValidatorTest {

    /** websockets | idle timeout in ms ("" = not given) | what is stored. */
    @ParameterizedTest(name = "websockets {0}, timeout ''{1}'' -> stored {2}, {3}")
    @CsvSource(delimiter = '|', emptyValue = "", nullValues = "<null>", textBlock = """
        false | <null>   | false | <null>
        true  | <null>   | true  | <null>
        true  | 1000     | true  | 1000
        true  | 1001     | true  | 1001
        true  | 600000   | true  | 600000
        true  | 3600000  | true  | 3600000
        true  | 86399999 | true  | 86399999
        true  | 86400000 | true  | 86400000
        """)
    void accepts(boolean websockets, Long idleTimeoutMs, boolean storedOn, Long storedTimeout) {
        WebsocketCommand command = new WebsocketCommand(websockets, idleTimeoutMs);

        assertThat(WebsocketValidator.problems(command)).isEmpty();
        assertThat(WebsocketValidator.toStored(command)).isEqualTo(new SiteWebsockets(storedOn, storedTimeout));
    }

    /** websockets | idle timeout in ms | the one problem's message (always on websocketIdleTimeoutMs). */
    @ParameterizedTest(name = "websockets {0}, timeout {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        true  | 999                  | websocketIdleTimeoutMs must be between 1 s and 24 h, was 999 ms
        true  | 500                  | websocketIdleTimeoutMs must be between 1 s and 24 h, was 500 ms
        true  | 0                    | websocketIdleTimeoutMs must be between 1 s and 24 h, was 0 ms
        true  | -60000               | websocketIdleTimeoutMs must be between 1 s and 24 h, was -1 min
        true  | 86400001             | websocketIdleTimeoutMs must be between 1 s and 24 h, was 86400001 ms
        true  | 90000000             | websocketIdleTimeoutMs must be between 1 s and 24 h, was 25 h
        true  | 9223372036854775807  | websocketIdleTimeoutMs must be between 1 s and 24 h, was 9223372036854775807 ms
        false | 600000               | websocketIdleTimeoutMs (10 min) only applies when websockets is on: turn websockets on, or leave the timeout out
        false | 1000                 | websocketIdleTimeoutMs (1 s) only applies when websockets is on: turn websockets on, or leave the timeout out
        false | 0                    | websocketIdleTimeoutMs (0 ms) only applies when websockets is on: turn websockets on, or leave the timeout out
        """)
    void rejectsWithOneProblemNamingTheField(boolean websockets, long idleTimeoutMs, String message) {
        assertThat(WebsocketValidator.problems(new WebsocketCommand(websockets, idleTimeoutMs)))
                .containsExactly(new FieldProblem("websocketIdleTimeoutMs", message));
    }

    @Test
    void theDefaultIsTheEnginesAndLiesInTheRange() {
        assertThat(WebsocketValidator.DEFAULT_IDLE_TIMEOUT_MS)
                .isEqualTo(SiteDefinition.DEFAULT_WEBSOCKET_IDLE_TIMEOUT.toMillis())
                .isEqualTo(600_000L)
                .isBetween(WebsocketValidator.MIN_IDLE_TIMEOUT_MS, WebsocketValidator.MAX_IDLE_TIMEOUT_MS);
        assertThat(WebsocketValidator.toStored(WebsocketCommand.OFF)).isSameAs(SiteWebsockets.OFF);
    }
}
