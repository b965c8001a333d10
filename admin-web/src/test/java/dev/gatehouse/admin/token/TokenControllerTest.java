package dev.gatehouse.admin.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.ObjectPermissions;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Mono;

/**
 * The API tokens pages with {@link TokenService} mocked and the real security chains and permissions:
 * the token is shown once after creation and never again, the list shows only its public start,
 * revoking is a POST with CSRF and a confirmation.
 */
@WebFluxTest(TokenController.class)
@WithGatehouseSecurity
@Import(ObjectPermissions.class)
class TokenControllerTest {

    private static final String ADMIN = "admin@example.test";
    private static final String OPERATOR = "operator@example.test";
    private static final Instant CREATED = Instant.parse("2026-03-10T09:15:00Z");
    private static final String SECRET = "ght_Ab3dE9xQ_" + "S3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tA";
    private static final TokenView CI = new TokenView(4, "CI deploy", "read-write", ADMIN, "ght_Ab3dE9xQ_…", CREATED,
            Instant.parse("2026-03-11T07:30:00Z"), Instant.parse("2026-06-09T00:00:00Z"), null, TokenView.ACTIVE);
    private static final TokenView MONITORING = new TokenView(3, "Monitoring <b>", "read-only", ADMIN, "ght_Zz9yX8wV_…",
            CREATED, null, null, null, TokenView.ACTIVE);
    private static final TokenView OLD = new TokenView(2, "old", "read-only", ADMIN, "ght_0000aaaa_…", CREATED, null, null,
            Instant.parse("2026-03-10T10:00:00Z"), TokenView.REVOKED);

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private TokenService tokens;
    @MockitoBean
    private SetupService setup;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
        when(tokens.list()).thenReturn(Mono.just(List.of(CI, MONITORING, OLD)));
        when(tokens.suggestedExpiry()).thenReturn(LocalDate.parse("2026-06-08"));
    }

    @Test
    void theListShowsEachTokensDetailsButNeverASecret() {
        String html = get("/tokens");

        String ci = row(html, 4);
        assertThat(ci).contains("CI deploy", "ght_Ab3dE9xQ_…", "read-write", ADMIN, "2026-03-10 09:15", "2026-03-11 07:30",
                "2026-06-08", "action=\"/tokens/4/revoke\"", "name=\"_csrf\"", "data-confirm=\"Revoke the API token &#39;CI deploy&#39;?");
        String monitoring = row(html, 3);
        assertThat(monitoring).contains("Monitoring &lt;b&gt;", "read-only", "never").doesNotContain("<b>");
        assertThat(monitoring.split("never", -1)).as("never used, never expires").hasSize(3);
        String old = row(html, 2);
        assertThat(old).contains("revoked").doesNotContain("/revoke\"");
        assertThat(html).doesNotContainPattern("ght_[0-9A-Za-z]{8}_[0-9A-Za-z]{43}").doesNotContain("id=\"created-token\"");
        assertThat(html).as("no inline scripts").doesNotContainPattern("<script(?![^>]*\\bsrc=)");
    }

    @Test
    void theNavigationLeadsHereAndMarksItActive() {
        assertThat(get("/tokens")).containsPattern("<li class=\"nav-item active\">\\s*<a class=\"nav-link\" href=\"/tokens\" "
                + "id=\"nav-tokens\">");
    }

    @Test
    void noTokensYetExplainsWhatTheyAreFor() {
        when(tokens.list()).thenReturn(Mono.just(List.of()));

        assertThat(get("/tokens")).contains("id=\"tokens-empty\"", "No API tokens yet", "href=\"/tokens/new\"");
    }

    @Test
    void theNewTokenFormSuggestsReadOnlyAndAnExpiry() {
        String html = get("/tokens/new");

        assertThat(html).contains("action=\"/tokens\"", "name=\"_csrf\"");
        assertThat(Html.attribute(Html.control(html, "name"), "value")).isEmpty();
        assertThat(Html.attribute(radio(html, "read-only"), "checked")).isNotNull();
        assertThat(Html.attribute(radio(html, "read-write"), "checked")).isNull();
        String expiry = Html.control(html, "expiresOn");
        assertThat(Html.attribute(expiry, "type")).isEqualTo("date");
        assertThat(Html.attribute(expiry, "value")).isEqualTo("2026-06-08");
    }

    @Test
    void creatingShowsTheTokenOnceOnTheNextPageAndNeverAgain() {
        when(tokens.create(any(), anyString())).thenReturn(Mono.just(new NewToken(CI, SECRET)));

        FluxExchangeResult<String> created = post("/tokens", form("CI deploy", "read-write", "2026-06-08"))
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/tokens")
                .returnResult(String.class);
        String session = created.getResponseCookies().getFirst("SESSION").getValue();

        verify(tokens).create(new TokenCommand("CI deploy", "read-write", "2026-06-08"), ADMIN);
        WebTestClient.ResponseSpec shown = signedIn().get().uri("/tokens").cookie("SESSION", session).exchange();
        String page = shown.expectStatus().isOk()
                .expectHeader().value(HttpHeaders.CACHE_CONTROL, value -> assertThat(value).contains("no-store"))
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(createdSecret(page)).isEqualTo(SECRET);
        assertThat(Html.flash(page)).isEqualTo("API token 'CI deploy' created. Copy it now: it is shown only this once.");

        String again = signedIn().get().uri("/tokens").cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(again).doesNotContain(SECRET).doesNotContain("id=\"created-token\"");
        assertThat(Html.flash(again)).isNull();
    }

    @Test
    void anInvalidRequestIsShownAgainWithEachProblemNextToItsField() {
        when(tokens.create(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("name", "name must not be empty: say what the token is for, e.g. 'CI deploy'"),
                new FieldProblem("expiresOn", "expiry date 2020-01-01 is in the past; choose today (2026-03-10) or a later day")))));

        String html = post("/tokens", form("", "read-write", "2020-01-01"))
                .expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "name")).startsWith("name must not be empty");
        assertThat(Html.fieldError(html, "expiresOn")).startsWith("expiry date 2020-01-01 is in the past");
        assertThat(Html.attribute(Html.control(html, "expiresOn"), "value")).isEqualTo("2020-01-01");
        assertThat(Html.attribute(radio(html, "read-write"), "checked")).as("the choice is kept").isNotNull();
        assertThat(html).doesNotContain("id=\"created-token\"");
    }

    @Test
    void onlyTheFormsFieldsAreBound() {
        when(tokens.create(any(), anyString())).thenReturn(Mono.just(new NewToken(CI, SECRET)));
        MultiValueMap<String, String> form = form("ci", "read-only", "");
        form.add("owner", "someone-else@example.test");

        post("/tokens", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(tokens).create(new TokenCommand("ci", "read-only", ""), ADMIN);
    }

    @Test
    void revokingRedirectsToTheListWithAFlash() {
        when(tokens.get(4)).thenReturn(Mono.just(CI));
        when(tokens.revoke(4, ADMIN)).thenReturn(Mono.just(CI));

        FluxExchangeResult<String> revoked = post("/tokens/4/revoke", new LinkedMultiValueMap<>())
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/tokens")
                .returnResult(String.class);

        verify(tokens).revoke(4, ADMIN);
        String page = signedIn().get().uri("/tokens").cookie("SESSION", revoked.getResponseCookies().getFirst("SESSION").getValue())
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(page)).isEqualTo("API token 'CI deploy' revoked: calls with it are refused from now on.");
    }

    @Test
    void revokingAnUnknownTokenIsA404Page() {
        when(tokens.get(99)).thenReturn(Mono.error(new NotFoundException("there is no API token 99")));

        String html = post("/tokens/99/revoke", new LinkedMultiValueMap<>())
                .expectStatus().isNotFound().expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).contains("there is no API token 99");
    }

    @Test
    void postsWithoutTheCsrfTokenAreRefused() {
        signedIn().post().uri("/tokens/4/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED).exchange()
                .expectStatus().isForbidden();
        signedIn().post().uri("/tokens").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form("ci", "read-write", ""))).exchange()
                .expectStatus().isForbidden();

        verify(tokens, never()).revoke(anyLong(), anyString());
        verify(tokens, never()).create(any(), anyString());
    }

    @Test
    void signedOutVisitorsAreSentToTheLoginPage() {
        web.get().uri("/tokens").accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().is3xxRedirection().expectHeader().valueMatches("Location", ".*/login");
        web.mutateWith(csrf()).post().uri("/tokens/4/revoke").accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().is3xxRedirection().expectHeader().valueMatches("Location", ".*/login");

        verify(tokens, never()).revoke(anyLong(), anyString());
    }

    @Test
    void usersWithoutTheAdminRoleMayNotCreateOrRevoke() {
        WebTestClient viewer = web.mutateWith(mockUser("viewer@example.test").roles("VIEWER"));

        viewer.get().uri("/tokens/new").exchange().expectStatus().isForbidden();
        viewer.mutateWith(csrf()).post().uri("/tokens/4/revoke").exchange().expectStatus().isForbidden();
        assertThat(viewer.get().uri("/tokens").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody()).contains("No API tokens yet");

        verify(tokens, never()).revoke(anyLong(), anyString());
    }

    @Test
    void anOperatorSeesCreatesAndRevokesOnlyTheirOwnTokens() {
        TokenView own = new TokenView(9, "deploy", "read-write", OPERATOR, "ght_Op3rAt0r_…", CREATED, null, null, null,
                TokenView.ACTIVE);
        when(tokens.list()).thenReturn(Mono.just(List.of(CI, own)));
        when(tokens.get(9)).thenReturn(Mono.just(own));
        when(tokens.get(4)).thenReturn(Mono.just(CI));
        when(tokens.revoke(9, OPERATOR)).thenReturn(Mono.just(own));
        WebTestClient operator = web.mutateWith(mockUser(OPERATOR).roles("OPERATOR"));

        String list = operator.get().uri("/tokens").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(list).contains("id=\"token-9\"", "id=\"add-token\"").doesNotContain("id=\"token-4\"", "CI deploy");
        operator.get().uri("/tokens/new").exchange().expectStatus().isOk();

        operator.mutateWith(csrf()).post().uri("/tokens/4/revoke").exchange().expectStatus().isForbidden();
        verify(tokens, never()).revoke(anyLong(), anyString());
        operator.mutateWith(csrf()).post().uri("/tokens/9/revoke").exchange().expectStatus().isEqualTo(HttpStatus.SEE_OTHER);
        verify(tokens).revoke(9, OPERATOR);
    }

    private static String row(String html, long id) {
        Matcher row = Pattern.compile("<tr\\b[^>]*\\bid=\"token-" + id + "\"[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(html);
        assertThat(row.find()).as("a row for token %d", id).isTrue();
        return row.group(1);
    }

    private static String radio(String html, String value) {
        Matcher radio = Pattern.compile("<input\\b[^>]*\\bname=\"scope\"[^>]*\\bvalue=\"" + value + "\"[^>]*>").matcher(html);
        assertThat(radio.find()).as("a scope radio with value %s", value).isTrue();
        return radio.group();
    }

    private static String createdSecret(String html) {
        Matcher input = Pattern.compile("<input\\b[^>]*\\bid=\"created-token-secret\"[^>]*>").matcher(html);
        assertThat(input.find()).as("the created token's box").isTrue();
        return Html.attribute(input.group(), "value");
    }

    private WebTestClient signedIn() {
        return web.mutateWith(mockUser(ADMIN).roles("ADMIN"));
    }

    private String get(String path) {
        return signedIn().get().uri(path).accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec post(String path, MultiValueMap<String, String> form) {
        return signedIn().mutateWith(csrf()).post().uri(path)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    private static MultiValueMap<String, String> form(String name, String scope, String expiresOn) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("name", name);
        form.add("scope", scope);
        form.add("expiresOn", expiresOn);
        return form;
    }
}
