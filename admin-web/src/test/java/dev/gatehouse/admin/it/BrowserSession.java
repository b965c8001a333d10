package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * One browser's view of the dashboard: it keeps the session cookie and the anonymous pages' CSRF cookie the
 * way a browser does (replaced by each {@code Set-Cookie}, dropped by an expired one), follows no redirect,
 * and posts forms with the CSRF token of the page they are on. For running-app tests of sign-in and sessions.
 */
final class BrowserSession {

    static final String COOKIE = "SESSION";
    /** Where anonymous pages (login, code step) keep their CSRF token. */
    static final String CSRF_COOKIE = "CSRF-TOKEN";

    private final WebTestClient client;
    private String session;
    private String csrfCookie;

    BrowserSession(WebTestClient client) {
        this.client = client;
    }

    /** A new browser for the running appliance's dashboard (plain HTTP). */
    static BrowserSession of(RunningGatehouse gatehouse) {
        return new BrowserSession(client("http://127.0.0.1:" + gatehouse.adminPort(), HttpClient.create(ConnectionProvider.newConnection())));
    }

    /**
     * A client that opens a connection per request. Reactor Netty 1.3.6 can stop reading a keep-alive
     * connection when a request arrives before the previous one's handling has finished and is answered
     * at once (reactor/reactor-netty#4361, fixed after 1.3.7): a request sent next on that connection then
     * waits forever. These tests are about sessions, not that bug, so no connection is reused.
     */
    static WebTestClient client(String baseUrl, HttpClient http) {
        return WebTestClient.bindToServer(new ReactorClientHttpConnector(http))
                .baseUrl(baseUrl)
                .responseTimeout(Duration.ofSeconds(20))
                .build();
    }

    /** The session cookie's value now; null when the browser has none. */
    String session() {
        return session;
    }

    /** The anonymous pages' CSRF cookie now; null when the browser has none. */
    String csrfCookie() {
        return csrfCookie;
    }

    /** Replaces the cookie, as an attacker replaying a stolen or planted one would. */
    void useSession(String value) {
        session = value;
    }

    EntityExchangeResult<String> get(String path) {
        return get(path, headers -> { });
    }

    EntityExchangeResult<String> get(String path, Consumer<HttpHeaders> headers) {
        return remember(client.get().uri(path).headers(headers).cookies(this::addSession).exchange()
                .expectBody(String.class).returnResult());
    }

    /** GETs {@code formPage} for its CSRF token, then posts {@code fields} to {@code action}. */
    EntityExchangeResult<String> submit(String formPage, String action, Map<String, String> fields) {
        EntityExchangeResult<String> page = get(formPage);
        assertThat(page.getStatus().value()).as("GET %s before posting its form", formPage).isEqualTo(200);
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        fields.forEach(form::add);
        form.add("_csrf", DashboardSession.csrf(page.getResponseBody()));
        return remember(client.post().uri(action).cookies(this::addSession)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form)).exchange()
                .expectBody(String.class).returnResult());
    }

    /** The login form with email and password; returns the answer (a redirect). */
    EntityExchangeResult<String> signInWithPassword(String email, String password) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("username", email);
        fields.put("password", password);
        return submit("/login", "/login", fields);
    }

    /** The code step; returns the answer (a redirect). */
    EntityExchangeResult<String> enterCode(String code) {
        return submit("/login/two-factor", "/login/two-factor", Map.of("code", code));
    }

    EntityExchangeResult<String> signOut() {
        return submit("/account", "/logout", Map.of());
    }

    static String location(EntityExchangeResult<?> answer) {
        return answer.getResponseHeaders().getFirst(HttpHeaders.LOCATION);
    }

    /** The raw {@code Set-Cookie} header for the session cookie, or null. */
    static String sessionSetCookie(EntityExchangeResult<?> answer) {
        return setCookie(answer, COOKIE);
    }

    /** The raw {@code Set-Cookie} header for cookie {@code name}, or null. */
    static String setCookie(EntityExchangeResult<?> answer, String name) {
        List<String> headers = answer.getResponseHeaders().getOrEmpty(HttpHeaders.SET_COOKIE);
        return headers.stream().filter(header -> header.startsWith(name + "=")).findFirst().orElse(null);
    }

    private void addSession(MultiValueMap<String, String> cookies) {
        if (session != null) {
            cookies.add(COOKIE, session);
        }
        if (csrfCookie != null) {
            cookies.add(CSRF_COOKIE, csrfCookie);
        }
    }

    private EntityExchangeResult<String> remember(EntityExchangeResult<String> answer) {
        if (answer.getResponseCookies().containsKey(COOKIE)) {
            session = remembered(answer, COOKIE);
        }
        if (answer.getResponseCookies().containsKey(CSRF_COOKIE)) {
            csrfCookie = remembered(answer, CSRF_COOKIE);
        }
        return answer;
    }

    /** The last value set for cookie {@code name}; null when it was cleared. */
    private static String remembered(EntityExchangeResult<String> answer, String name) {
        List<ResponseCookie> set = answer.getResponseCookies().get(name);
        ResponseCookie cookie = set.get(set.size() - 1);
        return cookie.getMaxAge().isZero() || cookie.getValue().isEmpty() ? null : cookie.getValue();
    }
}
