package dev.gatehouse.admin.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.when;

import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** The sign-in page; Spring Security itself processes the POST. */
@WebFluxTest(LoginController.class)
@WithGatehouseSecurity
class LoginControllerTest {

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private SetupService setup;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
    }

    @Test
    void formPostsEmailAndPasswordWithTheCsrfToken() {
        String html = page("/login");

        assertThat(html).contains("action=\"/login\"", "name=\"_csrf\"");
        assertThat(Html.attribute(Html.control(html, "username"), "type")).isEqualTo("email");
        assertThat(Html.attribute(Html.control(html, "password"), "type")).isEqualTo("password");
        assertThat(html).doesNotContain("Invalid email or password");
        assertThat(Html.flash(html)).isNull();
    }

    @Test
    void failedSignInSaysSoWithoutSayingWhichPartWasWrong() {
        String html = page("/login?error");

        assertThat(html).contains("Invalid email or password");
        assertThat(Html.attribute(Html.control(html, "username"), "class")).contains("is-invalid");
    }

    @ParameterizedTest
    @CsvSource({
            "/login?logout, Signed out.",
            "/login?setup,  'Administrator created, sign in.'",
            "/login?expired, 'Your session ended; please sign in again.'",
    })
    void arrivalsFromLogoutSetupAndAnEndedSessionAreAcknowledged(String path, String message) {
        String html = page(path);

        assertThat(Html.flash(html)).isEqualTo(message);
        assertThat(html).doesNotContain("Invalid email or password");
    }

    @Test
    void aThrottledSignInSaysHowLongToWaitAndNothingAboutTheAccount() {
        String html = page("/login?throttled=37");

        assertThat(html).contains("id=\"login-throttled\"", "Too many failed sign-ins; try again in 37 seconds.");
        assertThat(html).doesNotContain("Invalid email or password");
        assertThat(Html.attribute(Html.control(html, "username"), "class")).doesNotContain("is-invalid");
    }

    @Test
    void oneSecondIsSingular() {
        assertThat(page("/login?throttled=1")).contains("Too many failed sign-ins; try again in 1 second.");
    }

    @ParameterizedTest
    @CsvSource({"/login?throttled=abc", "/login?throttled=0", "/login?throttled=-5", "/login?throttled=99999999999",
            "/login?throttled=<script>"})
    void aWaitThatIsNotASaneNumberOfSecondsIsIgnored(String path) {
        String html = page(path);

        assertThat(html).doesNotContain("login-throttled", "Too many failed sign-ins", "<script>");
    }

    private String page(String path) {
        return web.get().uri(path).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }
}
