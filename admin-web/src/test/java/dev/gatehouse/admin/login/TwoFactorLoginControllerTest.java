package dev.gatehouse.admin.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;

import dev.gatehouse.admin.security.SessionStates;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.twofactor.TwoFactorService;
import dev.gatehouse.admin.twofactor.TwoFactorService.CodeCheck;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import dev.gatehouse.storage.user.User;
import dev.gatehouse.storage.user.UserRepository;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Mono;

/** The code step of signing in, with {@link TwoFactorService} mocked and the real security chains and throttle. */
@WebFluxTest(TwoFactorLoginController.class)
@WithGatehouseSecurity
class TwoFactorLoginControllerTest {

    private static final String ALICE = "alice@example.test";

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private TwoFactorService twoFactor;
    @MockitoBean
    private SetupService setup;
    @Autowired
    private UserRepository users;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
        when(twoFactor.required()).thenReturn(Mono.just(false));
        when(twoFactor.isOn(anyString())).thenReturn(Mono.just(true));
        when(users.findByEmail(ALICE)).thenReturn(Optional.of(new User(1, ALICE, "{noop}pw", "ADMIN", Instant.EPOCH)));
    }

    private WebTestClient halfway() {
        return web.mutateWith(SessionStates.passwordVerified(ALICE)).mutateWith(csrf());
    }

    @Test
    void afterThePasswordThePageAsksForTheCodeOrARecoveryCode() {
        String html = halfway().get().uri("/login/two-factor").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).contains("action=\"/login/two-factor\"", "name=\"_csrf\"", "recovery codes");
        assertThat(Html.attribute(Html.control(html, "code"), "autocomplete")).isEqualTo("one-time-code");
        assertThat(html).doesNotContain("id=\"code-error\"", "id=\"code-throttled\"");
    }

    @Test
    void aWrongCodeAndAThrottledOneAreSaidWithoutMore() {
        assertThat(halfway().get().uri("/login/two-factor?error").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody()).contains("id=\"code-error\"");
        assertThat(halfway().get().uri("/login/two-factor?throttled=7").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody())
                .contains("Too many failed sign-ins; try again in 7 seconds.").doesNotContain("id=\"code-error\"");
    }

    @Test
    void withoutAPasswordFirstThereIsNoCodeStep() {
        web.get().uri("/login/two-factor").exchange()
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/login?expired");
        post(web.mutateWith(csrf()), "123456")
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/login?expired");
        verify(twoFactor, never()).check(anyString(), anyString());
    }

    @Test
    void aWrongCodeComesBackWithAnError() {
        when(twoFactor.check(ALICE, "111111")).thenReturn(Mono.just(CodeCheck.REJECTED));

        post(halfway(), "111111")
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/login/two-factor?error");
    }

    @Test
    void theRightCodeFinishesTheSignInInANewSession() {
        when(twoFactor.check(ALICE, "222222")).thenReturn(Mono.just(CodeCheck.ACCEPTED));

        String session = post(halfway(), "222222")
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/")
                .expectBody().returnResult().getResponseCookies().getFirst("SESSION").getValue();

        web.get().uri("/login/two-factor").cookie("SESSION", session).exchange()
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/login?expired");
    }

    @Test
    void theCodeStepNeedsTheCsrfToken() {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("code", "222222");
        web.mutateWith(SessionStates.passwordVerified(ALICE)).post().uri("/login/two-factor")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(BodyInserters.fromFormData(form)).exchange()
                .expectStatus().isForbidden();
        verify(twoFactor, never()).check(anyString(), anyString());
    }

    @Test
    void wrongCodesAreThrottledLikeWrongPasswords() {
        // an account of its own: the throttle lives as long as the application context
        String mallory = "mallory@example.test";
        WebTestClient guessing = web.mutateWith(SessionStates.passwordVerified(mallory)).mutateWith(csrf());
        when(twoFactor.check(mallory, "111111")).thenReturn(Mono.just(CodeCheck.REJECTED));
        when(twoFactor.check(mallory, "222222")).thenReturn(Mono.just(CodeCheck.ACCEPTED));
        for (int i = 1; i <= 5; i++) {
            post(guessing, "111111").expectHeader().valueEquals(HttpHeaders.LOCATION, "/login/two-factor?error");
        }

        post(guessing, "222222").expectHeader().valueEquals(HttpHeaders.LOCATION, "/login/two-factor?throttled=1");
        verify(twoFactor, never()).check(mallory, "222222");
    }

    private static WebTestClient.ResponseSpec post(WebTestClient client, String code) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("code", code);
        return client.post().uri("/login/two-factor").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form)).exchange();
    }
}
