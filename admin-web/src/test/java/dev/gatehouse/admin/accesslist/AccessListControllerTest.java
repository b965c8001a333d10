package dev.gatehouse.admin.accesslist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.accesslist.AccessListCommand.RuleCommand;
import dev.gatehouse.admin.accesslist.AccessListCommand.UserCommand;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import dev.gatehouse.storage.accesslist.AccessListSettings.Rule;
import java.time.Instant;
import java.util.List;
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

/**
 * The Access lists pages with the service mocked: rendering, Post/Redirect/Get, problems next to their row,
 * CSRF, and passwords never written back into a page.
 */
@WebFluxTest(AccessListController.class)
@WithGatehouseSecurity
class AccessListControllerTest {

    private static final String ADMIN = "admin@example.test";
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    /** Typed into the form in the tests below: no page may ever contain it. */
    private static final String SECRET = "Tr0ub4dor&3-never-shown";

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private AccessListService lists;
    @MockitoBean
    private SetupService setup;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
    }

    private static AccessListView staff() {
        return new AccessListView(3, "staff", List.of(Rule.deny("10.0.0.66"), Rule.allow("10.0.0.0/8")),
                List.of("alice", "bob"), true, "Staff only", List.of("app.example.test"), T0, T0);
    }

    @Test
    void listShowsEachListWithItsRulesUsersAndSites() {
        when(lists.list()).thenReturn(Flux.just(staff(), new AccessListView(4, "vpn", List.of(Rule.allow("192.0.2.0/24")),
                List.of(), false, null, List.of(), T0, T0)));

        String html = get("/access-lists", HttpStatus.OK);

        assertThat(html).containsSubsequence("id=\"access-list-3\"", "staff", "needs address and password", "deny",
                "10.0.0.66", "allow", "10.0.0.0/8", "alice", "bob", "app.example.test", "action=\"/access-lists/3/delete\"");
        assertThat(html).containsSubsequence("id=\"access-list-4\"", "vpn", "192.0.2.0/24", "no password asked", "no site");
        assertThat(html).contains("href=\"/access-lists/3/edit\"", "data-confirm=\"Delete the access list staff?\"",
                "name=\"_csrf\"");
        assertThat(html).containsPattern("<li class=\"nav-item active\">\\s*<a class=\"nav-link\" href=\"/access-lists\" "
                + "id=\"nav-access-lists\">");
    }

    @Test
    void anEmptyListSaysWhatAnAccessListIsFor() {
        when(lists.list()).thenReturn(Flux.empty());

        String html = get("/access-lists", HttpStatus.OK);

        assertThat(html).contains("No access lists yet", "choose it in a site's Access section", "href=\"/access-lists/new\"");
        assertThat(html).doesNotContain("id=\"access-lists-table\"");
    }

    @Test
    void newFormStartsWithOneEmptyRuleAndUserRowAndSatisfyAny() {
        String html = get("/access-lists/new", HttpStatus.OK);

        assertThat(html).contains("action=\"/access-lists\"", "formaction=\"/access-lists/new/add/rule\"",
                "formaction=\"/access-lists/new/add/user\"");
        assertThat(Html.attribute(Html.control(html, "rules[0].address"), "value")).isEmpty();
        assertThat(html).contains("<option value=\"allow\" selected=\"selected\">allow</option>");
        assertThat(Html.attribute(Html.control(html, "users[0].username"), "value")).isEmpty();
        String password = Html.control(html, "users[0].password");
        assertThat(Html.attribute(password, "type")).isEqualTo("password");
        assertThat(Html.attribute(password, "autocomplete")).isEqualTo("new-password");
        assertThat(Html.attribute(password, "placeholder")).isEqualTo("at least 8 characters");
        assertThat(html).contains("<option value=\"any\" selected=\"selected\">Any: an allowed address or a valid user "
                + "(default)</option>", "<b>Any</b>: visitors from an allowed address get in without a password",
                "<b>All</b>: visitors must come from an");
        assertThat(html).doesNotContain("users[1].username", "Leave a password empty");
        assertThat(html).as("no inline scripts").doesNotContainPattern("<script(?![^>]*\\bsrc=)");
    }

    @Test
    void editFormShowsTheRulesTheUserNamesAndEmptyPasswordBoxes() {
        when(lists.get(3)).thenReturn(Mono.just(staff()));

        String html = get("/access-lists/3/edit", HttpStatus.OK);

        assertThat(html).contains("action=\"/access-lists/3\"", "Leave a password empty to keep the one the user has.");
        assertThat(Html.attribute(Html.control(html, "name"), "value")).isEqualTo("staff");
        assertThat(Html.attribute(Html.control(html, "rules[0].address"), "value")).isEqualTo("10.0.0.66");
        assertThat(html).containsSubsequence("name=\"rules[0].action\"", "<option value=\"deny\" selected=\"selected\">",
                "name=\"rules[1].action\"", "<option value=\"allow\" selected=\"selected\">");
        assertThat(Html.attribute(Html.control(html, "users[1].username"), "value")).isEqualTo("bob");
        assertThat(Html.attribute(Html.control(html, "users[0].password"), "value")).isEmpty();
        assertThat(Html.attribute(Html.control(html, "users[0].password"), "placeholder")).isEqualTo("unchanged");
        assertThat(html).contains("<option value=\"all\" selected=\"selected\">");
        assertThat(Html.attribute(Html.control(html, "realm"), "value")).isEqualTo("Staff only");
    }

    @Test
    void savingSendsTheFilledRowsAndRedirectsToTheListWithAFlash() {
        when(lists.create(any(), anyString())).thenReturn(Mono.just(staff()));
        when(lists.list()).thenReturn(Flux.just(staff()));

        MultiValueMap<String, String> form = form("staff");
        form.add("rules[0].action", "deny");
        form.add("rules[0].address", "10.0.0.66");
        form.add("rules[1].action", "allow");
        form.add("rules[1].address", " "); // a blank row is no rule
        form.add("rules[2].action", "allow");
        form.add("rules[2].address", "10.0.0.0/8");
        form.add("users[0].username", "");
        form.add("users[0].password", ""); // a blank row is no user
        form.add("users[1].username", "alice");
        form.add("users[1].password", SECRET);
        form.add("satisfy", "all");
        form.add("realm", "Staff only");
        var response = post("/access-lists", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/access-lists").returnResult(String.class);

        verify(lists).create(new AccessListCommand("staff", List.of(new RuleCommand("deny", "10.0.0.66"),
                new RuleCommand("allow", "10.0.0.0/8")), List.of(new UserCommand("alice", SECRET)), true, "Staff only"), ADMIN);
        String page = signedIn().get().uri("/access-lists")
                .cookie("SESSION", response.getResponseCookies().getFirst("SESSION").getValue()).exchange()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(page)).isEqualTo("Access list staff added.");
        assertThat(page).doesNotContain(SECRET);
    }

    @Test
    void anEditWithAnEmptyPasswordBoxSendsNoPasswordSoTheUserKeepsItsOwn() {
        when(lists.update(eq(3L), any(), anyString())).thenReturn(Mono.just(staff()));

        MultiValueMap<String, String> form = form("staff");
        form.add("users[0].username", "alice");
        form.add("users[0].password", "");
        post("/access-lists/3", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(lists).update(3, new AccessListCommand("staff", List.of(), List.of(new UserCommand("alice", null)), false,
                ""), ADMIN);
    }

    @Test
    void aRejectedSaveShowsEachProblemNextToItsRowAndNeverWritesAPasswordBack() {
        when(lists.update(eq(3L), any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("rules[0].address", "rules[0].address: address 'office.lan' is not an IP address or CIDR "
                        + "block (e.g. 10.0.0.0/8)"),
                new FieldProblem("users[1].password", "users[1].password of user 'carol' is too short: use at least 8 "
                        + "characters"),
                new FieldProblem("engine", "access list staff: something only the engine knows")))));

        MultiValueMap<String, String> form = form("staff");
        form.add("rules[0].address", "");  // blank: not rule 0 of the command
        form.add("rules[1].action", "allow");
        form.add("rules[1].address", "office.lan");
        form.add("users[0].username", "alice");
        form.add("users[0].password", SECRET);
        form.add("users[1].username", "carol");
        form.add("users[1].password", "short-" + SECRET);
        String html = post("/access-lists/3", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        // the service's rules[0] came from row 1, its users[1] from row 1
        assertThat(Html.fieldError(html, "rules1.address")).isEqualTo("rules[0].address: address 'office.lan' is not an IP "
                + "address or CIDR block (e.g. 10.0.0.0/8)");
        assertThat(Html.attribute(Html.control(html, "rules[1].address"), "value")).isEqualTo("office.lan");
        assertThat(Html.attribute(Html.control(html, "rules[1].address"), "class")).contains("is-invalid");
        assertThat(Html.fieldError(html, "users1.password")).isEqualTo("users[1].password of user 'carol' is too short: "
                + "use at least 8 characters");
        assertThat(Html.attribute(Html.control(html, "users[1].password"), "class")).contains("is-invalid");
        assertThat(Html.attribute(Html.control(html, "users[1].username"), "value")).isEqualTo("carol");
        assertThat(Html.formErrors(html)).containsExactly("access list staff: something only the engine knows");
        assertThat(Html.attribute(Html.control(html, "users[0].password"), "value")).isEmpty();
        assertThat(Html.attribute(Html.control(html, "users[1].password"), "value")).isEmpty();
        assertThat(html).doesNotContain(SECRET);
    }

    @Test
    void aNameAnotherListHasIsShownNextToTheName() {
        String message = "an access list named 'staff' already exists (access list 3)";
        when(lists.create(any(), anyString())).thenReturn(Mono.error(new ConflictException("name", message)));

        MultiValueMap<String, String> form = form("staff");
        form.add("users[0].username", "alice");
        form.add("users[0].password", SECRET);
        String html = post("/access-lists", form).expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "name")).isEqualTo(message);
        assertThat(Html.attribute(Html.control(html, "name"), "value")).isEqualTo("staff");
        assertThat(html).doesNotContain(SECRET);
    }

    @Test
    void addUserPostsBackWithOneMoreRowKeepsTheOthersButNotTheirPasswords() {
        MultiValueMap<String, String> form = form("staff");
        form.add("rules[0].action", "deny");
        form.add("rules[0].address", "10.0.0.66");
        form.add("users[0].username", "alice");
        form.add("users[0].password", SECRET);
        String html = post("/access-lists/3/add/user", form).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.attribute(Html.control(html, "users[0].username"), "value")).isEqualTo("alice");
        assertThat(Html.attribute(Html.control(html, "users[1].username"), "value")).isEmpty();
        assertThat(Html.attribute(Html.control(html, "rules[0].address"), "value")).isEqualTo("10.0.0.66");
        assertThat(html).doesNotContain(SECRET).doesNotContain("name=\"rules[1].address\"");
        verify(lists, never()).update(anyLong(), any(), anyString());

        String withRule = post("/access-lists/new/add/rule", form).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.attribute(Html.control(withRule, "rules[1].address"), "value")).isEmpty();
        assertThat(withRule).contains("action=\"/access-lists\"").doesNotContain(SECRET);
    }

    @Test
    void deletingAListInUseSaysWhyOnTheList() {
        String message = "access list 'staff' is used by site(s) app.example.test; choose another list (or none) for them, "
                + "or delete them first";
        when(lists.get(3)).thenReturn(Mono.just(staff()));
        when(lists.delete(3, ADMIN)).thenReturn(Mono.error(new ConflictException("name", message)));
        when(lists.list()).thenReturn(Flux.just(staff()));

        var response = post("/access-lists/3/delete", new LinkedMultiValueMap<>())
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/access-lists")
                .returnResult(String.class);
        String list = signedIn().get().uri("/access-lists")
                .cookie("SESSION", response.getResponseCookies().getFirst("SESSION").getValue()).exchange()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.flash(list)).isEqualTo(message);
        assertThat(Html.flashLevel(list)).isEqualTo("danger");
    }

    @Test
    void postWithoutCsrfTokenIsForbiddenAndSavesNothing() {
        signedIn().post().uri("/access-lists").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form("staff"))).exchange()
                .expectStatus().isForbidden();
        signedIn().post().uri("/access-lists/3/delete").exchange().expectStatus().isForbidden();

        verify(lists, never()).create(any(), anyString());
        verify(lists, never()).delete(anyLong(), anyString());
    }

    @Test
    void anonymousVisitorIsSentToSignIn() {
        web.get().uri("/access-lists").exchange()
                .expectStatus().is3xxRedirection()
                .expectHeader().valueMatches("Location", ".*/login");
    }

    private WebTestClient signedIn() {
        return web.mutateWith(mockUser(ADMIN).roles("ADMIN"));
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

    private static MultiValueMap<String, String> form(String name) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("name", name);
        return form;
    }
}
