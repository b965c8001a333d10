package dev.gatehouse.admin.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;

import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import java.util.List;
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

/** The first-administrator page, with SetupService mocked. */
@WebFluxTest(SetupController.class)
@WithGatehouseSecurity
class SetupControllerTest {

    private static final String PASSWORD = "correct horse battery";

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private SetupService setup;

    @Test
    void formAsksForEmailAndPasswordTwice() {
        when(setup.needsSetup()).thenReturn(Mono.just(true));

        String html = web.get().uri("/setup").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).contains("action=\"/setup\"", "name=\"_csrf\"", "Create administrator");
        assertThat(Html.attribute(Html.control(html, "email"), "type")).isEqualTo("email");
        assertThat(Html.attribute(Html.control(html, "password"), "type")).isEqualTo("password");
        assertThat(Html.attribute(Html.control(html, "confirmPassword"), "type")).isEqualTo("password");
    }

    @Test
    void onceAnAdministratorExistsThePageSendsToSignIn() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));

        web.get().uri("/setup").exchange()
                .expectStatus().is3xxRedirection()
                .expectHeader().valueMatches("Location", ".*/login");
    }

    @Test
    void createdAdministratorIsSentToSignInWithAMessage() {
        when(setup.needsSetup()).thenReturn(Mono.just(true));
        when(setup.createFirstAdmin(anyString(), anyString())).thenReturn(Mono.empty());

        post(form(" admin@example.test ", PASSWORD, PASSWORD))
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/login?setup");

        verify(setup).createFirstAdmin("admin@example.test", PASSWORD);
    }

    @Test
    void differentPasswordsAreRejectedWithoutAskingTheService() {
        when(setup.needsSetup()).thenReturn(Mono.just(true));

        String html = post(form("admin@example.test", PASSWORD, PASSWORD + "!"))
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "confirmPassword")).isEqualTo("The two passwords are not the same.");
        assertThat(Html.attribute(Html.control(html, "email"), "value")).isEqualTo("admin@example.test");
        assertNoPasswordIn(html);
        verify(setup, never()).createFirstAdmin(anyString(), anyString());
    }

    @Test
    void serviceProblemsAreShownNextToTheirFieldsAndPasswordsAreNotSentBack() {
        when(setup.needsSetup()).thenReturn(Mono.just(true));
        when(setup.createFirstAdmin(anyString(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("email", "email 'admin' is not an email address, e.g. admin@example.com"),
                new FieldProblem("password", "password must be at least 12 characters, was 5")))));

        String html = post(form("admin", "short", "short"))
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "email")).isEqualTo("email 'admin' is not an email address, e.g. admin@example.com");
        assertThat(Html.fieldError(html, "password")).isEqualTo("password must be at least 12 characters, was 5");
        assertThat(Html.attribute(Html.control(html, "email"), "value")).isEqualTo("admin");
        assertThat(html).doesNotContain("value=\"short\"");
    }

    @Test
    void setupFinishedMeanwhileSendsToSignIn() {
        when(setup.needsSetup()).thenReturn(Mono.just(true));
        when(setup.createFirstAdmin(anyString(), anyString()))
                .thenReturn(Mono.error(new ConflictException("email", "setup is already complete; sign in instead")));

        post(form("admin@example.test", PASSWORD, PASSWORD))
                .expectStatus().is3xxRedirection()
                .expectHeader().location("/login");
    }

    @Test
    void postWithoutCsrfTokenIsForbidden() {
        when(setup.needsSetup()).thenReturn(Mono.just(true));

        web.post().uri("/setup")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form("admin@example.test", PASSWORD, PASSWORD)))
                .exchange()
                .expectStatus().isForbidden();

        verify(setup, never()).createFirstAdmin(anyString(), anyString());
    }

    private WebTestClient.ResponseSpec post(MultiValueMap<String, String> form) {
        return web.mutateWith(csrf()).post().uri("/setup")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    private static void assertNoPasswordIn(String html) {
        assertThat(html).doesNotContain(PASSWORD);
        assertThat(Html.attribute(Html.control(html, "password"), "value")).isNullOrEmpty();
        assertThat(Html.attribute(Html.control(html, "confirmPassword"), "value")).isNullOrEmpty();
    }

    private static MultiValueMap<String, String> form(String email, String password, String confirmPassword) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("email", email);
        form.add("password", password);
        form.add("confirmPassword", confirmPassword);
        return form;
    }
}
