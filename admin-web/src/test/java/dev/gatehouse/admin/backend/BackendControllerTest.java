package dev.gatehouse.admin.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.csrf;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.backend.BackendCommand.HealthCheckCommand;
import dev.gatehouse.admin.backend.BackendCommand.LimitsCommand;
import dev.gatehouse.admin.backend.BackendCommand.PassiveHealthCommand;
import dev.gatehouse.admin.backend.BackendCommand.ServerCommand;
import dev.gatehouse.admin.common.ConflictException;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.NotFoundException;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import dev.gatehouse.storage.backend.BackendConnectionLimits;
import dev.gatehouse.storage.backend.BackendHealthCheck;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.backend.BackendSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The Backends pages, with the service mocked. */
@WebFluxTest(BackendController.class)
@WithGatehouseSecurity
class BackendControllerTest {

    private static final String ADMIN = "admin@example.test";
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    private static final BackendSettings EVERY_SETTING = new BackendSettings("least-connections", 1_500L, 90_000L, 4,
            0, 120, new BackendHealthCheck("/healthz", 2_500, 500, 204, 299, 1, 5),
            new BackendConnectionLimits(45_000L, 50, 20, 2_500), "http2");

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private BackendService backends;
    @MockitoBean
    private SetupService setup;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
    }

    private WebTestClient signedIn() {
        return web.mutateWith(mockUser(ADMIN).roles("ADMIN"));
    }

    @Test
    void listShowsPolicyServersAndADrainOrUndrainButtonPerServer() {
        when(backends.list()).thenReturn(Flux.just(
                new BackendView(1, "app", List.of(new BackendServer("10.0.0.1:3000", 3, false, false).withTls(true, null),
                        new BackendServer("10.0.0.2:3000", 1, true, true)), EVERY_SETTING, List.of("app.example.test"), T0, T0),
                backend(2, "spare", List.of("10.0.0.9:8080"), List.of())));

        String html = get("/backends", HttpStatus.OK);

        assertThat(html).containsSubsequence("id=\"backend-1\"", "app", "Least connections", "/healthz", "max 50/server",
                "2 servers", "10.0.0.1:3000", ">https<", "weight 3", "action=\"/backends/1/servers/drain\"", "value=\"10.0.0.1:3000\"", "Drain",
                "10.0.0.2:3000", "backup", "drained", "action=\"/backends/1/servers/undrain\"", "value=\"10.0.0.2:3000\"",
                "Undrain", "app.example.test", "action=\"/backends/1/delete\"");
        assertThat(html).containsSubsequence("id=\"backend-2\"", "spare", "Round robin", "1 server", "10.0.0.9:8080",
                "action=\"/backends/2/servers/drain\"", "not used yet");
        assertThat(count(html, ">https<")).as("only the https server has the badge").isEqualTo(1);
        assertThat(html).containsSubsequence("id=\"backend-1\"", "app", ">HTTP/2<", "Least connections", "id=\"backend-2\"");
        assertThat(count(html, ">HTTP/2<")).as("only the HTTP/2 backend has the badge").isEqualTo(1);
        assertThat(html).doesNotContain("certificate not verified");
        assertThat(count(html, "/server<")).as("only the limited backend says so").isEqualTo(1);
        assertThat(html).contains("href=\"/backends/2/edit\"");
        assertThat(count(html, "name=\"_csrf\"")).as("every drain, undrain and delete form, and sign-out, carries the token")
                .isEqualTo(6);
    }

    @Test
    void listWarnsAboutAnHttpsServerWhoseCertificateIsNotChecked() {
        when(backends.list()).thenReturn(Flux.just(new BackendView(1, "app",
                List.of(new BackendServer("10.0.0.1:443", 1, false, false).withTls(false, "app.internal")),
                BackendSettings.DEFAULT, List.of(), T0, T0)));

        String html = get("/backends", HttpStatus.OK);

        assertThat(html).containsSubsequence("10.0.0.1:443", "Reached over TLS as app.internal", ">https<",
                "certificate not verified");
        assertThat(html).doesNotContain("/server<");
    }

    @Test
    void emptyListTellsWhatToDoNext() {
        when(backends.list()).thenReturn(Flux.empty());

        String html = get("/backends", HttpStatus.OK);

        assertThat(html).contains("No backends yet", "href=\"/backends/new\"");
    }

    @Test
    void newFormHasOneEmptyServerRowEveryPolicyAndEveryDefaultAsPlaceholder() {
        String html = get("/backends/new", HttpStatus.OK);

        assertThat(html).contains("action=\"/backends\"", "formaction=\"/backends/new/add-server\"");
        assertThat(Html.attribute(Html.control(html, "servers[0].address"), "value")).isEmpty();
        assertThat(html).doesNotContain("name=\"servers[1].address\"");
        assertThat(Html.attribute(Html.control(html, "servers[0].weight"), "placeholder")).isEqualTo("1");
        assertThat(html).containsSubsequence("value=\"round-robin\"", "Round robin", "value=\"weighted-round-robin\"",
                "Weighted round robin", "value=\"least-connections\"", "Least connections",
                "value=\"power-of-two-choices\"", "Power of two choices", "value=\"client-ip-hash\"", "Sticky by client IP",
                "value=\"sticky-cookie\"", "Sticky cookie");
        assertThat(html).containsPattern("<option value=\"round-robin\"[^>]*selected");
        assertThat(html).containsSubsequence("name=\"protocol\"", "value=\"http1\"", "HTTP/1.1 — default",
                "value=\"http2\"", "HTTP/2 — gRPC and HTTP/2-only servers", "id=\"protocol-help\"",
                "HTTP/1.1 by default", "gRPC", "WebSockets need HTTP/1.1", "Health checks are sent in the backend's protocol");
        assertThat(html).containsPattern("<option value=\"http1\"[^>]*selected");
        assertThat(html).doesNotContainPattern("<option value=\"http2\"[^>]*selected");
        assertThat(placeholders(html)).containsExactly(
                "healthPath=/", "healthIntervalSeconds=10", "healthTimeoutSeconds=2", "healthStatusMin=200",
                "healthStatusMax=399", "healthHealthyThreshold=1", "healthUnhealthyThreshold=3", "passiveMaxFailures=3",
                "passiveEjectSeconds=30", "connectTimeoutMs=5000", "responseTimeoutSeconds=60", "maxRetries=2",
                "idleTimeoutSeconds=30", "maxConnectionsPerServer=0", "queueSize=100", "queueTimeoutSeconds=10");
        assertThat(Html.attribute(Html.control(html, "healthCheck"), "checked")).isNull();
        assertThat(html).contains("Health check", "Passive checks", "Timeouts &amp; retries", "Load balancing",
                "Connection limits");
        assertThat(checked(html, "servers[0].https")).isFalse();
        assertThat(checked(html, "servers[0].verifyTls")).as("certificates are checked unless turned off").isTrue();
        assertThat(value(html, "servers[0].tlsServerName")).isEmpty();
        assertThat(Html.attribute(Html.control(html, "servers[0].tlsServerName"), "placeholder")).isEqualTo("the host");
        assertThat(html).contains("name=\"_servers[0].https\"", "name=\"_servers[0].verifyTls\"");
        assertThat(html).as("defaults stated in the hints").contains("default 30 s", "default 0 = no limit",
                "default 100", "default 10 s", "Verify certificate (on by default)", "TLS name (default: the host)");
        assertThat(html).as("no inline script").doesNotContain("<script>").doesNotContainPattern("<script(?![^>]*src=)");
    }

    @Test
    void editFormIsFilledFromTheBackendWithAnEmptyRowToAddAServer() {
        when(backends.get(4)).thenReturn(Mono.just(new BackendView(4, "app",
                List.of(new BackendServer("10.0.0.1:3000", 3, false, true), new BackendServer("[::1]:3000", 1, true, false),
                        new BackendServer("10.0.0.3:443", 1, false, false).withTls(false, "app.internal")),
                EVERY_SETTING, List.of(), T0, T0)));

        String html = get("/backends/4/edit", HttpStatus.OK);

        assertThat(html).contains("action=\"/backends/4\"", "formaction=\"/backends/4/add-server\"");
        assertThat(value(html, "name")).isEqualTo("app");
        assertThat(value(html, "servers[0].address")).isEqualTo("10.0.0.1:3000");
        assertThat(value(html, "servers[0].weight")).isEqualTo("3");
        assertThat(checked(html, "servers[0].backup")).isFalse();
        assertThat(checked(html, "servers[0].drained")).isTrue();
        assertThat(value(html, "servers[1].address")).isEqualTo("[::1]:3000");
        assertThat(checked(html, "servers[1].backup")).isTrue();
        assertThat(checked(html, "servers[1].https")).isFalse();
        assertThat(checked(html, "servers[1].verifyTls")).isTrue();
        assertThat(Html.attribute(Html.control(html, "servers[1].tlsServerName"), "placeholder")).isEqualTo("::1");
        assertThat(value(html, "servers[2].address")).isEqualTo("10.0.0.3:443");
        assertThat(checked(html, "servers[2].https")).isTrue();
        assertThat(checked(html, "servers[2].verifyTls")).isFalse();
        assertThat(value(html, "servers[2].tlsServerName")).isEqualTo("app.internal");
        assertThat(Html.attribute(Html.control(html, "servers[2].tlsServerName"), "placeholder")).isEqualTo("10.0.0.3");
        assertThat(value(html, "servers[3].address")).isEmpty();
        assertThat(value(html, "idleTimeoutSeconds")).isEqualTo("45");
        assertThat(value(html, "maxConnectionsPerServer")).isEqualTo("50");
        assertThat(value(html, "queueSize")).isEqualTo("20");
        assertThat(value(html, "queueTimeoutSeconds")).isEqualTo("2.5");
        assertThat(html).containsPattern("<option value=\"least-connections\"[^>]*selected");
        assertThat(html).containsPattern("<option value=\"http2\"[^>]*selected");
        assertThat(html).doesNotContainPattern("<option value=\"http1\"[^>]*selected");
        assertThat(value(html, "connectTimeoutMs")).isEqualTo("1500");
        assertThat(value(html, "responseTimeoutSeconds")).isEqualTo("90");
        assertThat(value(html, "maxRetries")).isEqualTo("4");
        assertThat(value(html, "passiveMaxFailures")).isEqualTo("0");
        assertThat(value(html, "passiveEjectSeconds")).isEqualTo("120");
        assertThat(checked(html, "healthCheck")).isTrue();
        assertThat(value(html, "healthPath")).isEqualTo("/healthz");
        assertThat(value(html, "healthIntervalSeconds")).isEqualTo("2.5");
        assertThat(value(html, "healthTimeoutSeconds")).isEqualTo("0.5");
        assertThat(value(html, "healthStatusMin")).isEqualTo("204");
        assertThat(value(html, "healthStatusMax")).isEqualTo("299");
        assertThat(value(html, "healthHealthyThreshold")).isEqualTo("1");
        assertThat(value(html, "healthUnhealthyThreshold")).isEqualTo("5");
    }

    @Test
    void editOfAMissingBackendIsA404Page() {
        when(backends.get(99)).thenReturn(Mono.error(new NotFoundException("there is no backend with id 99")));

        assertThat(get("/backends/99/edit", HttpStatus.NOT_FOUND)).contains("there is no backend with id 99");
    }

    @Test
    void validCreateSendsEverySettingSkipsEmptyRowsAndRedirectsToTheList() {
        when(backends.create(any(), anyString())).thenReturn(Mono.just(backend(5, "app", List.of("127.0.0.1:3000"), List.of())));
        MultiValueMap<String, String> form = form(" app ");
        row(form, 0, " 127.0.0.1:3000 ", "3", false, true);
        row(form, 1, "", "", false, false);
        row(form, 2, "127.0.0.1:3001", "", true, false);
        row(form, 3, "10.0.0.5:8443", "", false, false, true, false, " app.internal ");
        row(form, 4, "https://10.0.0.6", "", false, false, false, true, "");
        form.add("balancing", "sticky-cookie");
        form.add("protocol", "http2");
        form.add("connectTimeoutMs", "1500");
        form.add("responseTimeoutSeconds", "2.5");
        form.add("maxRetries", "0");
        form.add("passiveMaxFailures", "0");
        form.add("passiveEjectSeconds", "90");
        form.add("healthCheck", "true");
        form.add("_healthCheck", "on");
        form.add("healthPath", "/healthz");
        form.add("healthIntervalSeconds", "15");
        form.add("healthTimeoutSeconds", "0,25");
        form.add("healthStatusMin", "200");
        form.add("healthStatusMax", "204");
        form.add("healthHealthyThreshold", "1");
        form.add("healthUnhealthyThreshold", "4");
        form.add("idleTimeoutSeconds", "75");
        form.add("maxConnectionsPerServer", "32");
        form.add("queueSize", "0");
        form.add("queueTimeoutSeconds", "0.5");

        post("/backends", form)
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/backends");

        verify(backends).create(new BackendCommand("app",
                List.of(server("127.0.0.1:3000", 3, false, true), server("127.0.0.1:3001", null, true, false),
                        new ServerCommand("10.0.0.5:8443", null, false, false, "https", false, "app.internal"),
                        new ServerCommand("https://10.0.0.6", null, false, false, null, true, null)),
                "sticky-cookie", 1_500L, 2_500L, 0, new PassiveHealthCommand(0, 90),
                new HealthCheckCommand("/healthz", 15_000L, 250L, 200, 204, 1, 4),
                new LimitsCommand(75_000L, 32, 0, 500L), "http2"), ADMIN);
    }

    @Test
    void emptyBoxesMeanTheDefaultsAndTheHealthSettingsCountOnlyWhileTheCheckIsOn() {
        when(backends.update(eq(7L), any(), anyString()))
                .thenReturn(Mono.just(backend(7, "app", List.of("127.0.0.1:3000"), List.of())));
        MultiValueMap<String, String> form = form("app");
        row(form, 0, "127.0.0.1:3000", "", false, false);
        form.add("balancing", "round-robin");
        form.add("_healthCheck", "on");
        // left in the boxes from before the check was switched off: not read, not judged
        form.add("healthPath", "no slash");
        form.add("healthIntervalSeconds", "often");

        post("/backends/7", form).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        verify(backends).update(7L, new BackendCommand("app", List.of(server("127.0.0.1:3000", null, false, false)),
                "round-robin", null, null, null, new PassiveHealthCommand(null, null), null,
                new LimitsCommand(null, null, null, null), "http1"), ADMIN);
    }

    @Test
    void textThatIsNotANumberIsShownNextToItsBoxWithTheInputKeptAndNothingIsSent() {
        MultiValueMap<String, String> form = form("app");
        row(form, 0, "127.0.0.1:3000", "heavy", false, false);
        form.add("connectTimeoutMs", "5s");
        form.add("healthCheck", "true");
        form.add("healthIntervalSeconds", "1m");
        form.add("healthTimeoutSeconds", "0.0001");
        form.add("maxConnectionsPerServer", "lots");
        form.add("queueTimeoutSeconds", "5m");

        String html = post("/backends", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "servers0.weight")).isEqualTo("weight 'heavy' must be a whole number, e.g. 1");
        assertThat(value(html, "servers[0].weight")).isEqualTo("heavy");
        assertThat(Html.attribute(Html.control(html, "servers[0].weight"), "class")).contains("is-invalid");
        assertThat(Html.fieldError(html, "connectTimeoutMs")).isEqualTo("connect timeout '5s' must be a whole number, e.g. 5000");
        assertThat(value(html, "connectTimeoutMs")).isEqualTo("5s");
        assertThat(Html.fieldError(html, "healthIntervalSeconds"))
                .isEqualTo("health check interval '1m' must be a number of seconds, e.g. 10 (or 0.5 for half a second)");
        assertThat(Html.fieldError(html, "healthTimeoutSeconds"))
                .isEqualTo("health check timeout '0.0001' must be a number of seconds, e.g. 2 (or 0.5 for half a second)");
        assertThat(Html.fieldError(html, "maxConnectionsPerServer"))
                .isEqualTo("max connections per server 'lots' must be a whole number, e.g. 0");
        assertThat(value(html, "maxConnectionsPerServer")).isEqualTo("lots");
        assertThat(Html.fieldError(html, "queueTimeoutSeconds"))
                .isEqualTo("queue timeout '5m' must be a number of seconds, e.g. 10 (or 0.5 for half a second)");
        assertThat(value(html, "servers[0].address")).isEqualTo("127.0.0.1:3000");
        assertThat(checked(html, "healthCheck")).isTrue();
        verify(backends, never()).create(any(), anyString());
    }

    @Test
    void theServicesProblemsAreShownNextToTheirControlsCountingOnlyRowsWithAnAddress() {
        when(backends.create(any(), anyString())).thenReturn(Mono.error(new ValidationException(List.of(
                new FieldProblem("servers[1]", "servers[1] 'localhost:99999' has port 99999; ports are 1-65535"),
                new FieldProblem("servers[1].weight", "servers[1].weight must be between 1 and 1000, was 5000"),
                new FieldProblem("servers", "at least one server must not be a backup"),
                new FieldProblem("balancing", "balancing: unknown load balancing 'x'"),
                new FieldProblem("protocol", "protocol: unknown protocol 'spdy'; use one of http1, http2"),
                new FieldProblem("responseTimeoutMs", "responseTimeoutMs must be between 1 s and 1 h, was 500 ms"),
                new FieldProblem("passiveHealth.ejectForSeconds", "passiveHealth.ejectForSeconds must be between 1 and 3600, was 0"),
                new FieldProblem("healthCheck.intervalMs", "healthCheck.intervalMs must be between 1 s and 1 h, was 500 ms"),
                new FieldProblem("healthCheck.expectedStatusMax", "healthCheck.expectedStatusMax (100) must not be below 200"),
                new FieldProblem("servers[0].tlsServerName", "servers[0].tlsServerName 'app.internal' only applies to https servers"),
                new FieldProblem("servers[0].verifyTls", "servers[0].verifyTls is false, but the server is plain http"),
                new FieldProblem("servers[1].scheme", "servers[1].scheme 'http' contradicts the address"),
                new FieldProblem("idleTimeoutMs", "idleTimeoutMs must be between 1 s and 1 h, was 500 ms"),
                new FieldProblem("maxConnectionsPerServer", "maxConnectionsPerServer must be between 0 (no limit) and 100000"),
                new FieldProblem("queueSize", "queueSize must be between 0 and 100000, was 200000"),
                new FieldProblem("queueTimeoutMs", "queueTimeoutMs must be between 100 ms and 5 min, was 50 ms"),
                new FieldProblem("", "the proxy engine rejected the configuration")))));
        MultiValueMap<String, String> form = form("app");
        row(form, 0, "10.0.0.1:80", "", true, false, false, false, "app.internal");
        row(form, 1, "", "", false, false);
        row(form, 2, "localhost:99999", "5000", true, false);
        form.add("protocol", "spdy");
        form.add("responseTimeoutSeconds", "0.5");
        form.add("idleTimeoutSeconds", "0.5");
        form.add("maxConnectionsPerServer", "-1");
        form.add("queueSize", "200000");
        form.add("queueTimeoutSeconds", "0.05");
        form.add("passiveEjectSeconds", "0");
        form.add("healthCheck", "true");
        form.add("healthIntervalSeconds", "0.5");
        form.add("healthStatusMax", "100");

        String html = post("/backends", form).expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "servers2.address"))
                .isEqualTo("servers[1] 'localhost:99999' has port 99999; ports are 1-65535");
        assertThat(Html.fieldError(html, "servers2.weight")).isEqualTo("servers[1].weight must be between 1 and 1000, was 5000");
        assertThat(Html.fieldError(html, "servers0.address")).isNull();
        assertThat(Html.fieldError(html, "servers1.address")).isNull();
        assertThat(Html.fieldError(html, "servers")).isEqualTo("at least one server must not be a backup");
        assertThat(Html.fieldError(html, "balancing")).isEqualTo("balancing: unknown load balancing 'x'");
        assertThat(Html.fieldError(html, "protocol")).isEqualTo("protocol: unknown protocol 'spdy'; use one of http1, http2");
        assertThat(Html.attribute(Html.control(html, "protocol"), "class")).contains("is-invalid");
        assertThat(Html.attribute(Html.control(html, "protocol"), "aria-describedby")).isEqualTo("protocol-help protocol-error");
        assertThat(Html.fieldError(html, "responseTimeoutSeconds"))
                .isEqualTo("responseTimeoutMs must be between 1 s and 1 h, was 500 ms");
        assertThat(Html.fieldError(html, "passiveEjectSeconds"))
                .isEqualTo("passiveHealth.ejectForSeconds must be between 1 and 3600, was 0");
        assertThat(Html.fieldError(html, "healthIntervalSeconds"))
                .isEqualTo("healthCheck.intervalMs must be between 1 s and 1 h, was 500 ms");
        assertThat(Html.fieldError(html, "healthStatusMax")).isEqualTo("healthCheck.expectedStatusMax (100) must not be below 200");
        assertThat(Html.fieldError(html, "servers0.tlsServerName"))
                .isEqualTo("servers[0].tlsServerName 'app.internal' only applies to https servers");
        assertThat(Html.attribute(Html.control(html, "servers[0].tlsServerName"), "class")).contains("is-invalid");
        assertThat(Html.fieldError(html, "servers0.verifyTls"))
                .isEqualTo("servers[0].verifyTls is false, but the server is plain http");
        assertThat(Html.fieldError(html, "servers2.https")).isEqualTo("servers[1].scheme 'http' contradicts the address");
        assertThat(Html.fieldError(html, "idleTimeoutSeconds")).isEqualTo("idleTimeoutMs must be between 1 s and 1 h, was 500 ms");
        assertThat(Html.fieldError(html, "maxConnectionsPerServer"))
                .isEqualTo("maxConnectionsPerServer must be between 0 (no limit) and 100000");
        assertThat(Html.fieldError(html, "queueSize")).isEqualTo("queueSize must be between 0 and 100000, was 200000");
        assertThat(Html.fieldError(html, "queueTimeoutSeconds"))
                .isEqualTo("queueTimeoutMs must be between 100 ms and 5 min, was 50 ms");
        assertThat(Html.formErrors(html)).containsExactly("the proxy engine rejected the configuration");
        assertThat(value(html, "servers[0].tlsServerName")).isEqualTo("app.internal");
        assertThat(checked(html, "servers[0].verifyTls")).isFalse();
        assertThat(value(html, "queueSize")).isEqualTo("200000");
        // what was typed is shown again, the empty row included
        assertThat(value(html, "servers[2].address")).isEqualTo("localhost:99999");
        assertThat(value(html, "servers[2].weight")).isEqualTo("5000");
        assertThat(checked(html, "servers[2].backup")).isTrue();
        assertThat(value(html, "servers[1].address")).isEmpty();
        assertThat(value(html, "healthIntervalSeconds")).isEqualTo("0.5");
        assertThat(value(html, "responseTimeoutSeconds")).isEqualTo("0.5");
    }

    @Test
    void duplicateNameIsShownNextToName() {
        String message = "a backend named 'app' already exists (backend 1)";
        when(backends.update(eq(2L), any(), anyString())).thenReturn(Mono.error(new ConflictException("name", message)));
        MultiValueMap<String, String> form = form("app");
        row(form, 0, "10.0.0.1:80", "", false, false);

        String html = post("/backends/2", form)
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(Html.fieldError(html, "name")).isEqualTo(message);
        assertThat(html).contains("action=\"/backends/2\"");
    }

    @Test
    void addServerShowsTheFormAgainWithOneMoreRowAndSavesNothing() {
        MultiValueMap<String, String> form = form("app");
        row(form, 0, "10.0.0.1:80", "2", false, false);
        form.add("maxRetries", "3");

        String html = post("/backends/new/add-server", form).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(value(html, "servers[0].address")).isEqualTo("10.0.0.1:80");
        assertThat(value(html, "servers[0].weight")).isEqualTo("2");
        assertThat(value(html, "servers[1].address")).isEmpty();
        assertThat(value(html, "maxRetries")).isEqualTo("3");
        assertThat(html).contains("action=\"/backends\"").doesNotContain("name=\"servers[2].address\"");

        String editing = post("/backends/8/add-server", form).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(editing).contains("action=\"/backends/8\"", "name=\"servers[1].address\"");
        verify(backends, never()).create(any(), anyString());
        verify(backends, never()).update(anyLong(), any(), anyString());
    }

    @Test
    void drainAndUndrainFromTheListRedirectWithAFlashMessage() {
        BackendView app = backend(1, "app", List.of("10.0.0.1:3000"), List.of());
        when(backends.setDrained(1, "10.0.0.1:3000", true, ADMIN)).thenReturn(Mono.just(app));
        when(backends.setDrained(1, "10.0.0.1:3000", false, ADMIN)).thenReturn(Mono.just(app));
        when(backends.list()).thenReturn(Flux.just(app));

        assertThat(flashAfter("/backends/1/servers/drain", " 10.0.0.1:3000 "))
                .isEqualTo("success: Server 10.0.0.1:3000 of backend app drained: it takes no new requests; those in flight finish.");
        assertThat(flashAfter("/backends/1/servers/undrain", "10.0.0.1:3000"))
                .isEqualTo("success: Server 10.0.0.1:3000 of backend app undrained: it takes requests again.");
        verify(backends).setDrained(1, "10.0.0.1:3000", true, ADMIN);
        verify(backends).setDrained(1, "10.0.0.1:3000", false, ADMIN);
    }

    @Test
    void drainingAServerTheBackendNoLongerHasSaysSoOnTheList() {
        String message = "backend 'app' has no server '10.0.0.7:80'; its servers are 10.0.0.1:3000";
        when(backends.setDrained(1, "10.0.0.7:80", true, ADMIN)).thenReturn(Mono.error(new NotFoundException(message)));
        when(backends.list()).thenReturn(Flux.just(backend(1, "app", List.of("10.0.0.1:3000"), List.of())));

        assertThat(flashAfter("/backends/1/servers/drain", "10.0.0.7:80")).isEqualTo("danger: " + message);
    }

    @Test
    void deletingABackendInUseShowsWhyOnTheList() {
        String message = "backend 'app' is used by site(s) app.example.test; point them at another backend or delete them first";
        BackendView app = backend(1, "app", List.of("10.0.0.1:3000"), List.of("app.example.test"));
        when(backends.get(1)).thenReturn(Mono.just(app));
        when(backends.delete(1, ADMIN)).thenReturn(Mono.error(new ConflictException("name", message)));
        when(backends.list()).thenReturn(Flux.just(app));

        var response = post("/backends/1/delete", new LinkedMultiValueMap<>())
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/backends")
                .returnResult(String.class);
        String session = response.getResponseCookies().getFirst("SESSION").getValue();

        String list = signedIn().get().uri("/backends").cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(Html.flash(list)).isEqualTo(message);
        assertThat(Html.flashLevel(list)).isEqualTo("danger");
        assertThat(list).contains("id=\"backend-1\"");
    }

    @Test
    void postWithoutCsrfTokenIsForbiddenAndSavesNothing() {
        MultiValueMap<String, String> form = form("app");
        row(form, 0, "127.0.0.1:3000", "", false, false);
        signedIn().post().uri("/backends")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange()
                .expectStatus().isForbidden();
        signedIn().post().uri("/backends/1/delete").exchange().expectStatus().isForbidden();
        MultiValueMap<String, String> drain = new LinkedMultiValueMap<>();
        drain.add("address", "127.0.0.1:3000");
        signedIn().post().uri("/backends/1/servers/drain")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(drain))
                .exchange()
                .expectStatus().isForbidden();

        verify(backends, never()).create(any(), anyString());
        verify(backends, never()).delete(anyLong(), anyString());
        verify(backends, never()).setDrained(anyLong(), any(), anyBoolean(), anyString());
    }

    /** Posts the drain form and returns the flash the list then shows, as "level: message". */
    private String flashAfter(String path, String address) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("address", address);
        var response = post(path, form)
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/backends")
                .returnResult(String.class);
        String session = response.getResponseCookies().getFirst("SESSION").getValue();
        String list = signedIn().get().uri("/backends").cookie("SESSION", session).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return Html.flashLevel(list) + ": " + Html.flash(list);
    }

    private String get(String path, HttpStatus status) {
        return signedIn().get().uri(path).exchange()
                .expectStatus().isEqualTo(status)
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec post(String path, MultiValueMap<String, String> form) {
        return signedIn().mutateWith(csrf()).post().uri(path)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    private static MultiValueMap<String, String> form(String name) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("name", name);
        return form;
    }

    /** A plain server row: HTTPS off, verification on (as a new row shows it), no TLS name. */
    private static void row(MultiValueMap<String, String> form, int row, String address, String weight, boolean backup,
                            boolean drained) {
        row(form, row, address, weight, backup, drained, false, true, "");
    }

    /** One server row as the browser posts it: unticked boxes send only their "_" marker. */
    private static void row(MultiValueMap<String, String> form, int row, String address, String weight, boolean backup,
                            boolean drained, boolean https, boolean verifyTls, String tlsServerName) {
        String prefix = "servers[" + row + "].";
        if (https) {
            form.add(prefix + "https", "true");
        }
        form.add("_" + prefix + "https", "on");
        if (verifyTls) {
            form.add(prefix + "verifyTls", "true");
        }
        form.add("_" + prefix + "verifyTls", "on");
        form.add(prefix + "tlsServerName", tlsServerName);
        form.add(prefix + "address", address);
        form.add(prefix + "weight", weight);
        if (backup) {
            form.add(prefix + "backup", "true");
        }
        form.add("_" + prefix + "backup", "on");
        if (drained) {
            form.add(prefix + "drained", "true");
        }
        form.add("_" + prefix + "drained", "on");
    }

    /** What the form sends for a row of {@link #row(MultiValueMap, int, String, String, boolean, boolean)}. */
    private static ServerCommand server(String address, Integer weight, boolean backup, boolean drained) {
        return new ServerCommand(address, weight, backup, drained, null, true, null);
    }

    private static String value(String html, String name) {
        return Html.attribute(Html.control(html, name), "value");
    }

    private static boolean checked(String html, String name) {
        return Html.control(html, name).matches("(?s).*\\schecked(=\"checked\")?[\\s>/].*");
    }

    /** "field=placeholder" of every box with a placeholder, in page order (server rows left out). */
    private static List<String> placeholders(String html) {
        Matcher input = Pattern.compile("<input\\b[^>]*>").matcher(html);
        List<String> found = new ArrayList<>();
        while (input.find()) {
            String name = Html.attribute(input.group(), "name");
            String placeholder = Html.attribute(input.group(), "placeholder");
            if (name != null && placeholder != null && !name.startsWith("servers[")) {
                found.add(name + "=" + placeholder);
            }
        }
        return found;
    }

    private static int count(String html, String text) {
        return html.split(Pattern.quote(text), -1).length - 1;
    }

    private static BackendView backend(long id, String name, List<String> servers, List<String> usedBy) {
        return new BackendView(id, name, servers, usedBy, T0, T0);
    }
}
