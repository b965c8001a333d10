package dev.gatehouse.admin.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.security.SessionStates;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.twofactor.TwoFactorService;
import dev.gatehouse.admin.twofactor.TwoFactorService.CodeCheck;
import dev.gatehouse.admin.twofactor.TwoFactorService.Enrolment;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import dev.gatehouse.storage.user.TwoFactorStatus;
import dev.gatehouse.storage.user.User;
import dev.gatehouse.storage.user.UserRepository;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Mono;

/**
 * The account pages with {@link TwoFactorService} mocked and the real security chains: the set-up page
 * shows the key and the {@code otpauth://} URI, a first code confirms it, the recovery codes are shown
 * once, turning it off takes the password and a code, the policy is for administrators; and everything
 * under {@code /account/security} asks for the password again when it was not entered recently.
 */
@WebFluxTest({AccountController.class, ReauthenticateController.class})
@WithGatehouseSecurity
class AccountControllerTest {

    private static final String ALICE = "alice@example.test";
    private static final String PASSWORD = "alice-passphrase-42";
    private static final Instant ENABLED = Instant.parse("2026-03-01T08:00:00Z");
    private static final Enrolment ENROLMENT = new Enrolment("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
            "otpauth://totp/Gatehouse:alice@example.test?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Gatehouse"
                    + "&algorithm=SHA1&digits=6&period=30");
    private static final List<String> CODES = List.of("aaaa-bbbb-cccc-dddd", "eeee-ffff-gggg-hhhh", "jjjj-kkkk-mmmm-nnnn",
            "pppp-qqqq-rrrr-ssss", "tttt-uuuu-vvvv-wwww", "xxxx-yyyy-zzzz-2222", "3333-4444-5555-6666",
            "7777-8888-9999-aaab", "bbbc-cccd-dddd-eeef", "fffg-gggh-hhhj-jjjk");

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
        when(twoFactor.isOn(anyString())).thenReturn(Mono.just(false));
        when(twoFactor.status(anyString())).thenReturn(Mono.just(Optional.empty()));
        when(twoFactor.newEnrolment(ALICE)).thenReturn(ENROLMENT);
        when(users.findByEmail(ALICE)).thenReturn(Optional.of(new User(1, ALICE, "{noop}" + PASSWORD, "ADMIN", ENABLED)));
    }

    private WebTestClient as(String role) {
        return web.mutateWith(mockUser(ALICE).roles(role)).mutateWith(csrf());
    }

    private WebTestClient recentlyConfirmed() {
        return as("ADMIN").mutateWith(SessionStates.recentlyConfirmed());
    }

    @Test
    void withTwoFactorOffTheAccountPageOffersToSetItUp() {
        String html = page(as("ADMIN"), "/account");

        assertThat(html).contains("id=\"two-factor-off\"", "href=\"/account/security/two-factor\"", "id=\"policy-form\"")
                .doesNotContain("id=\"two-factor-on\"", "recovery codes left");
    }

    @Test
    void withTwoFactorOnTheAccountPageCountsTheRecoveryCodesAndOffersToTurnItOff() {
        when(twoFactor.status(ALICE)).thenReturn(Mono.just(Optional.of(new TwoFactorStatus(1, ENABLED, 7))));

        String html = page(as("ADMIN"), "/account");

        assertThat(html).contains("id=\"two-factor-on\"", "On since <span id=\"two-factor-since\">2026-03-01</span>",
                "7 of 10 recovery codes left.", "href=\"/account/security/two-factor/disable\"",
                "action=\"/account/security/recovery-codes\"",
                "API tokens and HTTP Basic on the REST API stay one factor");
    }

    @Test
    void onlyAdministratorsSeeThePolicyForm() {
        assertThat(page(as("OPERATOR"), "/account")).doesNotContain("id=\"policy-form\"");
        assertThat(page(as("VIEWER"), "/account")).doesNotContain("id=\"policy-form\"").contains("id=\"set-up-two-factor\"");
    }

    @Test
    void theSetUpPageShowsTheKeyAndTheOtpauthUriAsText() {
        String html = page(recentlyConfirmed(), "/account/security/two-factor");

        assertThat(Html.attribute(input(html, "two-factor-secret"), "value")).isEqualTo("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
        assertThat(Html.attribute(input(html, "two-factor-uri"), "value")).isEqualTo(ENROLMENT.uri());
        assertThat(Html.attribute(Html.control(html, "code"), "autocomplete")).isEqualTo("one-time-code");
        assertThat(html).contains("action=\"/account/security/two-factor\"", "name=\"_csrf\"");
    }

    @Test
    void withoutARecentPasswordTheSecurityPagesAskForItFirst() {
        for (String path : List.of("/account/security/two-factor", "/account/security/two-factor/disable",
                "/account/security/recovery-codes")) {
            as("ADMIN").get().uri(path).exchange()
                    .expectStatus().isFound()
                    .expectHeader().valueEquals(HttpHeaders.LOCATION, "/account/reauthenticate?next=" + path);
        }
        post(as("ADMIN"), "/account/security/policy", Map.of("twoFactorRequired", "true"))
                .expectStatus().isSeeOther()
                .expectHeader().valueEquals(HttpHeaders.LOCATION, "/account/reauthenticate?next=/account");
        verify(twoFactor, never()).setRequired(anyBoolean(), anyString());
    }

    @Test
    void aWrongFirstCodeIsShownAtTheFieldAndTheKeyStays() {
        when(twoFactor.enable(eq(ALICE), any(), eq("123456"))).thenReturn(Mono.error(new ValidationException("code",
                "code: that is not the code your authenticator app shows now for this secret")));

        EntityExchangeResult<String> answer = post(recentlyConfirmed(), "/account/security/two-factor", Map.of("code", "123456"))
                .expectStatus().isBadRequest().expectBody(String.class).returnResult();

        String html = answer.getResponseBody();
        assertThat(Html.fieldError(html, "code")).isEqualTo("code: that is not the code your authenticator app shows now for this secret");
        assertThat(Html.attribute(Html.control(html, "code"), "value")).isEmpty();
        assertThat(Html.attribute(input(html, "two-factor-secret"), "value")).isEqualTo(ENROLMENT.groupedSecret());
    }

    @Test
    void theRightFirstCodeTurnsItOnAndTheRecoveryCodesAreShownOnce() {
        when(twoFactor.enable(ALICE, ENROLMENT, "654321")).thenReturn(Mono.just(CODES));

        EntityExchangeResult<byte[]> turnedOn = post(recentlyConfirmed(), "/account/security/two-factor", Map.of("code", "654321"))
                .expectStatus().isSeeOther()
                .expectHeader().valueEquals(HttpHeaders.LOCATION, "/account/security/recovery-codes")
                .expectBody().returnResult();
        String session = turnedOn.getResponseCookies().getFirst("SESSION").getValue();

        String shown = recentlyConfirmed().get().uri("/account/security/recovery-codes").cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(shown).contains(CODES.toArray(String[]::new));
        assertThat(Html.flash(shown)).startsWith("Two-factor sign-in is on");
        recentlyConfirmed().get().uri("/account/security/recovery-codes").cookie("SESSION", session).exchange()
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/account");
    }

    @Test
    void theSetUpPageIsNotShownWhenTwoFactorIsOnAlready() {
        when(twoFactor.isOn(ALICE)).thenReturn(Mono.just(true));

        recentlyConfirmed().get().uri("/account/security/two-factor").exchange()
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/account");
    }

    @Test
    void turningItOffTakesThePasswordAndACodeAndNeverEchoesThem() {
        when(twoFactor.isOn(ALICE)).thenReturn(Mono.just(true));
        when(twoFactor.check(ALICE, "111111")).thenReturn(Mono.just(CodeCheck.REJECTED));
        when(twoFactor.check(ALICE, "222222")).thenReturn(Mono.just(CodeCheck.ACCEPTED));
        when(twoFactor.disable(ALICE, ALICE)).thenReturn(Mono.just(true));
        String disable = "/account/security/two-factor/disable";

        String wrongCode = post(recentlyConfirmed(), disable, Map.of("password", PASSWORD, "code", "111111"))
                .expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        String wrongPassword = post(recentlyConfirmed(), disable, Map.of("password", "guess-guess-guess", "code", "222222"))
                .expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        verify(twoFactor, never()).disable(anyString(), anyString());

        assertThat(Html.formErrors(wrongCode)).containsExactly("The password or the code is not right.");
        assertThat(Html.formErrors(wrongPassword)).containsExactly("The password or the code is not right.");
        assertThat(wrongCode).doesNotContain(PASSWORD, "111111");
        assertThat(wrongPassword).doesNotContain("guess-guess-guess", "222222");

        post(recentlyConfirmed(), disable, Map.of("password", PASSWORD, "code", "222222"))
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/account");
        verify(twoFactor).disable(ALICE, ALICE);
    }

    @Test
    void anAdministratorWithTwoFactorRequiresItOfEveryone() {
        when(twoFactor.isOn(ALICE)).thenReturn(Mono.just(true));
        when(twoFactor.setRequired(anyBoolean(), anyString())).thenReturn(Mono.empty());

        post(recentlyConfirmed(), "/account/security/policy", Map.of("twoFactorRequired", "true"))
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/account");
        post(recentlyConfirmed(), "/account/security/policy", Map.of("_twoFactorRequired", "on"))
                .expectStatus().isSeeOther();

        verify(twoFactor).setRequired(true, ALICE);
        verify(twoFactor).setRequired(false, ALICE);
    }

    @Test
    void anAdministratorWithoutTwoFactorCannotRequireIt() {
        post(recentlyConfirmed(), "/account/security/policy", Map.of("twoFactorRequired", "true"))
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/account");

        verify(twoFactor, never()).setRequired(anyBoolean(), anyString());
    }

    @Test
    void operatorsAndViewersMayNotSetThePolicy() {
        for (String role : List.of("OPERATOR", "VIEWER")) {
            post(as(role).mutateWith(SessionStates.recentlyConfirmed()), "/account/security/policy",
                    Map.of("twoFactorRequired", "false"))
                    .expectStatus().isForbidden();
        }
        verify(twoFactor, never()).setRequired(anyBoolean(), anyString());
    }

    @Test
    void theReauthenticationPageAsksForACodeOnlyWithTwoFactorAndGoesOnlyToLocalPages() {
        String withoutTwoFactor = page(as("ADMIN"), "/account/reauthenticate?next=/users/3/edit");
        assertThat(withoutTwoFactor).doesNotContain("name=\"code\"");
        assertThat(Html.attribute(Html.control(withoutTwoFactor, "next"), "value")).isEqualTo("/users/3/edit");
        assertThat(Html.attribute(Html.control(page(as("ADMIN"), "/account/reauthenticate?next=//evil.example"), "next"),
                "value")).isEqualTo("/account");
        when(twoFactor.isOn(ALICE)).thenReturn(Mono.just(true));
        assertThat(page(as("ADMIN"), "/account/reauthenticate")).contains("name=\"code\"");
    }

    @Test
    void theRightPasswordReturnsToThePageThatAskedAndAWrongOneStays() {
        post(as("ADMIN"), "/account/reauthenticate", Map.of("password", "guess-guess-guess", "next", "/users"))
                .expectStatus().isBadRequest();
        post(as("ADMIN"), "/account/reauthenticate", Map.of("password", PASSWORD, "next", "/users"))
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/users");
        post(as("ADMIN"), "/account/reauthenticate", Map.of("password", PASSWORD, "next", "https://evil.example/"))
                .expectStatus().isSeeOther().expectHeader().valueEquals(HttpHeaders.LOCATION, "/account");
    }

    @Test
    void signedOutVisitorsAreSentToTheLoginPage() {
        web.get().uri("/account").exchange().expectStatus().isFound()
                .expectHeader().valueEquals(HttpHeaders.LOCATION, "/login");
    }

    private static String input(String html, String id) {
        Matcher tag = Pattern.compile("<input[^>]*id=\"" + id + "\"[^>]*>").matcher(html);
        assertThat(tag.find()).as("input #%s", id).isTrue();
        return tag.group();
    }

    private static String page(WebTestClient client, String path) {
        return client.get().uri(path).exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    private static WebTestClient.ResponseSpec post(WebTestClient client, String path, Map<String, String> fields) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        fields.forEach(form::add);
        return client.post().uri(path).contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form)).exchange();
    }
}
