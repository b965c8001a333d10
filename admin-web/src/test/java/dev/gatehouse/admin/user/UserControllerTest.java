package dev.gatehouse.admin.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.ObjectPermissions;
import dev.gatehouse.admin.security.ReauthenticationService;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
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
 * The Users pages with {@link UserService} mocked and the real security chains, role rules and permissions:
 * administrators only, Post/Redirect/Get, problems next to their field, passwords never rendered back, the
 * last administrator protected. The password was confirmed recently (re-authentication is mocked to say so),
 * except where a test says otherwise.
 */
@WebFluxTest(UserController.class)
@WithGatehouseSecurity
@Import(ObjectPermissions.class)
class UserControllerTest {

    private static final String ADMIN = "admin@example.test";
    private static final Instant CREATED = Instant.parse("2026-03-10T09:15:00Z");
    private static final UserView ALICE = new UserView(1, ADMIN, Role.ADMIN, CREATED, Instant.parse("2026-03-11T07:30:00Z"), true);
    private static final UserView BOB = new UserView(2, "bob<script>@example.test", Role.OPERATOR, CREATED, null, false);
    private static final String PASSWORD = "a-new-long-passphrase-42";

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private UserService users;
    @MockitoBean
    private SetupService setup;
    @MockitoBean
    private ReauthenticationService reauthentication;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
        when(reauthentication.isRecent(any())).thenReturn(Mono.just(true));
        when(users.list()).thenReturn(Mono.just(List.of(ALICE, BOB)));
        when(users.get(1)).thenReturn(Mono.just(ALICE));
        when(users.get(2)).thenReturn(Mono.just(BOB));
    }

    @Test
    void theListShowsEachUserWithTheirRoleAndLastSignInEscaped() {
        String html = get("/users");

        String bob = row(html, 2);
        assertThat(bob).contains("bob&lt;script&gt;@example.test", "action=\"/users/2/role\"", "action=\"/users/2/delete\"",
                "href=\"/users/2/password\"", "never", "name=\"_csrf\"")
                .doesNotContain("bob<script>");
        assertThat(selected(bob)).isEqualTo("operator");
        String alice = row(html, 1);
        assertThat(alice).contains("2026-03-11 07:30", ">you<", "gh-two-factor\">on<");
        assertThat(bob).contains("gh-two-factor\">off<");
        assertThat(html).contains("id=\"add-user\"", "id=\"nav-users\"", "id=\"nav-audit\"");
    }

    @Test
    void theLastAdministratorCanBeNeitherDemotedNorDeletedFromTheList() {
        String alice = row(get("/users"), 1);

        assertThat(alice).contains("the last administrator").doesNotContain("/users/1/role", "/users/1/delete");
    }

    @Test
    void withTwoAdministratorsEitherMayBeChanged() {
        when(users.list()).thenReturn(Mono.just(List.of(ALICE, new UserView(2, "carol@example.test", Role.ADMIN, CREATED, null, false))));

        String html = get("/users");

        assertThat(row(html, 1)).contains("/users/1/role", "/users/1/delete");
        assertThat(row(html, 2)).contains("/users/2/role", "/users/2/delete");
    }

    @Test
    void addingAUserRedirectsToTheListWithAFlash() {
        when(users.create(any(), anyString())).thenReturn(Mono.just(new UserView(3, "new@example.test", Role.VIEWER, CREATED, null, false)));

        FluxExchangeResult<String> created = post("/users", form("new@example.test", PASSWORD, "viewer"))
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/users")
                .returnResult(String.class);

        verify(users).create(new UserCommand("new@example.test", PASSWORD, "viewer"), ADMIN);
        String page = signedIn().get().uri("/users").cookie("SESSION", created.getResponseCookies().getFirst("SESSION").getValue())
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(page)).startsWith("User new@example.test added as viewer.");
    }

    @Test
    void theNewUserFormOffersTheRolesWithViewerChosen() {
        String html = get("/users/new");

        assertThat(html).contains("id=\"user-form\"", "value=\"administrator\"", "value=\"operator\"");
        assertThat(Html.control(html, "role")).isNotNull();
        assertThat(selected(html)).isEqualTo("viewer");
        assertThat(Html.attribute(Html.control(html, "password"), "type")).isEqualTo("password");
    }

    @Test
    void aRejectedUserIsShownAgainWithTheProblemsAndWithoutThePassword() {
        when(users.create(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("password", "password is on a list of commonly used passwords; choose another"),
                new FieldProblem("role", "role must be one of administrator, operator, viewer, was 'root'")))));

        String html = post("/users", form("new@example.test", "password1234", "root"))
                .expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "password")).contains("commonly used");
        assertThat(Html.fieldError(html, "role")).contains("was 'root'");
        assertThat(Html.attribute(Html.control(html, "email"), "value")).isEqualTo("new@example.test");
        assertThat(Html.attribute(Html.control(html, "password"), "value")).isNull();
        assertThat(html).doesNotContain("password1234");
    }

    @Test
    void anEmailInUseIsAConflictNextToTheEmail() {
        when(users.create(any(), anyString())).thenReturn(Mono.error(new ConflictException("email",
                "a user with the email new@example.test exists already")));

        String html = post("/users", form("new@example.test", PASSWORD, "viewer"))
                .expectStatus().isEqualTo(HttpStatus.CONFLICT).expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "email")).isEqualTo("a user with the email new@example.test exists already");
    }

    @Test
    void changingARoleRedirectsWithAFlash() {
        when(users.changeRole(eq(2L), eq("viewer"), eq(ADMIN), any())).thenReturn(Mono.just(new UserView(2, "bob@example.test", Role.VIEWER, CREATED, null, false)));
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("role", "viewer");

        String page = followFlash(post("/users/2/role", form));

        verify(users).changeRole(eq(2L), eq("viewer"), eq(ADMIN), any());
        assertThat(Html.flash(page)).isEqualTo("User bob@example.test is now viewer.");
    }

    @Test
    void demotingTheLastAdministratorIsRefusedWithTheReason() {
        when(users.changeRole(eq(1L), eq("operator"), eq(ADMIN), any())).thenReturn(Mono.error(new ConflictException("role",
                "you are the last administrator: make another user an administrator before you demote yourself")));
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("role", "operator");

        String page = followFlash(post("/users/1/role", form));

        assertThat(Html.flashLevel(page)).isEqualTo("danger");
        assertThat(Html.flash(page)).startsWith("you are the last administrator");
    }

    @Test
    void deletingTheLastAdministratorIsRefusedWithTheReason() {
        when(users.delete(1, ADMIN)).thenReturn(Mono.error(new ConflictException("id",
                "you are the last administrator: make another user an administrator before you delete yourself")));

        String page = followFlash(post("/users/1/delete", new LinkedMultiValueMap<>()));

        assertThat(Html.flashLevel(page)).isEqualTo("danger");
        assertThat(Html.flash(page)).contains("last administrator");
    }

    @Test
    void deletingAUserRedirectsWithAFlash() {
        when(users.delete(2, ADMIN)).thenReturn(Mono.empty());

        String page = followFlash(post("/users/2/delete", new LinkedMultiValueMap<>()));

        verify(users).delete(2, ADMIN);
        assertThat(Html.flash(page)).isEqualTo("User bob<script>@example.test deleted, with their API tokens.");
    }

    @Test
    void resettingAPasswordTakesTheNewOneAndNeverShowsIt() {
        assertThat(get("/users/2/password")).contains("id=\"password-form\"", "action=\"/users/2/password\"");
        when(users.resetPassword(eq(2L), eq("short"), eq(ADMIN), any())).thenReturn(Mono.error(new ValidationException("password",
                "password must be at least 12 characters, was 5")));
        when(users.resetPassword(eq(2L), eq(PASSWORD), eq(ADMIN), any())).thenReturn(Mono.just(BOB));
        MultiValueMap<String, String> tooShort = new LinkedMultiValueMap<>();
        tooShort.add("password", "short");
        MultiValueMap<String, String> good = new LinkedMultiValueMap<>();
        good.add("password", PASSWORD);

        String rejected = post("/users/2/password", tooShort).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();
        String page = followFlash(post("/users/2/password", good));

        assertThat(Html.fieldError(rejected, "password")).isEqualTo("password must be at least 12 characters, was 5");
        assertThat(Html.attribute(Html.control(rejected, "password"), "value")).isNull();
        assertThat(Html.flash(page)).startsWith("Password of bob<script>@example.test reset.");
    }

    /** Operators and viewers reach no user page, not even the list, and nothing reaches the service. */
    @ParameterizedTest
    @CsvSource({
            "OPERATOR, GET,  /users",
            "OPERATOR, GET,  /users/new",
            "OPERATOR, POST, /users",
            "OPERATOR, POST, /users/2/role",
            "OPERATOR, GET,  /users/2/password",
            "OPERATOR, POST, /users/2/password",
            "OPERATOR, POST, /users/1/delete",
            "VIEWER,   GET,  /users",
            "VIEWER,   POST, /users",
            "VIEWER,   POST, /users/2/role",
    })
    void otherRolesGetThe403Page(String role, String method, String path) {
        MultiValueMap<String, String> form = form("me@example.test", PASSWORD, "administrator");
        form.add("role", "administrator");
        WebTestClient caller = web.mutateWith(mockUser("someone@example.test").roles(role)).mutateWith(csrf());

        WebTestClient.RequestHeadersSpec<?> request = method.equals("POST")
                ? caller.post().uri(path).contentType(MediaType.APPLICATION_FORM_URLENCODED).body(BodyInserters.fromFormData(form))
                : caller.method(HttpMethod.GET).uri(path);
        String html = request.exchange().expectStatus().isForbidden().expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).contains("id=\"forbidden\"", "Your role is " + role.toLowerCase());
        verifyNoInteractions(users);
    }

    @Test
    void withoutARecentPasswordTheUserPagesAskForItFirst() {
        when(reauthentication.isRecent(any())).thenReturn(Mono.just(false));

        signedIn().get().uri("/users").exchange()
                .expectStatus().isFound()
                .expectHeader().valueMatches("Location", "/account/reauthenticate\\?next=/users");
        post("/users/2/delete", new LinkedMultiValueMap<>()).expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().valueMatches("Location", "/account/reauthenticate.*");

        verify(users, never()).delete(anyLong(), anyString());
    }

    @Test
    void postsWithoutTheCsrfTokenAreRefused() {
        signedIn().post().uri("/users/2/delete").contentType(MediaType.APPLICATION_FORM_URLENCODED).exchange()
                .expectStatus().isForbidden();

        verify(users, never()).delete(anyLong(), anyString());
    }

    private String followFlash(WebTestClient.ResponseSpec response) {
        FluxExchangeResult<String> redirected = response.expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/users").returnResult(String.class);
        return signedIn().get().uri("/users").cookie("SESSION", redirected.getResponseCookies().getFirst("SESSION").getValue())
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    private static String row(String html, long id) {
        Matcher row = Pattern.compile("<tr\\b[^>]*\\bid=\"user-" + id + "\"[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(html);
        assertThat(row.find()).as("a row for user %d", id).isTrue();
        return row.group(1);
    }

    /** The value of the selected option of the first select in {@code html}. */
    private static String selected(String html) {
        Matcher option = Pattern.compile("<option\\b[^>]*\\bvalue=\"([^\"]*)\"[^>]*\\bselected\\b").matcher(html);
        assertThat(option.find()).as("a selected option").isTrue();
        return option.group(1);
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

    private static MultiValueMap<String, String> form(String email, String password, String role) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("email", email);
        form.add("password", password);
        form.add("role", role);
        return form;
    }
}
