package dev.gatehouse.admin.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.site.SiteCommand.WebsocketCommand;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The form's own conversions of the WebSocket settings: the minutes box to a command and back. */
class SiteFormTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    /** minutes typed | milliseconds in the command. */
    @ParameterizedTest(name = "''{0}'' min -> {1} ms")
    @CsvSource(delimiter = '|', textBlock = """
        10      | 600000
        1       | 60000
        0.5     | 30000
        1,5     | 90000
        0.017   | 1020
        ' 15 '  | 900000
        1440    | 86400000
        1441    | 86460000
        0       | 0
        """)
    void theMinutesBoxBecomesMilliseconds(String typed, long millis) {
        SiteForm form = form(true, typed);

        assertThat(form.websocketIdleTimeoutProblem()).isNull();
        assertThat(form.toCommand().websockets()).isEqualTo(new WebsocketCommand(true, millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void anEmptyBoxIsTheDefault(String typed) {
        SiteForm form = form(true, typed);

        assertThat(form.websocketIdleTimeoutProblem()).isNull();
        assertThat(form.toCommand().websockets()).isEqualTo(new WebsocketCommand(true, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10m", "ten", "-5", "1e3", "0.0001", "1.5.5", "10 min", "12345678"})
    void textThatIsNotANumberOfMinutesIsNamedWithAnExample(String typed) {
        SiteForm form = form(true, typed);

        assertThat(form.websocketIdleTimeoutProblem())
                .isEqualTo("idle timeout '" + typed + "' must be a number of minutes, e.g. 10 (or 0.5 for 30 seconds)");
    }

    @Test
    void withWebsocketsOffTheTimeoutIsNeitherJudgedNorSent() {
        SiteForm form = form(false, "not a number");

        assertThat(form.websocketIdleTimeoutProblem()).isNull();
        assertThat(form.toCommand().websockets()).isEqualTo(WebsocketCommand.OFF);
        assertThat(form(false, "15").toCommand().websockets()).isEqualTo(WebsocketCommand.OFF);
    }

    @Test
    void aNewFormHasWebsocketsOffAndAnEmptyBox() {
        SiteForm form = new SiteForm();

        assertThat(form.isWebsockets()).isFalse();
        assertThat(form.getWebsocketIdleTimeoutMinutes()).isEmpty();
        assertThat(SiteForm.DEFAULT_WEBSOCKET_IDLE_TIMEOUT_MINUTES).isEqualTo("10");
    }

    /** milliseconds stored (empty = none) | what the minutes box shows. */
    @ParameterizedTest(name = "{0} ms -> ''{1}''")
    @CsvSource(delimiter = '|', emptyValue = "", nullValues = "<null>", textBlock = """
        <null>   | ''
        600000   | 10
        90000    | 1.5
        30000    | 0.5
        86400000 | 1440
        1000     | 0.017
        45000    | 0.75
        """)
    void anEditFormShowsTheStoredTimeoutInMinutes(Long storedMs, String shown) {
        SiteView site = new SiteView(1, List.of("chat.example.test"), "app", true, null, false, null, false, false,
                true, storedMs, T0, T0);

        SiteForm form = SiteForm.from(site);

        assertThat(form.isWebsockets()).isTrue();
        assertThat(form.getWebsocketIdleTimeoutMinutes()).isEqualTo(shown);
    }

    @Test
    void anEditedSiteWithAWholeMinuteTimeoutIsSentBackUnchanged() {
        SiteView site = new SiteView(1, List.of("chat.example.test"), "app", true, null, false, null, false, false,
                true, 90_000L, T0, T0);

        assertThat(SiteForm.from(site).toCommand().websockets()).isEqualTo(new WebsocketCommand(true, 90_000L));
        assertThat(SiteForm.from(new SiteView(2, List.of("plain.example.test"), "app", true, T0, T0)).toCommand()
                .websockets()).isEqualTo(WebsocketCommand.OFF);
    }

    @Test
    void theServicesTimeoutProblemGoesToTheMinutesBox() {
        assertThat(SiteForm.controlFor("websocketIdleTimeoutMs")).isEqualTo("websocketIdleTimeoutMinutes");
        assertThat(SiteForm.controlFor("hostnames[1]")).isEqualTo("hostnames[1]");
        assertThat(SiteForm.controlFor("hsts")).isEqualTo("hsts");
        assertThat(SiteForm.FIELDS).contains("websockets", "websocketIdleTimeoutMinutes");
    }

    private static SiteForm form(boolean websockets, String minutes) {
        SiteForm form = new SiteForm();
        form.setHostnames("chat.example.test");
        form.setBackend("app");
        form.setWebsockets(websockets);
        form.setWebsocketIdleTimeoutMinutes(minutes);
        return form;
    }
}
