package dev.gatehouse.admin.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.backendstatus.BackendStatusService;
import dev.gatehouse.admin.backendstatus.BackendStatusService.BackendServersView;
import dev.gatehouse.admin.backendstatus.BackendStatusService.ServerView;
import dev.gatehouse.admin.certificate.CertificateService;
import dev.gatehouse.admin.certificate.CertificateWarning;
import dev.gatehouse.admin.certificate.CertificateWarning.Kind;
import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.status.StatusService;
import dev.gatehouse.admin.status.StatusView;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** The dashboard home and its polled status fragment, with StatusService mocked. */
@WebFluxTest(DashboardController.class)
@WithGatehouseSecurity
class DashboardControllerTest {

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private StatusService status;
    @MockitoBean
    private SetupService setup;
    @MockitoBean
    private CertificateService certificates;
    @MockitoBean
    private BackendStatusService backendStatus;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
        when(certificates.warnings()).thenReturn(Mono.just(List.of()));
    }

    @Test
    void showsEngineRevisionAndCounts() {
        when(status.status()).thenReturn(Mono.just(
                new StatusView(42, true, 8080, 3, 2, 5, Instant.parse("2025-03-04T05:06:07Z"))));

        String html = page("/");

        assertThat(text(html, "engine-state")).isEqualTo("Running");
        assertThat(text(html, "engine-port")).isEqualTo("8080");
        assertThat(text(html, "revision")).isEqualTo("42");
        assertThat(text(html, "revision-applied")).isEqualTo("applied 2025-03-04 05:06:07 UTC");
        assertThat(text(html, "enabled-site-count")).isEqualTo("2");
        assertThat(text(html, "site-count")).isEqualTo("3");
        assertThat(text(html, "backend-count")).isEqualTo("5");
        assertThat(html).contains("href=\"/backends/new\"", "href=\"/sites/new\"", "admin@example.test",
                "action=\"/logout\"", "name=\"_csrf\"", "href=\"/certificates\"");
        // Without an HTTPS listener the page says so instead of showing a port.
        assertThat(text(html, "engine-https-off")).isEqualTo("no HTTPS");
        assertThat(html).doesNotContain("id=\"engine-https-port\"", "id=\"certificate-warnings\"");
    }

    @Test
    void showsTheHttpsPortNextToTheHttpPort() {
        when(status.status()).thenReturn(Mono.just(new StatusView(42, true, 8080, 3, 2, 5, Instant.EPOCH, 8443)));

        String html = page("/");

        assertThat(text(html, "engine-port")).isEqualTo("8080");
        assertThat(text(html, "engine-https-port")).isEqualTo("8443");
        assertThat(text(html, "listener-https-port")).isEqualTo("8443");
        assertThat(html).doesNotContain("id=\"engine-https-off\"");
    }

    @Test
    void certificateWarningsAreListedWithLinksToTheCertificates() {
        when(status.status()).thenReturn(Mono.just(new StatusView(42, true, 8080, 3, 2, 5, Instant.EPOCH, 8443)));
        when(certificates.warnings()).thenReturn(Mono.just(List.of(
                new CertificateWarning(Kind.EXPIRED, 4, "Certificate 'old' expired on 2025-01-01; browsers refuse the sites using it. Upload a renewed one."),
                new CertificateWarning(Kind.EXPIRING_SOON, 3, "Certificate 'shop' expires in 12 day(s) (2025-03-16)."),
                new CertificateWarning(Kind.HOSTNAME_NOT_COVERED, 3, "Site shop.example.test uses certificate 'shop', which does not cover www.shop.example.test."))));

        String html = page("/");

        assertThat(html).containsSubsequence("id=\"certificate-warnings\"", "Certificates need attention",
                "href=\"/certificates/4\"", "Expired", "Certificate &#39;old&#39; expired on 2025-01-01",
                "href=\"/certificates/3\"", "Expires soon", "expires in 12 day(s)",
                "href=\"/certificates/3\"", "Name not covered", "does not cover www.shop.example.test");
    }

    @Test
    void freshInstallationSaysNothingIsAppliedYet() {
        when(status.status()).thenReturn(Mono.just(new StatusView(0, false, -1, 0, 0, 0, null)));

        String html = page("/");

        assertThat(text(html, "engine-state")).isEqualTo("Stopped");
        assertThat(text(html, "revision-applied")).isEqualTo("nothing applied yet");
        assertThat(html).contains("No sites yet", "No backends yet");
    }

    @Test
    void statusFragmentIsJustTheCardsAndPollsItself() {
        when(status.status()).thenReturn(Mono.just(new StatusView(7, true, 8080, 1, 1, 1, Instant.EPOCH)));

        String html = page("/dashboard/status");

        assertThat(html.strip()).startsWith("<div").doesNotContain("<html", "<nav", "navbar");
        assertThat(html).contains("id=\"status-cards\"", "hx-get=\"/dashboard/status\"", "hx-trigger=\"every 5s\"");
        assertThat(text(html, "revision")).isEqualTo("7");
    }

    @Test
    void backendServersShowTheirLiveStateAndArePolled() {
        when(status.status()).thenReturn(Mono.just(new StatusView(1, true, 8080, 1, 1, 1, null)));
        when(backendStatus.current()).thenReturn(List.of(new BackendServersView("app", List.of(
                new ServerView("10.0.0.1:8080", 1, false, "up", true, "status 200 in 3 ms", 3, 2, 12.5, 0, 10_000, 2),
                new ServerView("10.0.0.2:8080", 2, true, "down", false, "connect failed: Connection refused", 1, 0, 0, 4, 0, 1)))));

        String html = page("/");
        assertThat(html).contains("id=\"backend-health\"").contains("hx-get=\"/dashboard/backends\"")
                .contains("hx-trigger=\"every 2s\"");
        assertThat(html).contains("data-server=\"10.0.0.1:8080\" data-state=\"up\"")
                .contains("data-server=\"10.0.0.2:8080\" data-state=\"down\"")
                .contains("status 200 in 3 ms").contains("connect failed: Connection refused")
                .contains("12.5").contains("weight 2").contains("backup").contains("4 failure(s) in a row")
                .contains("connection reuse 99.97 %");

        String fragment = page("/dashboard/backends");
        assertThat(fragment.strip()).startsWith("<div").contains("id=\"backend-health\"").doesNotContain("<html");
    }

    @Test
    void withoutBackendsThereIsNoServerTable() {
        when(status.status()).thenReturn(Mono.just(new StatusView(1, true, 8080, 0, 0, 0, null)));
        when(backendStatus.current()).thenReturn(List.of());
        assertThat(page("/")).doesNotContain("id=\"backend-health\"");
    }

    private String page(String path) {
        return web.mutateWith(mockUser("admin@example.test").roles("ADMIN")).get().uri(path).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    /** The whitespace-normalised text inside the element with {@code id}. */
    private static String text(String html, String id) {
        Matcher element = Pattern.compile("<(\\w+)\\b[^>]*\\bid=\"" + id + "\"[^>]*>(.*?)</\\1>", Pattern.DOTALL)
                .matcher(html);
        assertThat(element.find()).as("element #%s", id).isTrue();
        return element.group(2).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").trim();
    }
}
