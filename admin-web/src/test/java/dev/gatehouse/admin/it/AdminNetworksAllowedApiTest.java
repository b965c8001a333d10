package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The admin port restricted to the loopback networks ({@code 127.0.0.0/8,::1}): loopback clients, over
 * IPv4 and IPv6, use the dashboard and the API as usual.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.admin-email=" + AdminNetworksAllowedApiTest.EMAIL,
    "gatehouse.admin-password=" + AdminNetworksAllowedApiTest.PASSWORD,
    "gatehouse.admin.allowed-networks=127.0.0.0/8,::1"
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AdminNetworksAllowedApiTest {

    static final String EMAIL = "loopback-admin@example.test";
    static final String PASSWORD = "loopback-passphrase-42";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("gatehouse.data-dir", () -> dataDir.toString());
    }

    @LocalServerPort
    int adminPort;

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::1]"})
    void loopbackClientsGetTheLoginPage(String host) throws Exception {
        HttpResponse<String> login = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                .send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + adminPort + "/login")).build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("action=\"/login\"");
    }

    @Test
    void theApiAndTheDashboardSignInWork() {
        new AdminApi(adminPort, EMAIL, PASSWORD).get("/api/v1/status").expectStatus().isOk();
        DashboardSession dashboard = DashboardSession.signIn(BrowserSession.client("http://127.0.0.1:" + adminPort,
                reactor.netty.http.client.HttpClient.create()), EMAIL, PASSWORD);
        assertThat(dashboard.page("/sites")).contains("id=\"nav-sites\"");
    }
}
