package dev.gatehouse.admin.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockUser;

import dev.gatehouse.admin.setup.SetupService;
import dev.gatehouse.admin.web.Html;
import dev.gatehouse.admin.web.WithGatehouseSecurity;
import dev.gatehouse.storage.audit.AuditEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * The Audit log page with {@link AuditService} mocked and the real security chains: administrators and
 * operators read it, filtered and a page at a time; viewers do not; everything logged is shown escaped.
 */
@WebFluxTest(AuditController.class)
@WithGatehouseSecurity
class AuditControllerTest {

    private static final Instant AT = Instant.parse("2026-03-10T09:15:30Z");
    private static final AuditEvent SITE_CHANGE = new AuditEvent(7, AT, "alice@example.test", "192.0.2.7", "update", "site",
            "12", "site 12 <b>app</b>.example.test: forceHttps false → true", 42L);
    private static final AuditEvent SIGN_IN = new AuditEvent(6, AT.minusSeconds(60), "bob@example.test", "2001:db8::1",
            "sign-in", "session", null, "signed in to the dashboard", null);

    @Autowired
    private WebTestClient web;

    @MockitoBean
    private AuditService audit;
    @MockitoBean
    private SetupService setup;

    @BeforeEach
    void setUp() {
        when(setup.needsSetup()).thenReturn(Mono.just(false));
        when(audit.actors()).thenReturn(Mono.just(List.of("alice@example.test", "bob@example.test")));
    }

    @Test
    void anOperatorReadsTheLogNewestFirstEscaped() {
        when(audit.find(any())).thenReturn(Mono.just(new AuditService.AuditPage(List.of(SITE_CHANGE, SIGN_IN), 1, 50, 2)));

        String html = page("OPERATOR", "/audit");

        assertThat(html).contains("id=\"audit-7\"", "2026-03-10 09:15:30", "alice@example.test", "192.0.2.7", "revision 42",
                "site 12 &lt;b&gt;app&lt;/b&gt;.example.test: forceHttps false → true", "2001:db8::1", "signed in to the dashboard",
                "Page 1 of 1 · 2 entries")
                .doesNotContain("<b>app</b>");
        assertThat(html.indexOf("id=\"audit-7\"")).isLessThan(html.indexOf("id=\"audit-6\""));
        assertThat(html).as("the operator's menu").contains("id=\"nav-audit\"").doesNotContain("id=\"nav-users\"");
    }

    @Test
    void theFilterIsPassedOnAndKeptInTheFormAndThePageLinks() {
        when(audit.find(any())).thenReturn(Mono.just(new AuditService.AuditPage(List.of(SITE_CHANGE), 2, 1, 3)));

        String html = page("ADMIN", "/audit?actor=alice@example.test&objectType=site&from=2026-03-01&to=2026-03-31&page=2&size=1");

        ArgumentCaptor<AuditQuery> query = ArgumentCaptor.forClass(AuditQuery.class);
        verify(audit).find(query.capture());
        assertThat(query.getValue()).isEqualTo(new AuditQuery("alice@example.test", "site", "2026-03-01", "2026-03-31", "2", "1"));
        assertThat(Html.attribute(Html.control(html, "from"), "value")).isEqualTo("2026-03-01");
        assertThat(html).contains("<option value=\"site\" selected=\"selected\">site</option>",
                "<option value=\"alice@example.test\" selected=\"selected\">alice@example.test</option>",
                "Page 2 of 3 · 3 entries",
                "href=\"/audit?actor=alice@example.test&amp;objectType=site&amp;from=2026-03-01&amp;to=2026-03-31&amp;size=1&amp;page=1\"",
                "href=\"/audit?actor=alice@example.test&amp;objectType=site&amp;from=2026-03-01&amp;to=2026-03-31&amp;size=1&amp;page=3\"");
        assertThat(html).as("the administrator's menu").contains("id=\"nav-audit\"", "id=\"nav-users\"");
    }

    @Test
    void aBadFilterIsExplainedInsteadOfEntries() {
        when(audit.find(any())).thenReturn(Mono.fromCallable(() -> new AuditQuery(null, null, "yesterday", null, null, null)
                .validate()).map(valid -> new AuditService.AuditPage(List.of(), 1, 50, 0)));

        String html = web.mutateWith(mockUser("admin@example.test").roles("ADMIN")).get().uri("/audit?from=yesterday")
                .exchange().expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).contains("id=\"filter-problems\"", "from must be a day like 2026-11-26").doesNotContain("id=\"audit-table\"");
    }

    @Test
    void anEmptyResultSaysSo() {
        when(audit.find(any())).thenReturn(Mono.just(new AuditService.AuditPage(List.of(), 1, 50, 0)));

        assertThat(page("ADMIN", "/audit")).contains("id=\"audit-empty\"", "Nothing logged");
    }

    @Test
    void viewersMayNotReadTheLog() {
        String html = web.mutateWith(mockUser("viewer@example.test").roles("VIEWER")).get().uri("/audit").exchange()
                .expectStatus().isForbidden().expectBody(String.class).returnResult().getResponseBody();

        assertThat(html).contains("id=\"forbidden\"");
        verifyNoInteractions(audit);
    }

    private String page(String role, String path) {
        return web.mutateWith(mockUser("someone@example.test").roles(role)).get().uri(path).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }
}
