package dev.gatehouse.admin.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import dev.gatehouse.storage.settings.DefaultSite;
import dev.gatehouse.storage.settings.ListenerSettings;
import dev.gatehouse.storage.site.SiteRedirect;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Mono;

/** The Settings page with the service mocked: the unknown-host-names card, Post/Redirect/Get, errors next to fields. */
@WebFluxTest(SettingsController.class)
@WithGatehouseSecurity
class SettingsControllerTest {

    private static final String ADMIN = "admin@example.test";

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private DefaultSiteService defaultSites;
    @MockitoBean
    private ListenerSettingsService listeners;
    @MockitoBean
    private SetupService setup;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
        when(defaultSites.get()).thenReturn(Mono.just(DefaultSite.DEFAULT));
        when(listeners.get()).thenReturn(Mono.just(ListenerSettings.DEFAULT));
    }

    @Test
    void aFreshInstallShowsThe404ChoiceWithTheRedirectDefaultsReady() {
        String html = get("/settings");

        assertThat(html).contains("Unknown host names", "Show the 'No site here' page (404)", "Redirect to",
                "Close the connection without an answer", "Scanners and bots", "action=\"/settings/default-site\"",
                "name=\"_csrf\"");
        assertThat(Html.attribute(radio(html, "not-found"), "checked")).isNotNull();
        assertThat(Html.attribute(radio(html, "redirect"), "checked")).isNull();
        assertThat(Html.attribute(radio(html, "close"), "checked")).isNull();
        assertThat(html).contains("<option value=\"301\" selected=\"selected\">301 Moved permanently</option>");
        assertThat(Html.attribute(Html.control(html, "redirectKeepPath"), "checked")).isNotNull();
        assertThat(html).as("no inline scripts").doesNotContainPattern("<script(?![^>]*\\bsrc=)");
    }

    @Test
    void theNavigationLeadsToSettingsAndMarksItActive() {
        String html = get("/settings");

        assertThat(html).containsPattern("<li class=\"nav-item active\">\\s*<a class=\"nav-link\" href=\"/settings\" "
                + "id=\"nav-settings\">");
    }

    @Test
    void aStoredRedirectIsShownWithItsValues() {
        when(defaultSites.get()).thenReturn(Mono.just(new DefaultSite(DefaultSite.REDIRECT,
                new SiteRedirect("https://www.example.test", 302, false))));

        String html = get("/settings");

        assertThat(Html.attribute(radio(html, "redirect"), "checked")).isNotNull();
        assertThat(Html.attribute(radio(html, "not-found"), "checked")).isNull();
        assertThat(Html.attribute(Html.control(html, "redirectTarget"), "value")).isEqualTo("https://www.example.test");
        assertThat(html).contains("<option value=\"302\" selected=\"selected\">");
        assertThat(Html.attribute(Html.control(html, "redirectKeepPath"), "checked")).isNull();
    }

    @Test
    void aStoredCloseIsShownChecked() {
        when(defaultSites.get()).thenReturn(Mono.just(new DefaultSite(DefaultSite.CLOSE, null)));

        assertThat(Html.attribute(radio(get("/settings"), "close"), "checked")).isNotNull();
    }

    @Test
    void savingARedirectRedirectsBackWithAFlashShownOnce() {
        DefaultSite saved = new DefaultSite(DefaultSite.REDIRECT, new SiteRedirect("https://www.example.test", 307, true));
        when(defaultSites.update(any(), anyString())).thenReturn(Mono.just(saved));
        when(defaultSites.get()).thenReturn(Mono.just(saved));

        MultiValueMap<String, String> form = form("redirect");
        form.add("redirectTarget", "https://www.example.test");
        form.add("redirectStatus", "307");
        form.add("redirectKeepPath", "true");
        form.add("_redirectKeepPath", "on");
        var response = post(form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/settings").returnResult(String.class);
        String session = response.getResponseCookies().getFirst("SESSION").getValue();

        verify(defaultSites).update(new DefaultSiteCommand("redirect",
                new RedirectCommand("https://www.example.test", 307, true)), ADMIN);
        String page = signedIn().get().uri("/settings").cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(page)).isEqualTo("Unknown host names now get a redirect to https://www.example.test (307).");
        assertThat(Html.flashLevel(page)).isEqualTo("success");
        String again = signedIn().get().uri("/settings").cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(again)).isNull();
    }

    @Test
    void closeIsSavedWithoutTheHiddenRedirectFields() {
        when(defaultSites.update(any(), anyString())).thenReturn(Mono.just(new DefaultSite(DefaultSite.CLOSE, null)));

        MultiValueMap<String, String> form = form("close");
        form.add("redirectTarget", "not a url"); // hidden unless "Redirect to" is chosen: neither judged nor sent
        form.add("redirectStatus", "moved");
        post(form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/settings");

        verify(defaultSites).update(new DefaultSiteCommand("close", null), ADMIN);
    }

    @Test
    void anInvalidTargetIsShownNextToItWithTheChoiceKept() {
        String message = "redirect.target: redirect target 'www.example.test' must start with http:// or https://";
        when(defaultSites.update(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("redirect.target", message)))));

        MultiValueMap<String, String> form = form("redirect");
        form.add("redirectTarget", "www.example.test");
        form.add("redirectStatus", "308");
        String html = post(form).expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "redirectTarget")).isEqualTo(message);
        String target = Html.control(html, "redirectTarget");
        assertThat(Html.attribute(target, "value")).isEqualTo("www.example.test");
        assertThat(Html.attribute(target, "class")).contains("is-invalid");
        assertThat(Html.attribute(target, "aria-describedby")).contains("redirectTarget-error");
        assertThat(Html.attribute(radio(html, "redirect"), "checked")).isNotNull();
        assertThat(html).contains("<option value=\"308\" selected=\"selected\">");
        assertThat(Html.formErrors(html)).isEmpty();
    }

    @Test
    void anUnknownActionIsShownNextToTheChoice() {
        String message = "action 'open' must be not-found, redirect or close";
        when(defaultSites.update(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("action", message)))));

        String html = post(form("open")).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "action")).isEqualTo(message);
    }

    @Test
    void aStatusThatIsNotANumberIsShownNextToTheSelectAndNothingIsSaved() {
        MultiValueMap<String, String> form = form("redirect");
        form.add("redirectTarget", "https://www.example.test");
        form.add("redirectStatus", "moved");

        String html = post(form).expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "redirectStatus")).isEqualTo("redirect status 'moved' must be 301, 302, 307 or 308");
        verify(defaultSites, never()).update(any(), anyString());
    }

    // --- Load balancers in front (PROXY protocol) ---

    @Test
    void theListenerCardShowsTheStoredBalancersOnePerLineUnderItsOwnForm() {
        when(listeners.get()).thenReturn(Mono.just(new ListenerSettings(List.of("10.0.0.0/8", "2001:db8::/32"))));

        String html = get("/settings");

        assertThat(html).containsSubsequence("id=\"default-site-form\"", "</form>", "id=\"listeners-form\"",
                "action=\"/settings/listeners\"", "Load balancers in front (PROXY protocol)", "name=\"proxyProtocolFrom\"",
                "</form>");
        assertThat(Html.textarea(html, "proxyProtocolFrom")).isEqualTo("10.0.0.0/8\n2001:db8::/32");
        assertThat(html).contains("Connections from these addresses may start with a PROXY protocol",
                "v1/v2 header naming the real client (HAProxy, AWS NLB...); default none.");
        assertThat(html).as("optional").doesNotContainPattern("<label class=\"form-label required\" for=\"proxyProtocolFrom\"");
    }

    @Test
    void savingTheBalancersRedirectsBackWithAFlash() {
        ListenerSettings saved = new ListenerSettings(List.of("127.0.0.1", "10.0.0.0/8"));
        when(listeners.update(any(), anyString())).thenReturn(Mono.just(saved));

        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("proxyProtocolFrom", " 127.0.0.1\r\n\r\n10.0.0.0/8 ");
        var response = postTo("/settings/listeners", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/settings").returnResult(String.class);

        verify(listeners).update(new ListenerCommand(List.of("127.0.0.1", "10.0.0.0/8")), ADMIN);
        verify(defaultSites, never()).update(any(), anyString());
        String page = signedIn().get().uri("/settings")
                .cookie("SESSION", response.getResponseCookies().getFirst("SESSION").getValue()).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(page)).isEqualTo("The proxy's listeners now believe PROXY protocol headers from 127.0.0.1, "
                + "10.0.0.0/8.");
    }

    @Test
    void aBadBalancerIsShownNextToTheTextareaWithWhatWasTypedAndTheOtherCardAsStored() {
        String message = "proxyProtocolFrom[1]: address 'lb.example.test' is not an IP address or CIDR block (e.g. 10.0.0.0/8)";
        when(listeners.update(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("proxyProtocolFrom[1]", message)))));
        when(defaultSites.get()).thenReturn(Mono.just(new DefaultSite(DefaultSite.CLOSE, null)));

        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("proxyProtocolFrom", "10.0.0.1\nlb.example.test");
        String html = postTo("/settings/listeners", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "proxyProtocolFrom")).isEqualTo(message);
        assertThat(Html.textarea(html, "proxyProtocolFrom")).isEqualTo("10.0.0.1\nlb.example.test");
        assertThat(Html.attribute(Html.control(html, "proxyProtocolFrom"), "class")).contains("is-invalid");
        assertThat(Html.attribute(radio(html, "close"), "checked")).as("the other card as stored").isNotNull();
        assertThat(Html.formErrors(html)).isEmpty();
    }

    @Test
    void aRejectedDefaultSiteKeepsTheStoredBalancersInTheirCard() {
        when(listeners.get()).thenReturn(Mono.just(new ListenerSettings(List.of("192.0.2.7"))));
        MultiValueMap<String, String> form = form("redirect");
        form.add("redirectTarget", "https://www.example.test");
        form.add("redirectStatus", "moved");

        String html = post(form).expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.textarea(html, "proxyProtocolFrom")).isEqualTo("192.0.2.7");
        verify(listeners, never()).update(any(), anyString());
    }

    @Test
    void savingTheBalancersWithoutTheCsrfTokenIsRefused() {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("proxyProtocolFrom", "10.0.0.1");
        signedIn().post().uri("/settings/listeners").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form)).exchange()
                .expectStatus().isForbidden();

        verify(listeners, never()).update(any(), anyString());
    }

    @Test
    void savingWithoutTheCsrfTokenIsRefused() {
        signedIn().post().uri("/settings/default-site").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form("close"))).exchange()
                .expectStatus().isForbidden();

        verify(defaultSites, never()).update(any(), anyString());
    }

    @Test
    void signedOutVisitorsAreSentToTheLoginPage() {
        web.get().uri("/settings").accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().is3xxRedirection().expectHeader().valueMatches("Location", ".*/login");
    }

    private static String radio(String html, String value) {
        Matcher radio = Pattern.compile("<input\\b[^>]*\\bname=\"action\"[^>]*\\bvalue=\"" + value + "\"[^>]*>")
                .matcher(html);
        assertThat(radio.find()).as("an action radio with value %s", value).isTrue();
        return radio.group();
    }

    private WebTestClient signedIn() {
        return web.mutateWith(mockUser(ADMIN).roles("ADMIN"));
    }

    private String get(String path) {
        return signedIn().get().uri(path).accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec post(MultiValueMap<String, String> form) {
        return signedIn().mutateWith(csrf()).post().uri("/settings/default-site")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    private WebTestClient.ResponseSpec postTo(String path, MultiValueMap<String, String> form) {
        return signedIn().mutateWith(csrf()).post().uri(path)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    private static MultiValueMap<String, String> form(String action) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("action", action);
        return form;
    }
}
