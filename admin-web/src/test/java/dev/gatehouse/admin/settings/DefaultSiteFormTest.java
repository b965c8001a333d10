package dev.gatehouse.admin.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;
import dev.gatehouse.storage.settings.DefaultSite;
import dev.gatehouse.storage.site.SiteRedirect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The unknown-host-names card's conversions: stored choice to form, form to command. */
class DefaultSiteFormTest {

    /** action posted | whether the command carries the redirect. */
    @ParameterizedTest(name = "action ''{0}''")
    @CsvSource(delimiter = '|', nullValues = "<null>", textBlock = """
        not-found | false
        close     | false
        redirect  | true
        <null>    | false
        open      | false
        """)
    void onlyARedirectSendsTheRedirectFields(String action, boolean withRedirect) {
        DefaultSiteForm form = new DefaultSiteForm();
        form.setAction(action);
        form.setRedirectTarget("https://www.example.test");
        form.setRedirectStatus("302");
        form.setRedirectKeepPath(false);

        assertThat(form.toCommand()).isEqualTo(new DefaultSiteCommand(action,
                withRedirect ? new RedirectCommand("https://www.example.test", 302, false) : null));
    }

    /** status posted | problem (empty = none). */
    @ParameterizedTest(name = "status ''{0}''")
    @CsvSource(delimiter = '|', emptyValue = "", nullValues = "<null>", textBlock = """
        308   | <null>
        ''    | <null>
        200   | <null>
        moved | redirect status 'moved' must be 301, 302, 307 or 308
        """)
    void aStatusThatIsNoNumberIsNamedOnlyWithRedirectChosen(String status, String problem) {
        DefaultSiteForm form = new DefaultSiteForm();
        form.setAction(DefaultSite.REDIRECT);
        form.setRedirectStatus(status);

        assertThat(form.redirectStatusProblem()).isEqualTo(problem);
        form.setAction(DefaultSite.CLOSE);
        assertThat(form.redirectStatusProblem()).isNull();
    }

    @Test
    void aFreshFormIsThe404PageWithRedirectDefaultsReady() {
        DefaultSiteForm form = DefaultSiteForm.from(DefaultSite.DEFAULT);

        assertThat(form.getAction()).isEqualTo("not-found");
        assertThat(form.getRedirectTarget()).isEmpty();
        assertThat(form.getRedirectStatus()).isEqualTo("301");
        assertThat(form.isRedirectKeepPath()).isTrue();
        assertThat(form.toCommand()).isEqualTo(new DefaultSiteCommand("not-found", null));
    }

    @Test
    void aStoredRedirectIsSentBackUnchanged() {
        DefaultSiteForm form = DefaultSiteForm.from(new DefaultSite(DefaultSite.REDIRECT,
                new SiteRedirect("https://www.example.test/x", 307, false)));

        assertThat(form.toCommand()).isEqualTo(new DefaultSiteCommand("redirect",
                new RedirectCommand("https://www.example.test/x", 307, false)));
    }

    @Test
    void theServicesRedirectProblemsGoToTheirControls() {
        assertThat(DefaultSiteForm.controlFor("redirect.target")).isEqualTo("redirectTarget");
        assertThat(DefaultSiteForm.controlFor("redirect")).isEqualTo("redirectTarget");
        assertThat(DefaultSiteForm.controlFor("redirect.status")).isEqualTo("redirectStatus");
        assertThat(DefaultSiteForm.controlFor("action")).isEqualTo("action");
    }
}
