package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * Every page of the running dashboard, found by following its links from the start page as a signed-in
 * administrator (with a backend, a site and a token to link to), carries the security headers, and its
 * HTML has no inline script, no event-handler attribute and no inline style: what the
 * Content-Security-Policy refuses must not be needed. The API, static files and the pages before
 * sign-in carry the headers too.
 */
class SecurityHeadersApiTest {

    private static final String ADMIN = "headers-admin@example.test";
    private static final String PASSWORD = "headers-test-passphrase-42";

    private static final String DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private static final Pattern SCRIPT_TAG = Pattern.compile("<script\\b[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern EVENT_HANDLER = Pattern.compile("<[a-z][^>]*\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
    private static final Pattern STYLE_ATTRIBUTE = Pattern.compile("<[a-z][^>]*\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);
    private static final Pattern STYLE_ELEMENT = Pattern.compile("<style\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern JAVASCRIPT_URL = Pattern.compile("(href|src|action)\\s*=\\s*\"\\s*javascript:", Pattern.CASE_INSENSITIVE);
    private static final Pattern LINK = Pattern.compile("href=\"(/[^\"#?]*)\"");

    @TempDir
    static Path dataDir;

    private static RunningGatehouse gatehouse;

    @BeforeAll
    static void start() {
        gatehouse = RunningGatehouse.start(dataDir, "gatehouse.admin-email=" + ADMIN, "gatehouse.admin-password=" + PASSWORD);
        AdminApi api = gatehouse.api(ADMIN, PASSWORD);
        api.create("/api/v1/backends", "{\"name\":\"app\",\"servers\":[{\"address\":\"127.0.0.1:9\"}]}");
        api.create("/api/v1/sites", "{\"hostnames\":[\"app.example.test\"],\"backend\":\"app\"}");
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
    }

    @Test
    void everyDashboardPageHasTheHeadersAndNeedsNoInlineCode() {
        BrowserSession browser = BrowserSession.of(gatehouse);
        assertThat(BrowserSession.location(browser.signInWithPassword(ADMIN, PASSWORD))).isEqualTo("/");
        Set<String> visited = new LinkedHashSet<>();
        Deque<String> toVisit = new ArrayDeque<>(List.of("/", "/account", "/account/security/two-factor"));
        SoftAssertions softly = new SoftAssertions();

        while (!toVisit.isEmpty()) {
            String path = toVisit.poll();
            if (!visited.add(path)) {
                continue;
            }
            EntityExchangeResult<String> page = browser.get(path);
            assertDashboardHeaders(softly, path, page.getResponseHeaders());
            if (page.getStatus() != HttpStatus.OK || !String.valueOf(page.getResponseHeaders().getContentType()).startsWith("text/html")) {
                continue;
            }
            assertNoInlineCode(softly, path, page.getResponseBody());
            Matcher link = LINK.matcher(page.getResponseBody());
            while (link.find()) {
                String target = link.group(1);
                if (isPage(target) && !visited.contains(target)) {
                    toVisit.add(target);
                }
            }
        }

        softly.assertAll();
        assertThat(visited).as("pages found by following links").contains("/", "/sites", "/sites/new", "/backends",
                "/backends/new", "/certificates", "/settings", "/tokens", "/account").hasSizeGreaterThan(15);
    }

    @Test
    void pagesBeforeSignInAndStaticFilesHaveTheHeadersToo() {
        BrowserSession browser = BrowserSession.of(gatehouse);
        SoftAssertions softly = new SoftAssertions();
        for (String path : List.of("/login", "/login?error", "/setup", "/sites", "/no-such-page", "/js/gatehouse.js",
                "/css/gatehouse.css", "/img/gatehouse.svg", "/webjars/htmx.org/2.0.4/dist/htmx.min.js")) {
            EntityExchangeResult<String> answer = browser.get(path);
            assertDashboardHeaders(softly, path, answer.getResponseHeaders());
            if (answer.getStatus() == HttpStatus.OK && String.valueOf(answer.getResponseHeaders().getContentType()).startsWith("text/html")) {
                assertNoInlineCode(softly, path, answer.getResponseBody());
            }
        }
        softly.assertAll();
    }

    @Test
    void theApiAnswersWithHeadersThatLetNothingRunOrFrame() {
        gatehouse.api(ADMIN, PASSWORD).get("/api/v1/status").expectStatus().isOk()
                .expectHeader().valueEquals("Content-Security-Policy",
                        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().valueEquals("Referrer-Policy", "same-origin");
        gatehouse.browser().get().uri("/api/v1/status").exchange().expectStatus().isUnauthorized()
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().exists("Content-Security-Policy");
    }

    @Test
    void theScriptsTheDashboardLoadsDoNotAddInlineCodeEither() {
        String script = BrowserSession.of(gatehouse).get("/js/gatehouse.js").getResponseBody();

        assertThat(script).doesNotContain("eval(", "new Function", "innerHTML", "setAttribute('style'", ".cssText");
    }

    private static boolean isPage(String path) {
        return !(path.startsWith("/webjars/") || path.startsWith("/css/") || path.startsWith("/js/") || path.startsWith("/img/")
                || path.equals("/logout") || path.startsWith("/api/") || path.contains("/delete"));
    }

    private static void assertDashboardHeaders(SoftAssertions softly, String path, HttpHeaders headers) {
        softly.assertThat(headers.getFirst("Content-Security-Policy")).as("CSP of %s", path).isEqualTo(DASHBOARD_CSP);
        softly.assertThat(headers.getFirst("X-Content-Type-Options")).as("nosniff on %s", path).isEqualTo("nosniff");
        softly.assertThat(headers.getFirst("X-Frame-Options")).as("framing of %s", path).isEqualTo("DENY");
        softly.assertThat(headers.getFirst("Referrer-Policy")).as("Referrer-Policy of %s", path).isEqualTo("same-origin");
        softly.assertThat(headers.getFirst("Permissions-Policy")).as("Permissions-Policy of %s", path)
                .isEqualTo("camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    }

    private static void assertNoInlineCode(SoftAssertions softly, String path, String html) {
        Matcher script = SCRIPT_TAG.matcher(html);
        while (script.find()) {
            softly.assertThat(script.group()).as("script on %s", path).contains(" src=");
            int end = html.toLowerCase(Locale.ROOT).indexOf("</script>", script.end());
            softly.assertThat(end >= 0 ? html.substring(script.end(), end).strip() : "").as("script body on %s", path).isEmpty();
        }
        softly.assertThat(find(EVENT_HANDLER, html)).as("on...= attribute on %s", path).isNull();
        softly.assertThat(find(STYLE_ATTRIBUTE, html)).as("style= attribute on %s", path).isNull();
        softly.assertThat(find(STYLE_ELEMENT, html)).as("<style> on %s", path).isNull();
        softly.assertThat(find(JAVASCRIPT_URL, html)).as("javascript: URL on %s", path).isNull();
    }

    private static String find(Pattern pattern, String html) {
        Matcher found = pattern.matcher(html);
        return found.find() ? html.substring(Math.max(0, found.start() - 60), Math.min(html.length(), found.end() + 60)) : null;
    }
}
