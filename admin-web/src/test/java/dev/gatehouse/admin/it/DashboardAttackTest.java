package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The dashboard under attack, with every route found from the application's own handler mappings
 * (so a page or form added later is covered without touching this test): a state-changing form
 * posted from a signed-in session without its CSRF token is refused, and text that could be script
 * (stored through the API in the free-text fields that accept such characters) is rendered escaped
 * on every page.
 */
class DashboardAttackTest {

    private static final String EMAIL = "attack-admin@example.test";
    private static final String PASSWORD = "attack-suite-passphrase-9";
    /** Closes any attribute or element it lands in and opens a script. */
    private static final String PAYLOAD = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";

    @TempDir
    static Path dataDir;
    private static RunningGatehouse gatehouse;
    private static AdminApi api;
    private static String session;
    private static final List<String> attempts = new ArrayList<>();

    @BeforeAll
    static void start() {
        gatehouse = RunningGatehouse.start(dataDir, "gatehouse.admin-email=" + EMAIL, "gatehouse.admin-password=" + PASSWORD);
        api = gatehouse.api(EMAIL, PASSWORD);
        EntityExchangeResult<byte[]> signedIn = DashboardSession.postLogin(gatehouse.browser(), EMAIL, PASSWORD);
        session = DashboardSession.cookie(signedIn, "SESSION");
        storeScriptLikeText();
    }

    @AfterAll
    static void stop() {
        System.out.println("dashboard attack cases: " + attempts.size() + " tried; details: " + attempts);
        gatehouse.close();
    }

    /** Script-like text in every free-text field the API accepts it in; names with patterns refuse it anyway. */
    private static void storeScriptLikeText() {
        api.createBackend("xss-backend", "127.0.0.1:9");
        String payload = PAYLOAD.replace("\"", "\\\"");
        api.create("/api/v1/sites", "{\"hostnames\":[\"xss.example.test\"],\"backend\":\"xss-backend\","
                + "\"requestHeaders\":[{\"action\":\"set\",\"name\":\"X-Note\",\"value\":\"" + payload + "\"}],"
                + "\"responseHeaders\":[{\"action\":\"add\",\"name\":\"X-Other\",\"value\":\"" + payload + "\"}]}");
        // (A redirect target with such text is refused as a URL: 400, nothing stored.)
        api.post("/api/v1/sites", "{\"hostnames\":[\"xss-redirect.example.test\"],"
                + "\"redirect\":{\"target\":\"https://elsewhere.example.test/" + payload + "\",\"status\":302,"
                + "\"keepPath\":false}}").expectStatus().isBadRequest();
    }

    private static RequestMappingHandlerMapping mappings() {
        return gatehouse.bean(RequestMappingHandlerMapping.class);
    }

    /** Every dashboard (non-API) route for this method, with path variables filled in with {@code 1}. */
    private static Set<String> routes(HttpMethod method) {
        Set<String> routes = new TreeSet<>();
        for (RequestMappingInfo info : mappings().getHandlerMethods().keySet()) {
            boolean matches = info.getMethodsCondition().getMethods().isEmpty()
                    ? method == HttpMethod.GET
                    : info.getMethodsCondition().getMethods().stream().anyMatch(m -> m.asHttpMethod().equals(method));
            if (!matches) {
                continue;
            }
            for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                String path = pattern.getPatternString();
                if (!path.startsWith("/api/")) {
                    routes.add(path.replaceAll("\\{[^}]+}", "1"));
                }
            }
        }
        return routes;
    }

    @Test
    void everyDashboardFormRefusesAPostWithoutItsCsrfToken() {
        Set<String> forms = routes(HttpMethod.POST);
        assertThat(forms).as("the dashboard has forms").hasSizeGreaterThan(10);
        for (String action : forms) {
            if (action.equals("/setup")) {
                // Once an administrator exists, the setup filter sends every /setup request away before a form is read.
                continue;
            }
            int status = gatehouse.browser().post().uri(action).cookie("SESSION", session)
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("name=x&hostnames=evil.test")
                    .exchange().returnResult(Void.class).getStatus().value();
            attempts.add("POST " + action + " without CSRF -> " + status);
            assertThat(status).as("POST %s without its CSRF token", action).isEqualTo(403);
        }
    }

    @Test
    void scriptLikeTextIsRenderedEscapedOnEveryPage() {
        List<String> pages = new ArrayList<>(routes(HttpMethod.GET));
        for (Map<String, Object> site : api.list("/api/v1/sites")) {
            pages.add("/sites/" + AdminApi.id(site) + "/edit");
        }
        int rendered = 0;
        for (String page : pages) {
            EntityExchangeResult<String> result = gatehouse.browser().get().uri(page).cookie("SESSION", session)
                    .exchange().expectBody(String.class).returnResult();
            String body = result.getResponseBody();
            if (result.getStatus().value() != 200 || body == null) {
                continue; // a redirect, or a page that needs an object that does not exist
            }
            rendered++;
            attempts.add("GET " + page);
            // Escaped, the text shows as &lt;script&gt;... inside quoted values: harmless.
            assertThat(body).as("page %s", page).doesNotContain("<script>alert(1)").doesNotContain("<img src=x onerror");
        }
        assertThat(rendered).as("pages rendered").isGreaterThan(5);
        assertThat(String.join("\n", pages)).contains("/sites/");
    }

    @Test
    void noTemplateRendersUnescapedText() throws Exception {
        Path templates = Path.of("..", "frontend", "src", "main", "resources", "templates");
        try (Stream<Path> files = Files.walk(templates)) {
            List<Path> unescaped = files.filter(path -> path.toString().endsWith(".html"))
                    .filter(path -> {
                        try {
                            return Files.readString(path).contains("th:utext");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
            assertThat(unescaped).as("templates with th:utext (unescaped output)").isEmpty();
        }
    }
}
