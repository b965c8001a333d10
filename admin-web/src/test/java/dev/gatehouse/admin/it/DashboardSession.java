package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * The dashboard as a browser uses it: the login form with its CSRF token, then pages and forms in the
 * signed-in session. For running-app tests; {@code browser} does not follow redirects.
 */
final class DashboardSession {

    private static final Pattern CSRF_INPUT = Pattern.compile("<input[^>]*name=\"_csrf\"[^>]*>");
    private static final Pattern VALUE = Pattern.compile("value=\"([^\"]+)\"");

    private final WebTestClient browser;
    private final String session;

    private DashboardSession(WebTestClient browser, String session) {
        this.browser = browser;
        this.session = session;
    }

    /**
     * Posts the login form (with the CSRF token of the login page and its cookie: anonymous visitors have no
     * session); returns where it sent the browser and the session cookie it set, if any.
     */
    static EntityExchangeResult<byte[]> postLogin(WebTestClient browser, String email, String password) {
        EntityExchangeResult<String> loginPage = browser.get().uri("/login").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult();
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("username", email);
        form.add("password", password);
        form.add("_csrf", csrf(loginPage.getResponseBody()));
        return browser.post().uri("/login").cookie(BrowserSession.CSRF_COOKIE, cookie(loginPage, BrowserSession.CSRF_COOKIE))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form)).exchange()
                .expectStatus().isFound()
                .expectBody().returnResult();
    }

    /** Signs in with the login form; fails unless it lands on the dashboard. */
    static DashboardSession signIn(WebTestClient browser, String email, String password) {
        EntityExchangeResult<byte[]> signedIn = postLogin(browser, email, password);
        assertThat(signedIn.getResponseHeaders().getFirst(HttpHeaders.LOCATION)).as("signed in").isEqualTo("/");
        return new DashboardSession(browser, cookie(signedIn, "SESSION"));
    }

    /** A page of the signed-in session: 200 and its HTML. */
    String page(String path) {
        return browser.get().uri(path).cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    /** The status of a GET of the signed-in session, whatever it is (for role checks). */
    int status(String path) {
        return browser.get().uri(path).cookie("SESSION", session).exchange().returnResult(String.class).getStatus().value();
    }

    /** Posts a form of the signed-in session with a CSRF token from {@code formPage}. */
    WebTestClient.ResponseSpec submit(String formPage, String action, MultiValueMap<String, String> form) {
        MultiValueMap<String, String> withToken = new LinkedMultiValueMap<>(form);
        withToken.add("_csrf", csrf(page(formPage)));
        return browser.post().uri(action).cookie("SESSION", session)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(withToken)).exchange();
    }

    /** The hidden {@code _csrf} input Thymeleaf's {@code th:action} adds to every form. */
    static String csrf(String html) {
        Matcher input = CSRF_INPUT.matcher(html);
        assertThat(input.find()).as("a hidden _csrf input in the page").isTrue();
        Matcher value = VALUE.matcher(input.group());
        assertThat(value.find()).isTrue();
        return value.group(1);
    }

    static String cookie(EntityExchangeResult<?> result, String name) {
        Map<String, List<ResponseCookie>> cookies = result.getResponseCookies();
        assertThat(cookies).as("Set-Cookie " + name).containsKey(name);
        return cookies.get(name).get(0).getValue();
    }
}
