package dev.gatehouse.admin.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gatehouse.admin.site.SiteCommand.HeaderRuleCommand;
import dev.gatehouse.admin.site.SiteCommand.HeadersCommand;
import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;
import dev.gatehouse.admin.site.SiteCommand.WebsocketCommand;
import dev.gatehouse.storage.site.SiteHeaders;
import dev.gatehouse.storage.site.SiteRedirect;
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

    // --- Action: forward or redirect ---

    @Test
    void aNewFormForwardsAndHasTheRedirectDefaultsReady() {
        SiteForm form = new SiteForm();

        assertThat(form.getAction()).isEqualTo(SiteForm.FORWARD);
        assertThat(form.isRedirect()).isFalse();
        assertThat(form.getRedirectStatus()).isEqualTo("301");
        assertThat(form.isRedirectKeepPath()).isTrue();
    }

    /** action posted | command's backend | command's redirect target (empty = no redirect). */
    @ParameterizedTest(name = "action ''{0}''")
    @CsvSource(delimiter = '|', emptyValue = "", nullValues = "<null>", textBlock = """
        forward  | app    | <null>
        <null>   | app    | <null>
        anything | app    | <null>
        redirect | <null> | https://new.example.test
        """)
    void onlyTheChosenActionsFieldsAreSent(String action, String backend, String target) {
        SiteForm form = form(false, "");
        form.setAction(action);
        form.setRedirectTarget("https://new.example.test");
        form.setRedirectStatus("308");
        form.setRedirectKeepPath(false);

        SiteCommand command = form.toCommand();

        assertThat(command.backend()).isEqualTo(backend);
        assertThat(command.redirect()).isEqualTo(target == null ? null : new RedirectCommand(target, 308, false));
        assertThat(command.headers()).as("a redirect site sends no headers: it keeps its rules")
                .isEqualTo(target == null ? HeadersCommand.DEFAULT : null);
    }

    /** status posted | problem (empty = none). */
    @ParameterizedTest(name = "status ''{0}''")
    @CsvSource(delimiter = '|', emptyValue = "", nullValues = "<null>", textBlock = """
        301    | <null>
        ' 307' | <null>
        ''     | <null>
        999    | <null>
        moved  | redirect status 'moved' must be 301, 302, 307 or 308
        3O1    | redirect status '3O1' must be 301, 302, 307 or 308
        """)
    void aStatusThatIsNoNumberIsNamedWhileTheRangeIsLeftToTheValidator(String status, String problem) {
        SiteForm form = form(false, "");
        form.setAction(SiteForm.REDIRECT);
        form.setRedirectStatus(status);

        assertThat(form.redirectStatusProblem()).isEqualTo(problem);
        form.setAction(SiteForm.FORWARD);
        assertThat(form.redirectStatusProblem()).as("not judged while forwarding").isNull();
    }

    @Test
    void aRedirectSiteFillsTheRedirectFieldsAndIsSentBackUnchanged() {
        SiteView site = new SiteView(1, List.of("old.example.test"), null, true, null, false, null, false, false,
                false, null, T0, T0, new SiteRedirect("https://new.example.test/x", 302, false), SiteHeaders.DEFAULT);

        SiteForm form = SiteForm.from(site);

        assertThat(form.isRedirect()).isTrue();
        assertThat(form.getBackend()).isEmpty();
        assertThat(form.getRedirectTarget()).isEqualTo("https://new.example.test/x");
        assertThat(form.getRedirectStatus()).isEqualTo("302");
        assertThat(form.isRedirectKeepPath()).isFalse();
        assertThat(form.toCommand().redirect()).isEqualTo(new RedirectCommand("https://new.example.test/x", 302, false));
        assertThat(form.toCommand().backend()).isNull();
    }

    @Test
    void theServicesRedirectProblemsGoToTheirControls() {
        assertThat(SiteForm.controlFor("redirect.target")).isEqualTo("redirectTarget");
        assertThat(SiteForm.controlFor("redirect")).isEqualTo("redirectTarget");
        assertThat(SiteForm.controlFor("redirect.status")).isEqualTo("redirectStatus");
        assertThat(SiteForm.FIELDS).contains("action", "redirectTarget", "redirectStatus", "redirectKeepPath");
    }

    // --- Headers ---

    @Test
    void aSitesRulesBecomeRowsAndAreSentBackUnchanged() {
        SiteHeaders headers = new SiteHeaders(false, List.of(new SiteHeaders.Rule("remove", "X-Debug", null)),
                List.of(new SiteHeaders.Rule("set", "X-Frame-Options", "DENY")));
        SiteView site = new SiteView(1, List.of("app.example.test"), "app", true, null, false, null, false, false,
                false, null, T0, T0, null, headers);

        SiteForm form = SiteForm.from(site);

        assertThat(form.isPassHost()).isFalse();
        assertThat(form.getRequestHeaders()).extracting("action", "name", "value")
                .containsExactly(tuple("remove", "X-Debug", ""));
        assertThat(form.toCommand().headers()).isEqualTo(new HeadersCommand(false,
                List.of(new HeaderRuleCommand("remove", "X-Debug", "")),
                List.of(new HeaderRuleCommand("set", "X-Frame-Options", "DENY"))));
    }

    @Test
    void emptyRowsAreNoRulesAndProblemsPointAtTheRowsTheRulesCameFrom() {
        SiteForm form = form(false, "");
        form.addRule("request");
        form.addRule("request");
        form.getRequestHeaders().get(1).setName("X-A");
        form.addRule("response");
        form.addRule("response");
        form.addRule("response");
        form.getResponseHeaders().get(2).setValue("only a value");

        HeadersCommand headers = form.toCommand().headers();

        assertThat(headers.request()).containsExactly(new HeaderRuleCommand("set", "X-A", ""));
        assertThat(headers.response()).containsExactly(new HeaderRuleCommand("set", "", "only a value"));
        assertThat(form.ruleControlFor("requestHeaders[0].name")).isEqualTo("requestHeaders[1].name");
        assertThat(form.ruleControlFor("requestHeaders[0].action")).isEqualTo("requestHeaders[1].action");
        assertThat(form.ruleControlFor("requestHeaders[0]")).isEqualTo("requestHeaders[1].name");
        assertThat(form.ruleControlFor("responseHeaders[0].value")).isEqualTo("responseHeaders[2].value");
        assertThat(form.ruleControlFor("responseHeaders[5].name")).isEqualTo("responseHeaders");
        assertThat(form.ruleControlFor("backend")).isNull();
        assertThat(form.ruleControlFor(null)).isNull();
    }

    @Test
    void addRuleAddsASetRowToTheNamedList() {
        SiteForm form = new SiteForm();

        form.addRule("response");

        assertThat(form.getRequestHeaders()).isEmpty();
        assertThat(form.getResponseHeaders()).singleElement().satisfies(row -> {
            assertThat(row.getAction()).isEqualTo("set");
            assertThat(row.getName()).isEmpty();
        });
        assertThat(form.isPassHost()).isTrue();
    }

    @Test
    void theBinderMaySetEachRulesFieldsButNotTheListsThemselves() {
        assertThat(SiteForm.BINDABLE).contains("passHost", "requestHeaders[*].name", "responseHeaders[*].value",
                "requestHeaders[*].action", "action", "redirectTarget").doesNotContain("requestHeaders", "responseHeaders");
    }

    // --- HTTP/2, trusted proxies, Forwarded ---

    @Test
    void aNewFormOffersHttp2AndTrustsNoProxy() {
        SiteForm form = form(false, "");

        assertThat(form.isHttp2()).isTrue();
        assertThat(form.getTrustedProxies()).isEmpty();
        assertThat(form.isForwardedHeader()).isFalse();
        assertThat(form.toCommand().https().http2()).isTrue();
        assertThat(form.toCommand().headers()).isEqualTo(HeadersCommand.DEFAULT);
    }

    @Test
    void http2OffAndTheTrustedProxiesAreShownOnePerLineAndSentBackUnchanged() {
        SiteHeaders headers = new SiteHeaders(true, List.of(), List.of(), List.of("10.0.0.0/8", "2001:db8::/32"), true);
        SiteView site = new SiteView(1, List.of("app.example.test"), "app", true, null, false, null, false, false,
                false, null, T0, T0, null, headers, false);

        SiteForm form = SiteForm.from(site);

        assertThat(form.isHttp2()).isFalse();
        assertThat(form.getTrustedProxies()).isEqualTo("10.0.0.0/8\n2001:db8::/32");
        assertThat(form.isForwardedHeader()).isTrue();
        SiteCommand command = form.toCommand();
        assertThat(command.https().http2()).isFalse();
        assertThat(command.headers()).isEqualTo(new HeadersCommand(true, List.of(), List.of(),
                List.of("10.0.0.0/8", "2001:db8::/32"), true));
    }

    @Test
    void aRedirectSiteSendsNoTrustedProxiesSoItKeepsItsOwnButHttp2StillGoes() {
        SiteForm form = form(false, "");
        form.setAction(SiteForm.REDIRECT);
        form.setRedirectTarget("https://new.example.test");
        form.setTrustedProxies("10.0.0.1");
        form.setHttp2(false);

        assertThat(form.toCommand().headers()).isNull();
        assertThat(form.toCommand().https().http2()).isFalse();
    }

    @Test
    void theBinderMaySetTheNewControlsAndTheirProblemsGoToThem() {
        assertThat(SiteForm.BINDABLE).contains("http2", "trustedProxies", "forwardedHeader");
        assertThat(SiteForm.FIELDS).contains("http2", "trustedProxies", "forwardedHeader");
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
