package dev.gatehouse.admin.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.audit.AuditLog;
import dev.gatehouse.admin.audit.AuditQuery;
import dev.gatehouse.admin.audit.AuditService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionManager;

/**
 * The admin port restricted to {@code 10.0.0.0/8}: a loopback client is refused with a plain-text 403 on
 * every path, pages, sign-in and API alike, before any session, sign-in or page exists for it; no header
 * makes it look like it comes from the allowed network.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.admin-email=" + AdminNetworksRefusedApiTest.EMAIL,
    "gatehouse.admin-password=" + AdminNetworksRefusedApiTest.PASSWORD,
    "gatehouse.admin.allowed-networks=10.0.0.0/8"
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AdminNetworksRefusedApiTest {

    static final String EMAIL = "lan-admin@example.test";
    static final String PASSWORD = "lan-only-passphrase-42";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("gatehouse.data-dir", () -> dataDir.toString());
    }

    @LocalServerPort
    int adminPort;
    @Autowired
    WebSessionManager sessions;
    @Autowired
    AuditService audit;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @ParameterizedTest
    @ValueSource(strings = {"/", "/login", "/setup", "/api/v1/status", "/css/gatehouse.css", "/no-such-page"})
    void aLoopbackClientIsRefusedEverywhere(String path) throws Exception {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .header("X-Forwarded-For", "10.1.2.3").header("Forwarded", "for=10.1.2.3").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("text/plain;charset=UTF-8");
        assertThat(answer.body()).isEqualTo("Forbidden: the Gatehouse dashboard does not accept connections from 127.0.0.1 "
                + "(see gatehouse.admin.allowed-networks)\n");
        assertThat(answer.headers().allValues("Set-Cookie")).as("no session, no CSRF cookie").isEmpty();
    }

    @Test
    void signingInIsRefusedBeforeThePasswordIsLookedAt() throws Exception {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/v1/status"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((EMAIL + ":" + PASSWORD).getBytes(UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> form = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + EMAIL + "&password=" + PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(List.of(answer.statusCode(), form.statusCode())).containsExactly(403, 403);
        assertThat(((InMemoryWebSessionStore) ((DefaultWebSessionManager) sessions).getSessionStore()).getSessions()).isEmpty();
        assertThat(audit.find(new AuditQuery(null, null, null, null, null, null)).block().entries())
                .as("no sign-in attempt reached the audit log").noneMatch(entry -> entry.action().startsWith(AuditLog.SIGN_IN));
    }
}
