package dev.gatehouse.admin.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.accesslist.AccessListService;
import dev.gatehouse.admin.backend.BackendService;
import dev.gatehouse.admin.backend.BackendView;
import dev.gatehouse.admin.certificate.CertificateService;
import dev.gatehouse.admin.certificate.CertificateView;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails.ChainEntry;
import dev.gatehouse.admin.certificate.bundle.CertificateDetails.Status;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.site.SiteCommand.HeaderRuleCommand;
import dev.gatehouse.admin.site.SiteCommand.HeadersCommand;
import dev.gatehouse.admin.site.SiteCommand.HttpsCommand;
import dev.gatehouse.admin.site.SiteCommand.PoliciesCommand;
import dev.gatehouse.admin.site.SiteCommand.RateLimitCommand;
import dev.gatehouse.admin.site.SiteCommand.SizeLimitsCommand;
import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;
import dev.gatehouse.admin.site.SiteCommand.WebsocketCommand;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import dev.gatehouse.storage.site.SiteHeaders;
import dev.gatehouse.storage.site.SitePolicies;
import dev.gatehouse.storage.site.SiteRedirect;
import java.time.Duration;
import java.time.Instant;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The Sites pages, with the services mocked: rendering, Post/Redirect/Get, errors next to fields, CSRF. */
@WebFluxTest(SiteController.class)
@WithGatehouseSecurity
class SiteControllerTest {

    private static final String ADMIN = "admin@example.test";
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private SiteService sites;
    @MockitoBean
    private BackendService backends;
    @MockitoBean
    private SetupService setup;
    @MockitoBean
    private CertificateService certificates;
    @MockitoBean
    private AccessListService accessLists;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
        when(accessLists.names()).thenReturn(Flux.just("office", "staff"));
        when(backends.list()).thenReturn(Flux.just(backend(1, "app"), backend(2, "legacy")));
        when(certificates.list()).thenReturn(Flux.just(
                certificate(1, "shop", List.of("app.example.test", "www.example.test"), Status.VALID),
                certificate(2, "old", List.of("old.example.test"), Status.EXPIRED)));
    }

    private WebTestClient signedIn() {
        return web.mutateWith(mockUser(ADMIN).roles("ADMIN"));
    }

    @Test
    void listShowsEachSiteWithItsBackendStatusAndActions() {
        when(sites.list()).thenReturn(Flux.just(
                site(1, List.of("app.example.test", "www.example.test"), "app", true),
                site(2, List.of("old.example.test"), "legacy", false)));

        String html = get("/sites", HttpStatus.OK);

        assertThat(html).contains("app.example.test", "www.example.test", "old.example.test", "legacy");
        assertThat(html).containsSubsequence("id=\"site-1\"", "Enabled", "action=\"/sites/1/disable\"",
                "action=\"/sites/1/delete\"");
        assertThat(html).containsSubsequence("id=\"site-2\"", "Disabled", "action=\"/sites/2/enable\"");
        assertThat(html).contains("href=\"/sites/1/edit\"", "data-confirm=\"Delete the site app.example.test?");
        // Every action form carries the CSRF token.
        assertThat(html).contains("name=\"_csrf\"");
        assertThat(html).contains("tabler.min.css", ADMIN);
    }

    @Test
    void emptyListTellsWhatToDoNext() {
        when(sites.list()).thenReturn(Flux.empty());
        when(backends.list()).thenReturn(Flux.empty());

        String html = get("/sites", HttpStatus.OK);

        assertThat(html).contains("No sites yet", "Add a backend", "href=\"/backends/new\"");
        assertThat(html).doesNotContain("id=\"sites-table\"");
    }

    @Test
    void newFormOffersTheBackendsByName() {
        String html = get("/sites/new", HttpStatus.OK);

        assertThat(html).contains("action=\"/sites\"", "<option value=\"app\">app</option>",
                "<option value=\"legacy\">legacy</option>");
        assertThat(Html.attribute(Html.control(html, "enabled"), "checked")).isNotNull();
        // Without this marker an unchecked switch would not be posted at all and could not mean "disabled".
        assertThat(html).contains("type=\"hidden\" name=\"_enabled\"");
        assertThat(html).doesNotContain("id=\"no-backends\"");
    }

    @Test
    void newFormWithoutBackendsSaysToAddOneFirst() {
        when(backends.list()).thenReturn(Flux.empty());

        String html = get("/sites/new", HttpStatus.OK);

        assertThat(html).contains("id=\"no-backends\"", "There are no backends yet", "href=\"/backends/new\"",
                "or choose Redirect");
        // A redirect site needs no backend, so the form can still be saved.
        assertThat(html).doesNotContainPattern("<button[^>]*id=\"save-site\"[^>]*disabled");
    }

    @Test
    void editFormIsFilledFromTheSite() {
        when(sites.get(7)).thenReturn(Mono.just(site(7, List.of("a.example.test", "b.example.test"), "legacy", false)));

        String html = get("/sites/7/edit", HttpStatus.OK);

        assertThat(html).contains("action=\"/sites/7\"", "<option value=\"legacy\" selected=\"selected\">legacy</option>");
        assertThat(Html.textarea(html, "hostnames")).isEqualTo("a.example.test\nb.example.test");
        assertThat(Html.attribute(Html.control(html, "enabled"), "checked")).isNull();
    }

    @Test
    void editOfAMissingSiteIsA404Page() {
        when(sites.get(99)).thenReturn(Mono.error(new NotFoundException("there is no site with id 99")));

        String html = get("/sites/99/edit", HttpStatus.NOT_FOUND);

        assertThat(html).contains("Page not found", "there is no site with id 99");
    }

    @Test
    void validCreateRedirectsToTheListWhichShowsTheFlashOnce() {
        when(sites.create(any(), anyString()))
                .thenReturn(Mono.just(site(3, List.of("app.example.test", "www.example.test"), "app", true)));
        when(sites.list()).thenReturn(Flux.just(site(3, List.of("app.example.test", "www.example.test"), "app", true)));

        var response = signedIn().mutateWith(csrf()).post().uri("/sites")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form(" app.example.test\r\nwww.example.test, ", "app", true)))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/sites")
                .returnResult(String.class);
        String session = response.getResponseCookies().getFirst("SESSION").getValue();

        verify(sites).create(withDefaultHeaders(new SiteCommand(List.of("app.example.test", "www.example.test"), "app", true)), ADMIN);

        String list = signedIn().get().uri("/sites").cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(list)).isEqualTo("Site app.example.test added.");
        assertThat(Html.flashLevel(list)).isEqualTo("success");

        String again = signedIn().get().uri("/sites").cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(again)).isNull();
    }

    @Test
    void uncheckedEnabledSwitchCreatesADisabledSite() {
        when(sites.create(any(), anyString())).thenReturn(Mono.just(site(4, List.of("off.example.test"), "app", false)));

        MultiValueMap<String, String> form = form("off.example.test", "app", false);
        form.add("_enabled", "on"); // the hidden marker th:field writes next to a checkbox
        post("/sites", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(sites).create(withDefaultHeaders(new SiteCommand(List.of("off.example.test"), "app", false)), ADMIN);
    }

    @Test
    void rejectedHostnameIsShownNextToTheFieldWithTheInputKept() {
        String message = "hostnames[1] 'http://b.example.test' must not contain a scheme; enter just the host name, e.g. a.com";
        when(sites.create(any(), anyString()))
                .thenReturn(Mono.error(new ValidationException(List.of(new FieldProblem("hostnames[1]", message)))));

        String typed = "a.example.test\nhttp://b.example.test";
        String html = post("/sites", form(typed, "legacy", true))
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "hostnames")).isEqualTo(message);
        assertThat(Html.attribute(Html.control(html, "hostnames"), "class")).contains("is-invalid");
        assertThat(Html.textarea(html, "hostnames")).isEqualTo(typed);
        assertThat(html).contains("<option value=\"legacy\" selected=\"selected\">legacy</option>");
        assertThat(Html.fieldError(html, "backend")).isNull();
    }

    @Test
    void everyProblemGoesToItsOwnFieldAndUnknownFieldsAboveTheForm() {
        when(sites.create(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("hostnames[0]", "hostnames[0] 'a b' must not contain spaces"),
                new FieldProblem("backend", "backend is required: the name of an existing backend"),
                new FieldProblem("routes[0].backend", "the engine refused: no backend 'x'")))));

        String html = post("/sites", form("a b", "", true))
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "hostnames")).isEqualTo("hostnames[0] 'a b' must not contain spaces");
        assertThat(Html.fieldError(html, "backend")).isEqualTo("backend is required: the name of an existing backend");
        assertThat(Html.formErrors(html)).containsExactly("the engine refused: no backend 'x'");
    }

    @Test
    void whatTheUserTypedIsShownAsTextNeverAsMarkup() {
        String typed = "<script>alert(1)</script>.example.test";
        when(sites.create(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("hostnames[0]", "hostnames[0] '" + typed + "' may only contain a-z, 0-9, '-' and '.'")))));

        String html = post("/sites", form(typed, "app", true))
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).doesNotContain("<script>alert(1)</script>");
        assertThat(Html.fieldError(html, "hostnames")).contains(typed);
        assertThat(Html.textarea(html, "hostnames")).isEqualTo(typed);
    }

    @Test
    void unexpectedFailureShowsTheErrorPage() {
        when(sites.list()).thenReturn(Flux.error(new IllegalStateException("database is gone")));

        String html = get("/sites", HttpStatus.INTERNAL_SERVER_ERROR);

        assertThat(html).contains("id=\"error-page\"", "500", "could not complete this request");
        assertThat(html).doesNotContain("database is gone");
    }

    @Test
    void duplicateHostnameConflictIsShownNextToHostnames() {
        String message = "hostnames[0] 'app.example.test' is already used by site 3";
        when(sites.update(eq(5L), any(), anyString())).thenReturn(Mono.error(new ConflictException("hostnames", message)));

        String html = post("/sites/5", form("app.example.test", "app", true))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "hostnames")).isEqualTo(message);
        assertThat(html).contains("action=\"/sites/5\"", "Edit site");
    }

    @Test
    void disableAndEnableRedirectToTheList() {
        when(sites.setEnabled(anyLong(), anyBoolean(), anyString()))
                .thenReturn(Mono.just(site(2, List.of("b.example.test"), "app", false)));

        post("/sites/2/disable", new LinkedMultiValueMap<>())
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/sites");
        post("/sites/2/enable", new LinkedMultiValueMap<>())
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/sites");

        verify(sites).setEnabled(2, false, ADMIN);
        verify(sites).setEnabled(2, true, ADMIN);
    }

    @Test
    void deleteRedirectsToTheList() {
        when(sites.get(2)).thenReturn(Mono.just(site(2, List.of("b.example.test"), "app", true)));
        when(sites.delete(2, ADMIN)).thenReturn(Mono.empty());

        post("/sites/2/delete", new LinkedMultiValueMap<>())
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/sites");

        verify(sites).delete(2, ADMIN);
    }

    @Test
    void postWithoutCsrfTokenIsForbiddenAndSavesNothing() {
        signedIn().post().uri("/sites")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form("app.example.test", "app", true)))
                .exchange()
                .expectStatus().isForbidden();
        signedIn().post().uri("/sites/1/delete").exchange().expectStatus().isForbidden();

        verify(sites, never()).create(any(), anyString());
        verify(sites, never()).delete(anyLong(), anyString());
    }

    @Test
    void anonymousVisitorIsSentToSignIn() {
        web.get().uri("/sites").exchange()
                .expectStatus().is3xxRedirection()
                .expectHeader().valueMatches("Location", ".*/login");
    }

    private String get(String path, HttpStatus status) {
        return signedIn().get().uri(path).accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().isEqualTo(status)
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec post(String path, MultiValueMap<String, String> form) {
        return signedIn().mutateWith(csrf()).post().uri(path)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    private static MultiValueMap<String, String> form(String hostnames, String backend, boolean enabled) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("hostnames", hostnames);
        form.add("backend", backend);
        if (enabled) {
            form.add("enabled", "true");
        }
        return form;
    }

    @Test
    void newFormOffersTheCertificatesWithTheirNamesAndExpiryAndHttpsOffByDefault() {
        String html = get("/sites/new", HttpStatus.OK);

        assertThat(html).contains("id=\"https-section\"", "<option value=\"\" selected=\"selected\">None: HTTP only</option>",
                "<option value=\"shop\">shop — app.example.test, www.example.test (expires 2026-03-01)</option>",
                "(EXPIRED 2026-03-01)", "Force HTTPS and HSTS need a");
        assertThat(Html.attribute(Html.control(html, "forceHttps"), "checked")).isNull();
        assertThat(Html.attribute(Html.control(html, "hsts"), "checked")).isNull();
        assertThat(Html.attribute(Html.control(html, "hstsMaxAgeSeconds"), "value")).isEqualTo("31536000");
        assertThat(html).contains("1 year", "type=\"hidden\" name=\"_forceHttps\"", "type=\"hidden\" name=\"_hsts\"");
    }

    @Test
    void newFormWithoutCertificatesLinksToTheUpload() {
        when(certificates.list()).thenReturn(Flux.empty());

        String html = get("/sites/new", HttpStatus.OK);

        assertThat(html).contains("No certificates uploaded yet", "href=\"/certificates/new\"");
    }

    @Test
    void httpsFieldsBindIntoTheHttpsCommand() {
        when(sites.create(any(), anyString())).thenReturn(Mono.just(site(3, List.of("app.example.test"), "app", true)));

        MultiValueMap<String, String> form = form("app.example.test", "app", true);
        form.add("certificate", "shop");
        form.add("forceHttps", "true");
        form.add("hsts", "true");
        form.add("hstsMaxAgeSeconds", " 86400 ");
        form.add("hstsIncludeSubDomains", "true");
        form.add("_hstsPreload", "on");
        post("/sites", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(sites).create(withDefaultHeaders(new SiteCommand(List.of("app.example.test"), "app", true,
                new HttpsCommand("shop", true, true, 86400L, true, false))), ADMIN);
    }

    @Test
    void hstsOptionsAreOnlySentWithHsts() {
        when(sites.create(any(), anyString())).thenReturn(Mono.just(site(3, List.of("app.example.test"), "app", true)));

        MultiValueMap<String, String> form = form("app.example.test", "app", true);
        form.add("certificate", "shop");
        form.add("_hsts", "on");
        form.add("hstsMaxAgeSeconds", "not a number"); // hidden with HSTS off: not judged
        form.add("hstsIncludeSubDomains", "true");
        form.add("hstsPreload", "true");
        post("/sites", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(sites).create(withDefaultHeaders(new SiteCommand(List.of("app.example.test"), "app", true,
                new HttpsCommand("shop", false, false, null, false, false))), ADMIN);
    }

    @Test
    void certificateNotCoveringAHostnameIsShownNextToTheCertificateChoice() {
        String message = "certificate 'shop' does not cover hostname 'api.example.test' (it covers app.example.test, www.example.test)";
        when(sites.create(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("certificate", message),
                new FieldProblem("hsts", "HSTS preload needs includeSubDomains")))));

        MultiValueMap<String, String> form = form("api.example.test", "app", true);
        form.add("certificate", "shop");
        form.add("hsts", "true");
        form.add("hstsMaxAgeSeconds", "31536000");
        form.add("hstsPreload", "true");
        String html = post("/sites", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "certificate")).isEqualTo(message);
        assertThat(Html.attribute(Html.control(html, "certificate"), "class")).contains("is-invalid");
        assertThat(Html.attribute(Html.control(html, "certificate"), "aria-describedby")).contains("certificate-error");
        assertThat(html).contains("<option value=\"shop\" selected=\"selected\">");
        assertThat(Html.fieldError(html, "hsts")).isEqualTo("HSTS preload needs includeSubDomains");
        assertThat(Html.attribute(Html.control(html, "hsts"), "checked")).isNotNull();
        assertThat(Html.attribute(Html.control(html, "hstsPreload"), "checked")).isNotNull();
        assertThat(Html.formErrors(html)).isEmpty();
    }

    @Test
    void maxAgeThatIsNotANumberIsShownNextToItAndNothingIsSaved() {
        MultiValueMap<String, String> form = form("app.example.test", "app", true);
        form.add("certificate", "shop");
        form.add("hsts", "true");
        form.add("hstsMaxAgeSeconds", "1y");

        String html = post("/sites", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "hstsMaxAgeSeconds")).contains("'1y'", "whole number of seconds");
        assertThat(Html.attribute(Html.control(html, "hstsMaxAgeSeconds"), "value")).isEqualTo("1y");
        verify(sites, never()).create(any(), anyString());
    }

    @Test
    void editFormShowsTheSitesHttpsSettings() {
        when(sites.get(7)).thenReturn(Mono.just(new SiteView(7, List.of("app.example.test"), "app", true, "shop", true,
                86400L, true, false, T0, T0)));

        String html = get("/sites/7/edit", HttpStatus.OK);

        assertThat(html).contains("<option value=\"shop\" selected=\"selected\">");
        assertThat(Html.attribute(Html.control(html, "forceHttps"), "checked")).isNotNull();
        assertThat(Html.attribute(Html.control(html, "hsts"), "checked")).isNotNull();
        assertThat(Html.attribute(Html.control(html, "hstsMaxAgeSeconds"), "value")).isEqualTo("86400");
        assertThat(Html.attribute(Html.control(html, "hstsIncludeSubDomains"), "checked")).isNotNull();
        assertThat(Html.attribute(Html.control(html, "hstsPreload"), "checked")).isNull();
    }

    @Test
    void listShowsTheCertificateAndWhetherHttpsIsForced() {
        when(sites.list()).thenReturn(Flux.just(
                new SiteView(1, List.of("app.example.test"), "app", true, "shop", true, 31536000L, false, false, T0, T0),
                site(2, List.of("plain.example.test"), "app", true)));

        String html = get("/sites", HttpStatus.OK);

        assertThat(html).containsSubsequence("id=\"site-1\"", "href=\"/certificates#cert-shop\"", "shop",
                "HTTPS forced", "HSTS", "id=\"site-2\"", "HTTP only");
        assertThat(html).contains("title=\"Strict-Transport-Security: max-age=31536000\"");
    }

    // --- WebSockets ---

    @Test
    void newFormHasWebsocketsOffWithTheHintAndTheDefaultTimeoutAsPlaceholder() {
        String html = get("/sites/new", HttpStatus.OK);

        assertThat(html).contains("id=\"websockets-section\"", "type=\"hidden\" name=\"_websockets\"",
                "Lets chat apps, live dashboards and Home Assistant-style apps keep a connection open; off by default, "
                        + "like Nginx Proxy Manager’s ‘Websockets Support’",
                "Idle timeout (minutes)");
        assertThat(Html.attribute(Html.control(html, "websockets"), "checked")).isNull();
        String timeout = Html.control(html, "websocketIdleTimeoutMinutes");
        assertThat(Html.attribute(timeout, "value")).isEmpty();
        assertThat(Html.attribute(timeout, "placeholder")).isEqualTo("10");
        assertThat(Html.attribute(timeout, "aria-describedby")).isEqualTo("websocketIdleTimeoutMinutes-help");
        assertThat(html).contains("Empty = 10 minutes");
        assertThat(html).as("no inline scripts").doesNotContainPattern("<script(?![^>]*\\bsrc=)");
    }

    @Test
    void websocketFieldsBindIntoTheWebsocketCommand() {
        when(sites.create(any(), anyString())).thenReturn(Mono.just(site(3, List.of("chat.example.test"), "app", true)));

        MultiValueMap<String, String> form = form("chat.example.test", "app", true);
        form.add("websockets", "true");
        form.add("_websockets", "on");
        form.add("websocketIdleTimeoutMinutes", " 1.5 ");
        post("/sites", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/sites");

        verify(sites).create(withDefaultHeaders(new SiteCommand(List.of("chat.example.test"), "app", true,
                HttpsCommand.NONE, new WebsocketCommand(true, 90_000L))), ADMIN);
    }

    @Test
    void anUncheckedWebsocketsSwitchSendsNoTimeout() {
        when(sites.update(eq(4L), any(), anyString())).thenReturn(Mono.just(site(4, List.of("chat.example.test"), "app", true)));

        MultiValueMap<String, String> form = form("chat.example.test", "app", true);
        form.add("_websockets", "on");
        form.add("websocketIdleTimeoutMinutes", "not a number"); // only used with WebSockets on: not judged
        post("/sites/4", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(sites).update(4, withDefaultHeaders(new SiteCommand(List.of("chat.example.test"), "app", true,
                HttpsCommand.NONE, WebsocketCommand.OFF)), ADMIN);
    }

    @Test
    void aTimeoutThatIsNotANumberIsShownNextToItAndNothingIsSaved() {
        MultiValueMap<String, String> form = form("chat.example.test", "app", true);
        form.add("websockets", "true");
        form.add("websocketIdleTimeoutMinutes", "10m");

        String html = post("/sites", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "websocketIdleTimeoutMinutes"))
                .isEqualTo("idle timeout '10m' must be a number of minutes, e.g. 10 (or 0.5 for 30 seconds)");
        String timeout = Html.control(html, "websocketIdleTimeoutMinutes");
        assertThat(Html.attribute(timeout, "value")).isEqualTo("10m");
        assertThat(Html.attribute(timeout, "class")).contains("is-invalid");
        assertThat(Html.attribute(timeout, "aria-describedby")).contains("websocketIdleTimeoutMinutes-error");
        assertThat(Html.attribute(Html.control(html, "websockets"), "checked")).isNotNull();
        verify(sites, never()).create(any(), anyString());
    }

    @Test
    void aTimeoutTheServiceRefusesIsShownNextToTheMinutesBox() {
        String message = "websocketIdleTimeoutMs must be between 1 s and 24 h, was 25 h";
        when(sites.create(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("websocketIdleTimeoutMs", message)))));

        MultiValueMap<String, String> form = form("chat.example.test", "app", true);
        form.add("websockets", "true");
        form.add("websocketIdleTimeoutMinutes", "1500");
        String html = post("/sites", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "websocketIdleTimeoutMinutes")).isEqualTo(message);
        assertThat(Html.attribute(Html.control(html, "websocketIdleTimeoutMinutes"), "value")).isEqualTo("1500");
        assertThat(Html.formErrors(html)).isEmpty();
    }

    @Test
    void editFormShowsTheSitesWebsocketSettings() {
        when(sites.get(7)).thenReturn(Mono.just(websocketSite(7, 90_000L)));
        when(sites.get(8)).thenReturn(Mono.just(websocketSite(8, null)));

        String custom = get("/sites/7/edit", HttpStatus.OK);
        String byDefault = get("/sites/8/edit", HttpStatus.OK);

        assertThat(Html.attribute(Html.control(custom, "websockets"), "checked")).isNotNull();
        assertThat(Html.attribute(Html.control(custom, "websocketIdleTimeoutMinutes"), "value")).isEqualTo("1.5");
        assertThat(Html.attribute(Html.control(byDefault, "websockets"), "checked")).isNotNull();
        assertThat(Html.attribute(Html.control(byDefault, "websocketIdleTimeoutMinutes"), "value")).isEmpty();
    }

    @Test
    void listShowsAWebsocketsBadgeOnlyOnSitesThatHaveThemOn() {
        when(sites.list()).thenReturn(Flux.just(websocketSite(1, null), site(2, List.of("plain.example.test"), "app", true),
                websocketSite(3, 90_000L)));

        String html = get("/sites", HttpStatus.OK);

        assertThat(html).containsSubsequence("id=\"site-1\"", ">WebSockets</span>", "id=\"site-2\"", "id=\"site-3\"",
                ">WebSockets</span>");
        String plainRow = html.substring(html.indexOf("id=\"site-2\""), html.indexOf("id=\"site-3\""));
        assertThat(plainRow).doesNotContain("WebSockets");
        assertThat(html).contains("title=\"WebSockets pass; closed after 10 min without a message\"",
                "title=\"WebSockets pass; closed after 90 s without a message\"");
    }

    // --- Redirect sites ---

    @Test
    void newFormForwardsByDefaultAndOffersTheRedirectFields() {
        String html = get("/sites/new", HttpStatus.OK);

        assertThat(Html.attribute(radio(html, "forward"), "checked")).isNotNull();
        assertThat(Html.attribute(radio(html, "redirect"), "checked")).isNull();
        assertThat(Html.attribute(Html.control(html, "redirectTarget"), "value")).isEmpty();
        assertThat(html).contains("<option value=\"301\" selected=\"selected\">301 Moved permanently</option>",
                "<option value=\"302\">302 Found (temporary)</option>",
                "<option value=\"307\">307 Temporary, keeps the method</option>",
                "<option value=\"308\">308 Permanent, keeps the method</option>");
        assertThat(Html.attribute(Html.control(html, "redirectKeepPath"), "checked")).isNotNull();
        assertThat(html).contains("type=\"hidden\" name=\"_redirectKeepPath\"", "id=\"forward-options\"",
                "id=\"redirect-options\"");
        assertThat(html).as("no inline scripts").doesNotContainPattern("<script(?![^>]*\\bsrc=)");
    }

    @Test
    void editFormOfARedirectSiteShowsRedirectSelectedWithItsValues() {
        when(sites.get(5)).thenReturn(Mono.just(redirectSite(5, new SiteRedirect("https://new.example.test/shop", 308,
                false))));

        String html = get("/sites/5/edit", HttpStatus.OK);

        assertThat(Html.attribute(radio(html, "redirect"), "checked")).isNotNull();
        assertThat(Html.attribute(radio(html, "forward"), "checked")).isNull();
        assertThat(Html.attribute(Html.control(html, "redirectTarget"), "value")).isEqualTo("https://new.example.test/shop");
        assertThat(html).contains("<option value=\"308\" selected=\"selected\">");
        assertThat(Html.attribute(Html.control(html, "redirectKeepPath"), "checked")).isNull();
        assertThat(html).doesNotContain("selected=\"selected\">app</option>", "selected=\"selected\">legacy</option>");
    }

    @Test
    void aValidRedirectIsSavedWithoutABackendAndKeepsTheStoredHeaders() {
        when(sites.update(eq(5L), any(), anyString())).thenReturn(Mono.just(redirectSite(5,
                new SiteRedirect("https://new.example.test", 302, true))));

        MultiValueMap<String, String> form = form("old.example.test", "app", true);
        form.add("action", "redirect");
        form.add("redirectTarget", " https://new.example.test ");
        form.add("redirectStatus", "302");
        form.add("redirectKeepPath", "true");
        form.add("_redirectKeepPath", "on");
        post("/sites/5", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/sites");

        // The hidden backend select is not sent; headers null = the site keeps its rules.
        verify(sites).update(5, new SiteCommand(List.of("old.example.test"), null, true, HttpsCommand.NONE,
                WebsocketCommand.OFF, new RedirectCommand(" https://new.example.test ", 302, true), null), ADMIN);
    }

    @Test
    void anUncheckedKeepPathIsSentAsFalse() {
        when(sites.create(any(), anyString())).thenReturn(Mono.just(redirectSite(6,
                new SiteRedirect("https://new.example.test", 301, false))));

        MultiValueMap<String, String> form = form("old.example.test", "", true);
        form.add("action", "redirect");
        form.add("redirectTarget", "https://new.example.test");
        form.add("redirectStatus", "301");
        form.add("_redirectKeepPath", "on");
        post("/sites", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(sites).create(new SiteCommand(List.of("old.example.test"), null, true, HttpsCommand.NONE,
                WebsocketCommand.OFF, new RedirectCommand("https://new.example.test", 301, false), null), ADMIN);
    }

    @Test
    void anInvalidTargetShowsTheEnginesMessageNextToTheTargetField() {
        String message = "redirect.target: redirect target 'ftp://new.example.test' must start with http:// or https://";
        when(sites.create(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("redirect.target", message)))));

        MultiValueMap<String, String> form = form("old.example.test", "", true);
        form.add("action", "redirect");
        form.add("redirectTarget", "ftp://new.example.test");
        form.add("redirectStatus", "307");
        String html = post("/sites", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "redirectTarget")).isEqualTo(message);
        String target = Html.control(html, "redirectTarget");
        assertThat(Html.attribute(target, "value")).isEqualTo("ftp://new.example.test");
        assertThat(Html.attribute(target, "class")).contains("is-invalid");
        assertThat(Html.attribute(target, "aria-describedby")).contains("redirectTarget-error");
        assertThat(Html.attribute(radio(html, "redirect"), "checked")).isNotNull();
        assertThat(html).contains("<option value=\"307\" selected=\"selected\">");
        assertThat(Html.formErrors(html)).isEmpty();
    }

    @Test
    void aStatusThatIsNotANumberIsShownNextToTheSelectAndNothingIsSaved() {
        MultiValueMap<String, String> form = form("old.example.test", "", true);
        form.add("action", "redirect");
        form.add("redirectTarget", "https://new.example.test");
        form.add("redirectStatus", "moved");

        String html = post("/sites", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "redirectStatus")).isEqualTo("redirect status 'moved' must be 301, 302, 307 or 308");
        verify(sites, never()).create(any(), anyString());
    }

    @Test
    void switchingARedirectSiteBackToForwardingSendsTheBackendAndNoRedirect() {
        when(sites.update(eq(5L), any(), anyString())).thenReturn(Mono.just(site(5, List.of("old.example.test"), "app",
                true)));

        MultiValueMap<String, String> form = form("old.example.test", "app", true);
        form.add("action", "forward");
        form.add("redirectTarget", "not a url"); // hidden while forwarding: neither judged nor sent
        form.add("redirectStatus", "moved");
        post("/sites/5", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(sites).update(5, withDefaultHeaders(new SiteCommand(List.of("old.example.test"), "app", true)), ADMIN);
    }

    // --- Headers ---

    @Test
    void newFormPassesHostAndHasNoRulesWithAnAddRuleButtonPerList() {
        String html = get("/sites/new", HttpStatus.OK);

        assertThat(html).contains("id=\"headers-section\"", "Pass the original Host header",
                "type=\"hidden\" name=\"_passHost\"", "id=\"requestHeaders-none\"", "id=\"responseHeaders-none\"");
        assertThat(Html.attribute(Html.control(html, "passHost"), "checked")).isNotNull();
        assertThat(html).doesNotContain("name=\"requestHeaders[0].name\"");
        assertThat(html).containsPattern("id=\"add-request-rule\"[^>]*formaction=\"/sites/new/add-rule/request\"")
                .containsPattern("id=\"add-response-rule\"[^>]*formaction=\"/sites/new/add-rule/response\"");
    }

    @Test
    void addRulePostsTheFormBackWithOneMoreRowAndKeepsWhatWasTyped() {
        MultiValueMap<String, String> form = form("app.example.test", "app", true);
        form.add("responseHeaders[0].action", "add");
        form.add("responseHeaders[0].name", "X-Frame-Options");
        form.add("responseHeaders[0].value", "DENY");

        String html = post("/sites/7/add-rule/response", form).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.attribute(Html.control(html, "responseHeaders[0].name"), "value")).isEqualTo("X-Frame-Options");
        assertThat(Html.attribute(Html.control(html, "responseHeaders[0].value"), "value")).isEqualTo("DENY");
        assertThat(html).contains("<option value=\"add\" selected=\"selected\">add</option>");
        assertThat(Html.attribute(Html.control(html, "responseHeaders[1].name"), "value")).isEmpty();
        assertThat(html).contains("action=\"/sites/7\"", "id=\"requestHeaders-none\"");
        assertThat(Html.textarea(html, "hostnames")).isEqualTo("app.example.test");
        verify(sites, never()).update(anyLong(), any(), anyString());
        verify(sites, never()).create(any(), anyString());
    }

    @Test
    void addRuleToAnUnknownListIsNotFound() {
        post("/sites/new/add-rule/trailers", form("app.example.test", "app", true)).expectStatus().isNotFound();
    }

    @Test
    void editFormShowsTheSitesHeaderRules() {
        when(sites.get(9)).thenReturn(Mono.just(headerSite(9, new SiteHeaders(false,
                List.of(new SiteHeaders.Rule("remove", "X-Debug", null)),
                List.of(new SiteHeaders.Rule("set", "Cache-Control", "no-store"),
                        new SiteHeaders.Rule("add", "Link", "</a.css>; rel=preload"))))));

        String html = get("/sites/9/edit", HttpStatus.OK);

        assertThat(Html.attribute(Html.control(html, "passHost"), "checked")).isNull();
        assertThat(Html.attribute(Html.control(html, "requestHeaders[0].name"), "value")).isEqualTo("X-Debug");
        assertThat(Html.attribute(Html.control(html, "requestHeaders[0].value"), "value")).isEmpty();
        assertThat(html).containsSubsequence("id=\"requestHeaders-0\"", "<option value=\"remove\" selected=\"selected\">",
                "id=\"responseHeaders-0\"", "<option value=\"set\" selected=\"selected\">",
                "id=\"responseHeaders-1\"", "<option value=\"add\" selected=\"selected\">");
        assertThat(Html.attribute(Html.control(html, "responseHeaders[1].value"), "value"))
                .isEqualTo("</a.css>; rel=preload");
        assertThat(html).containsPattern("id=\"add-request-rule\"[^>]*formaction=\"/sites/9/add-rule/request\"");
    }

    @Test
    void rulesBindInOrderAndEmptyRowsAreLeftOut() {
        when(sites.update(eq(9L), any(), anyString())).thenReturn(Mono.just(site(9, List.of("app.example.test"), "app",
                true)));

        MultiValueMap<String, String> form = form("app.example.test", "app", true);
        form.add("_passHost", "on");
        form.add("requestHeaders[0].action", "set");
        form.add("requestHeaders[0].name", "");
        form.add("requestHeaders[0].value", "");
        form.add("requestHeaders[1].action", "remove");
        form.add("requestHeaders[1].name", "X-Debug");
        form.add("requestHeaders[1].value", "");
        form.add("responseHeaders[0].action", "set");
        form.add("responseHeaders[0].name", "X-Frame-Options");
        form.add("responseHeaders[0].value", "DENY");
        post("/sites/9", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(sites).update(9, new SiteCommand(List.of("app.example.test"), "app", true, HttpsCommand.NONE,
                WebsocketCommand.OFF, null, new HeadersCommand(false,
                List.of(new HeaderRuleCommand("remove", "X-Debug", "")),
                List.of(new HeaderRuleCommand("set", "X-Frame-Options", "DENY"))), PoliciesCommand.DEFAULT), ADMIN);
    }

    @Test
    void aRuleTheEngineRefusesIsShownNextToTheRowItCameFrom() {
        String message = "requestHeaders[0].name: header name 'X Debug' is not a valid token";
        when(sites.update(eq(9L), any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("requestHeaders[0].name", message)))));

        MultiValueMap<String, String> form = form("app.example.test", "app", true);
        form.add("requestHeaders[0].name", ""); // an empty row: not a rule, so the service's rule 0 is row 1
        form.add("requestHeaders[0].value", "");
        form.add("requestHeaders[1].action", "set");
        form.add("requestHeaders[1].name", "X Debug");
        form.add("requestHeaders[1].value", "1");
        String html = post("/sites/9", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "requestHeaders1.name")).isEqualTo(message);
        String name = Html.control(html, "requestHeaders[1].name");
        assertThat(Html.attribute(name, "value")).isEqualTo("X Debug");
        assertThat(Html.attribute(name, "class")).contains("is-invalid");
        assertThat(Html.fieldError(html, "requestHeaders0.name")).isNull();
        assertThat(Html.formErrors(html)).isEmpty();
    }

    // --- HTTP/2, trusted proxies and the Forwarded header ---

    @Test
    void newFormHasHttp2OnInTheHttpsSectionAndNoTrustedProxiesInTheHeadersSection() {
        String html = get("/sites/new", HttpStatus.OK);

        assertThat(Html.attribute(Html.control(html, "http2"), "checked")).isNotNull();
        assertThat(html).contains("type=\"hidden\" name=\"_http2\"", "type=\"hidden\" name=\"_forwardedHeader\"",
                "Default on; off: HTTPS clients use HTTP/1.1 (for apps that misbehave with HTTP/2).",
                "Trusted proxies",
                "One per line: addresses or CIDRs of load balancers in front whose X-Forwarded-For is believed; default none.",
                "Send Forwarded header (RFC 7239)");
        assertThat(html).containsSubsequence("id=\"https-section\"", "name=\"http2\"", "</fieldset>",
                "id=\"headers-section\"", "name=\"trustedProxies\"", "name=\"forwardedHeader\"", "</fieldset>");
        assertThat(Html.textarea(html, "trustedProxies")).isEmpty();
        assertThat(Html.attribute(Html.control(html, "trustedProxies"), "aria-describedby")).isEqualTo("trustedProxies-help");
        assertThat(html).as("optional, unlike the host names")
                .doesNotContainPattern("<label class=\"form-label required\" for=\"trustedProxies\"");
        assertThat(Html.attribute(Html.control(html, "forwardedHeader"), "checked")).isNull();
    }

    @Test
    void http2TrustedProxiesAndForwardedBindIntoTheCommand() {
        when(sites.create(any(), anyString())).thenReturn(Mono.just(site(3, List.of("app.example.test"), "app", true)));

        MultiValueMap<String, String> form = form("app.example.test", "app", true);
        form.add("_http2", "on"); // unchecked: only the marker is posted
        form.add("trustedProxies", " 10.0.0.0/8\r\n\r\n192.0.2.7 , 2001:db8::/32\n");
        form.add("forwardedHeader", "true");
        form.add("_forwardedHeader", "on");
        post("/sites", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(sites).create(new SiteCommand(List.of("app.example.test"), "app", true,
                new HttpsCommand(null, false, false, null, false, false, false), WebsocketCommand.OFF, null,
                new HeadersCommand(true, List.of(), List.of(), List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"), true),
                PoliciesCommand.DEFAULT), ADMIN);
    }

    @Test
    void aFormWithoutTheNewControlsKeepsHttp2OnAndTrustsNoProxy() {
        when(sites.update(eq(5L), any(), anyString())).thenReturn(Mono.just(site(5, List.of("app.example.test"), "app", true)));

        post("/sites/5", form("app.example.test", "app", true)).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(sites).update(5, new SiteCommand(List.of("app.example.test"), "app", true, HttpsCommand.NONE,
                WebsocketCommand.OFF, null, HeadersCommand.DEFAULT, PoliciesCommand.DEFAULT), ADMIN);
        assertThat(HttpsCommand.NONE.http2()).isTrue();
    }

    @Test
    void editFormShowsHttp2OffTheTrustedProxiesOnePerLineAndTheForwardedSwitch() {
        when(sites.get(9)).thenReturn(Mono.just(new SiteView(9, List.of("app.example.test"), "app", true, null, false, null,
                false, false, false, null, T0, T0, null,
                new SiteHeaders(true, List.of(), List.of(), List.of("10.0.0.0/8", "::1"), true), false)));

        String html = get("/sites/9/edit", HttpStatus.OK);

        assertThat(Html.attribute(Html.control(html, "http2"), "checked")).isNull();
        assertThat(Html.textarea(html, "trustedProxies")).isEqualTo("10.0.0.0/8\n::1");
        assertThat(Html.attribute(Html.control(html, "forwardedHeader"), "checked")).isNotNull();
    }

    @Test
    void aBadTrustedProxyIsShownNextToTheTextareaWithWhatWasTypedKept() {
        String message = "trustedProxies[1]: trusted proxy '10.0.0.0/33' has prefix /33; use 0-32";
        when(sites.update(eq(9L), any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("trustedProxies[1]", message)))));

        MultiValueMap<String, String> form = form("app.example.test", "app", true);
        form.add("trustedProxies", "127.0.0.1\n10.0.0.0/33");
        form.add("forwardedHeader", "true");
        String html = post("/sites/9", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "trustedProxies")).isEqualTo(message);
        String textarea = Html.control(html, "trustedProxies");
        assertThat(Html.attribute(textarea, "class")).contains("is-invalid");
        assertThat(Html.attribute(textarea, "aria-describedby")).isEqualTo("trustedProxies-help trustedProxies-error");
        assertThat(Html.textarea(html, "trustedProxies")).isEqualTo("127.0.0.1\n10.0.0.0/33");
        assertThat(Html.attribute(Html.control(html, "forwardedHeader"), "checked")).isNotNull();
        assertThat(Html.formErrors(html)).isEmpty();
    }

    // --- Access and limits ---

    @Test
    void newFormHasTheAccessAndLimitsSectionWithExploitsBlockedAndTheListsOffered() {
        String html = get("/sites/new", HttpStatus.OK);

        assertThat(html).containsSubsequence("id=\"headers-section\"", "</fieldset>", "id=\"policies-section\"",
                "Access and limits", "name=\"accessList\"", "name=\"rateLimitRequests\"", "name=\"blockExploits\"",
                "name=\"maxBodySize\"", "name=\"maxHeaderBytes\"", "name=\"maxUrlLength\"", "</fieldset>");
        assertThat(html).contains("<option value=\"\" selected=\"selected\">None: everyone may reach the site</option>",
                "<option value=\"office\">office</option>", "<option value=\"staff\">staff</option>",
                "href=\"/access-lists\"");
        assertThat(Html.attribute(Html.control(html, "blockExploits"), "checked")).isNotNull();
        assertThat(html).contains("type=\"hidden\" name=\"_blockExploits\"",
                "path traversal (../, also encoded), /.env, /.git and other secret dot files",
                "SQL-injection and XSS probes in the query", "Turn it off only for an app that needs one of these");
        assertThat(Html.attribute(Html.control(html, "rateLimitRequests"), "value")).isEmpty();
        assertThat(Html.attribute(Html.control(html, "rateLimitRequests"), "placeholder")).isEqualTo("off");
        assertThat(html).contains("<option value=\"seconds\" selected=\"selected\">second(s)</option>",
                "<option value=\"MB\" selected=\"selected\">MB</option>");
        assertThat(Html.attribute(Html.control(html, "maxHeaderBytes"), "placeholder")).isEqualTo("16384");
        assertThat(Html.attribute(Html.control(html, "maxUrlLength"), "placeholder")).isEqualTo("8192");
    }

    @Test
    void listShowsTheAccessListRateLimitAndExploitsNotBlocked() {
        when(sites.list()).thenReturn(Flux.just(
                policySite(1, new SitePolicies(2L, new SitePolicies.SiteRateLimit(10, 60, 5), false, 0, 0, 0), "staff"),
                policySite(2, SitePolicies.DEFAULT, null)));

        String html = get("/sites", HttpStatus.OK);

        assertThat(html).containsSubsequence("id=\"site-1\"", "title=\"Guarded by access list staff\">staff</span>",
                "title=\"10 request(s) per 60 s per visitor address, burst 5\">Rate limited</span>",
                "Exploits not blocked", "id=\"site-2\"");
        assertThat(html.substring(html.indexOf("id=\"site-2\""))).doesNotContain("gh-site-access-list",
                "gh-site-rate-limit", "gh-site-exploits-allowed");
    }

    @Test
    void editFormShowsTheStoredPoliciesInTheirUnits() {
        when(sites.get(9)).thenReturn(Mono.just(policySite(9, new SitePolicies(2L, new SitePolicies.SiteRateLimit(120, 60, 20),
                false, 10L * 1024 * 1024, 8192, 2048), "staff")));

        String html = get("/sites/9/edit", HttpStatus.OK);

        assertThat(html).contains("<option value=\"staff\" selected=\"selected\">staff</option>",
                "<option value=\"minutes\" selected=\"selected\">minute(s)</option>",
                "<option value=\"MB\" selected=\"selected\">MB</option>");
        assertThat(Html.attribute(Html.control(html, "rateLimitRequests"), "value")).isEqualTo("120");
        assertThat(Html.attribute(Html.control(html, "rateLimitPeriod"), "value")).isEqualTo("1");
        assertThat(Html.attribute(Html.control(html, "rateLimitBurst"), "value")).isEqualTo("20");
        assertThat(Html.attribute(Html.control(html, "blockExploits"), "checked")).isNull();
        assertThat(Html.attribute(Html.control(html, "maxBodySize"), "value")).isEqualTo("10");
        assertThat(Html.attribute(Html.control(html, "maxHeaderBytes"), "value")).isEqualTo("8192");
        assertThat(Html.attribute(Html.control(html, "maxUrlLength"), "value")).isEqualTo("2048");
    }

    @Test
    void thePoliciesBindIntoTheCommandInTheApisUnits() {
        when(sites.create(any(), anyString())).thenReturn(Mono.just(site(3, List.of("app.example.test"), "app", true)));

        MultiValueMap<String, String> form = form("app.example.test", "app", true);
        form.add("accessList", "staff");
        form.add("rateLimitRequests", " 30 ");
        form.add("rateLimitPeriod", "2");
        form.add("rateLimitPeriodUnit", "minutes");
        form.add("rateLimitBurst", "10");
        form.add("_blockExploits", "on"); // unchecked: only the marker is posted
        form.add("maxBodySize", "1,5");
        form.add("maxBodySizeUnit", "KB");
        form.add("maxHeaderBytes", "4096");
        form.add("maxUrlLength", "");
        post("/sites", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(sites).create(new SiteCommand(List.of("app.example.test"), "app", true, HttpsCommand.NONE,
                WebsocketCommand.OFF, null, HeadersCommand.DEFAULT, new PoliciesCommand("staff",
                new RateLimitCommand(30, 120, 10), false, new SizeLimitsCommand(1536L, 4096, null))), ADMIN);
    }

    @Test
    void boxesThatAreNotNumbersAreShownNextToThemAndNothingIsSaved() {
        MultiValueMap<String, String> form = form("app.example.test", "app", true);
        form.add("rateLimitRequests", "ten");
        form.add("rateLimitPeriod", "1.5");
        form.add("maxBodySize", "10 MB");
        form.add("maxBodySizeUnit", "MB");
        form.add("maxUrlLength", "-1");
        String html = post("/sites", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "rateLimitRequests")).isEqualTo("requests 'ten' must be a whole number, e.g. 10 "
                + "(or empty)");
        assertThat(Html.fieldError(html, "rateLimitPeriod")).isEqualTo("period '1.5' must be a whole number of seconds, "
                + "e.g. 1 (or empty)");
        assertThat(Html.fieldError(html, "maxBodySize")).isEqualTo("max body size '10 MB' must be a number of MB, e.g. 10 "
                + "or 1.5 (or empty)");
        assertThat(Html.fieldError(html, "maxUrlLength")).isEqualTo("max URL length '-1' must be a whole number of "
                + "characters, e.g. 2048 (or empty)");
        assertThat(Html.attribute(Html.control(html, "rateLimitRequests"), "value")).isEqualTo("ten");
        assertThat(Html.attribute(Html.control(html, "rateLimitRequests"), "class")).contains("is-invalid");
        assertThat(Html.fieldError(html, "maxHeaderBytes")).isNull();
        verify(sites, never()).create(any(), anyString());
    }

    @Test
    void theServicesPolicyProblemsAreShownNextToTheirControls() {
        when(sites.update(eq(9L), any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("policies.accessList", "policies.accessList: no access list named 'gone'"),
                new FieldProblem("policies.rateLimit.periodSeconds", "policies.rateLimit.periodSeconds 7200 is out of range; "
                        + "use 1-3600 seconds (up to an hour)"),
                new FieldProblem("policies.limits.maxHeaderBytes", "policies.limits.maxHeaderBytes 20000 is out of range")))));

        MultiValueMap<String, String> form = form("app.example.test", "app", true);
        form.add("accessList", "gone");
        form.add("rateLimitRequests", "5");
        form.add("rateLimitPeriod", "120");
        form.add("rateLimitPeriodUnit", "minutes");
        form.add("maxHeaderBytes", "20000");
        String html = post("/sites/9", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "accessList")).isEqualTo("policies.accessList: no access list named 'gone'");
        assertThat(Html.fieldError(html, "rateLimitPeriod")).startsWith("policies.rateLimit.periodSeconds 7200");
        assertThat(Html.attribute(Html.control(html, "rateLimitPeriod"), "value")).isEqualTo("120");
        assertThat(Html.fieldError(html, "maxHeaderBytes")).startsWith("policies.limits.maxHeaderBytes 20000");
        assertThat(html).contains("<option value=\"minutes\" selected=\"selected\">minute(s)</option>");
        assertThat(Html.formErrors(html)).isEmpty();
    }

    @Test
    void aRedirectSiteSendsNoPoliciesSoItKeepsThoseItHasAndTheirBoxesAreNotJudged() {
        when(sites.update(eq(5L), any(), anyString())).thenReturn(Mono.just(site(5, List.of("old.example.test"), null, true)));

        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("hostnames", "old.example.test");
        form.add("action", "redirect");
        form.add("redirectTarget", "https://new.example.test");
        form.add("rateLimitRequests", "ten"); // hidden with Redirect chosen: neither judged nor sent
        post("/sites/5", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(sites).update(eq(5L), org.mockito.ArgumentMatchers.argThat(command -> command.policies() == null
                && command.redirect() != null), eq(ADMIN));
    }

    private static SiteView headerSite(long id, SiteHeaders headers) {
        return new SiteView(id, List.of("app.example.test"), "app", true, null, false, null, false, false, false, null,
                T0, T0, null, headers);
    }

    /**
     * What the form sends for a forwarding site whose Headers and Access and limits sections were left as a
     * new site has them.
     */
    private static SiteCommand withDefaultHeaders(SiteCommand command) {
        return new SiteCommand(command.hostnames(), command.backend(), command.enabled(), command.https(),
                command.websockets(), command.redirect(), HeadersCommand.DEFAULT, PoliciesCommand.DEFAULT);
    }

    private static String radio(String html, String value) {
        Matcher radio = Pattern.compile("<input\\b[^>]*\\bname=\"action\"[^>]*\\bvalue=\"" + value + "\"[^>]*>")
                .matcher(html);
        assertThat(radio.find()).as("an action radio with value %s", value).isTrue();
        return radio.group();
    }

    private static SiteView policySite(long id, SitePolicies policies, String accessList) {
        return new SiteView(id, List.of("app.example.test"), "app", true, null, false, null, false, false, false, null,
                T0, T0, null, SiteHeaders.DEFAULT, true, policies, accessList);
    }

    private static SiteView redirectSite(long id, SiteRedirect redirect) {
        return new SiteView(id, List.of("old" + id + ".example.test"), null, true, null, false, null, false, false,
                false, null, T0, T0, redirect, SiteHeaders.DEFAULT);
    }

    private static SiteView websocketSite(long id, Long idleTimeoutMs) {
        return new SiteView(id, List.of("chat" + id + ".example.test"), "app", true, null, false, null, false, false,
                true, idleTimeoutMs, T0, T0);
    }

    private static CertificateView certificate(long id, String name, List<String> sans, Status status) {
        Instant notAfter = Instant.parse("2026-03-01T00:00:00Z");
        CertificateDetails details = new CertificateDetails("CN=" + sans.get(0), sans, "CN=Test CA",
                List.of(new ChainEntry("CN=" + sans.get(0), "CN=Test CA", notAfter, "AB:CD")),
                notAfter.minus(Duration.ofDays(90)), notAfter, 30, status, "EC", 256, "AB:CD", "01", false);
        return new CertificateView(id, name, details, List.of(), T0, T0);
    }

    private static SiteView site(long id, List<String> hostnames, String backend, boolean enabled) {
        return new SiteView(id, hostnames, backend, enabled, T0, T0);
    }

    private static BackendView backend(long id, String name) {
        return new BackendView(id, name, List.of("127.0.0.1:3000"), List.of(), T0, T0);
    }
}
