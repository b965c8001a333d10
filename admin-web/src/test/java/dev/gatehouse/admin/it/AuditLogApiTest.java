package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.certificate.bundle.TestPki;
import dev.gatehouse.admin.certificate.bundle.TestPki.Credential;
import dev.gatehouse.admin.security.MutableClock;
import dev.gatehouse.admin.twofactor.Totp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log against the running appliance: who changed what and when, from which address, before and
 * after; sign-ins; users and tokens; the appliance's own start as "system"; filters and pages; and never a
 * secret, neither in the API's answers nor in the table.
 */
class AuditLogApiTest {

    private static final String ADMIN = "audit-admin@example.test";
    private static final String OPERATOR = "audit-operator@example.test";
    private static final String PASSWORD = "audit-test-passphrase-42";
    private static final String BASIC_AUTH_PASSWORD = "staff-door-password-9";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dataDir;

    private static MutableClock clock;
    private static RunningGatehouse gatehouse;
    private static AdminApi admin;

    @BeforeAll
    static void start() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        gatehouse = RunningGatehouse.start(dataDir, clock, "gatehouse.admin-email=" + ADMIN, "gatehouse.admin-password=" + PASSWORD);
        admin = gatehouse.api(ADMIN, PASSWORD);
        admin.create("/api/v1/users", "{\"email\":\"" + OPERATOR + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"operator\"}");
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
    }

    @Test
    void theFirstStartIsLoggedAsTheSystemWithoutAnAddress() {
        List<Map<String, Object>> system = entries("/api/v1/audit?actor=system&size=500");

        assertThat(system).anySatisfy(entry -> {
            assertThat(entry).containsEntry("action", "create").containsEntry("objectType", "config")
                    .containsEntry("summary", "initial configuration (revision 1)").containsEntry("revision", 1)
                    .containsEntry("clientIp", null);
        });
    }

    @Test
    void aSiteChangeByAUserIsLoggedWithTheUserTheAddressAndBeforeAndAfter() {
        AdminApi operator = gatehouse.api(OPERATOR, PASSWORD);
        operator.createBackend("audit-app", "127.0.0.1:9");
        long site = operator.createSite("audit.example.test", "audit-app");

        operator.put("/api/v1/sites/" + site, "{\"hostnames\":[\"audit.example.test\",\"www.audit.example.test\"],"
                + "\"backend\":\"audit-app\",\"http2\":false}").expectStatus().isOk();
        long revision = admin.revision();

        Map<String, Object> latest = entries("/api/v1/audit?actor=" + OPERATOR + "&objectType=site").get(0);
        assertThat(latest).containsEntry("actor", OPERATOR).containsEntry("clientIp", "127.0.0.1")
                .containsEntry("action", "update").containsEntry("objectType", "site")
                .containsEntry("objectId", Long.toString(site)).containsEntry("revision", (int) revision);
        assertThat((String) latest.get("summary")).isEqualTo("site " + site + " audit.example.test: hostnames [audit.example.test]"
                + " → [audit.example.test, www.audit.example.test]; http2 true → false");
        assertThat(entries("/api/v1/audit?actor=" + OPERATOR + "&objectType=backend"))
                .anySatisfy(entry -> assertThat(entry).containsEntry("action", "create").containsEntry("objectId", "audit-app"));
        // an operator reads the log too
        operator.get("/api/v1/audit").expectStatus().isOk();

        operator.delete("/api/v1/sites/" + site).expectStatus().isNoContent();
        assertThat((String) entries("/api/v1/audit?objectType=site").get(0).get("summary"))
                .startsWith("deleted site " + site + " audit.example.test: hostnames [audit.example.test, www.audit.example.test]");
    }

    @Test
    void aChangeInTheDashboardIsLoggedWithTheSignIn() {
        DashboardSession dashboard = DashboardSession.signIn(gatehouse.browser(), OPERATOR, PASSWORD);
        MultiValueMap<String, String> backend = new LinkedMultiValueMap<>();
        backend.add("name", "form-made");
        backend.add("servers[0].address", "127.0.0.1:9");
        backend.add("servers[0].weight", "1");
        dashboard.submit("/backends/new", "/backends", backend).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        List<Map<String, Object>> mine = entries("/api/v1/audit?actor=" + OPERATOR);
        assertThat(mine.get(0)).containsEntry("action", "create").containsEntry("objectType", "backend")
                .containsEntry("objectId", "form-made").containsEntry("clientIp", "127.0.0.1");
        assertThat(mine).anySatisfy(entry -> assertThat(entry).containsEntry("action", "sign-in")
                .containsEntry("objectType", "session").containsEntry("clientIp", "127.0.0.1")
                .containsEntry("summary", "signed in to the dashboard"));
        assertThat(admin.json("/api/v1/users")).contains("\"email\":\"" + OPERATOR + "\"", "\"lastSignInAt\":\"");
    }

    @Test
    void failedSignInsAreLoggedUnderTheTypedEmailButNeverATypedPassword() {
        String passwordTypedAsEmail = "my-password-in-the-wrong-box";
        DashboardSession.postLogin(gatehouse.browser(), "Nobody@Example.test", "wrong-password-1");
        DashboardSession.postLogin(gatehouse.browser(), passwordTypedAsEmail, "wrong-password-2");
        gatehouse.api(OPERATOR, "wrong-password-3").get("/api/v1/status").expectStatus().isUnauthorized();

        List<Map<String, Object>> failed = entries("/api/v1/audit?objectType=session&size=500").stream()
                .filter(entry -> "sign-in-failed".equals(entry.get("action"))).toList();

        assertThat(failed).anySatisfy(entry -> assertThat(entry).containsEntry("actor", "nobody@example.test")
                .containsEntry("clientIp", "127.0.0.1").containsEntry("summary", "dashboard sign-in refused: wrong email or password"));
        assertThat(failed).anySatisfy(entry -> assertThat(entry).containsEntry("actor", "(not an email address)"));
        assertThat(failed).anySatisfy(entry -> assertThat(entry).containsEntry("actor", OPERATOR)
                .containsEntry("summary", "API sign-in (HTTP Basic) refused: wrong email or password"));
        assertThat(admin.json("/api/v1/audit?size=500")).doesNotContain(passwordTypedAsEmail, "wrong-password");
    }

    @Test
    void aTwoStepSignInIsLoggedOnceTheCodeIsRight() {
        String email = "two-step@example.test";
        TwoFactorAccounts.Enrolled user = new TwoFactorAccounts(gatehouse).createEnrolled(email, "VIEWER", clock);
        clock.advance(Duration.ofSeconds(Totp.PERIOD_SECONDS));
        int before = entries("/api/v1/audit?objectType=session&actor=" + email).size();
        BrowserSession browser = new BrowserSession(gatehouse.browser());

        assertThat(BrowserSession.location(browser.signInWithPassword(email, TwoFactorAccounts.PASSWORD)))
                .isEqualTo("/login/two-factor");
        assertThat(entries("/api/v1/audit?objectType=session&actor=" + email)).as("the password alone").hasSize(before);
        browser.enterCode(user.wrongCode(clock));
        browser.enterCode(user.code(clock));

        List<Map<String, Object>> after = entries("/api/v1/audit?objectType=session&actor=" + email);
        assertThat(after).hasSize(before + 2);
        assertThat(after.get(1)).containsEntry("action", "sign-in-failed")
                .containsEntry("summary", "dashboard sign-in refused: wrong code").containsEntry("clientIp", "127.0.0.1");
        assertThat(after.get(0)).containsEntry("action", "sign-in").containsEntry("summary", "signed in to the dashboard");
    }

    @Test
    void usersAndTokensAreLogged() {
        long id = AdminApi.id(admin.create("/api/v1/users",
                "{\"email\":\"logged@example.test\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\"}"));
        admin.put("/api/v1/users/" + id, "{\"role\":\"operator\"}").expectStatus().isOk();
        admin.put("/api/v1/users/" + id + "/password", "{\"password\":\"a-fresh-passphrase-77\"}").expectStatus().isOk();
        admin.delete("/api/v1/users/" + id).expectStatus().isNoContent();
        DashboardSession dashboard = DashboardSession.signIn(gatehouse.browser(), ADMIN, PASSWORD);
        MultiValueMap<String, String> token = new LinkedMultiValueMap<>();
        token.add("name", "audited");
        token.add("scope", "read-only");
        token.add("expiresOn", "");
        dashboard.submit("/tokens/new", "/tokens", token).expectStatus().isEqualTo(HttpStatus.SEE_OTHER);

        List<String> users = summaries("/api/v1/audit?objectType=user&actor=" + ADMIN);
        List<Map<String, Object>> tokens = entries("/api/v1/audit?objectType=api-token");

        assertThat(users).containsSubsequence("deleted user logged@example.test (role operator)",
                "user logged@example.test: password reset", "user logged@example.test: role viewer → operator",
                "created user logged@example.test with role viewer");
        assertThat(tokens.get(0)).containsEntry("action", "create").containsEntry("actor", ADMIN)
                .containsEntry("clientIp", "127.0.0.1");
        assertThat((String) tokens.get(0).get("summary")).startsWith("created API token 'audited' (read-only, ght_");
    }

    @Test
    void noSecretIsEverLoggedOrAnswered() {
        TestPki pki = TestPki.now();
        Credential leaf = pki.rsaLeaf("secret.example.test");
        Credential renewed = pki.rsaLeaf("secret.example.test");
        long certificate = AdminApi.id(admin.create("/api/v1/certificates", json(Map.of("name", "secret-shop",
                "certificate", leaf.certificatePem(), "privateKey", leaf.pkcs8Pem()))));
        admin.put("/api/v1/certificates/" + certificate, json(Map.of("certificate", renewed.certificatePem(),
                "privateKey", renewed.pkcs8Pem()))).expectStatus().isOk();
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("name", "secret-staff");
        list.put("users", List.of(Map.of("username", "alice", "password", BASIC_AUTH_PASSWORD)));
        long accessList = AdminApi.id(admin.create("/api/v1/access-lists", json(list)));
        list.put("users", List.of(Map.of("username", "alice", "password", BASIC_AUTH_PASSWORD + "-new"),
                Map.of("username", "bob", "password", BASIC_AUTH_PASSWORD + "-bob")));
        admin.put("/api/v1/access-lists/" + accessList, json(list)).expectStatus().isOk();
        admin.create("/api/v1/users", "{\"email\":\"secretive@example.test\",\"password\":\"" + BASIC_AUTH_PASSWORD
                + "-user\",\"role\":\"viewer\"}");

        String answered = admin.json("/api/v1/audit?size=500");
        String stored = gatehouse.bean(DataSource.class) == null ? "" : JdbcClient.create(gatehouse.bean(DataSource.class))
                .sql("SELECT actor, client_ip, action, object_type, object_id, summary FROM audit_event")
                .query((rs, row) -> String.join(" | ", rs.getString(1), String.valueOf(rs.getString(2)), rs.getString(3),
                        rs.getString(4), String.valueOf(rs.getString(5)), rs.getString(6)))
                .list().stream().collect(Collectors.joining("\n"));

        assertThat(answered).contains("created certificate secret-shop", "certificateChainPem (changed)",
                "created access list secret-staff", "users[alice].passwordHash (changed)", "users[bob] added");
        for (String log : List.of(answered, stored)) {
            assertThat(log).doesNotContain("PRIVATE KEY", "BEGIN CERTIFICATE", "$2a$", "$2b$", "{bcrypt}", BASIC_AUTH_PASSWORD,
                    body(leaf.pkcs8Pem()), body(renewed.pkcs8Pem()), PASSWORD);
        }
    }

    @Test
    void theLogIsFilteredByDaysAndReadAPageAtATime() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        admin.createBackend("before-midnight", "127.0.0.1:9");
        clock.advance(Duration.ofDays(2));
        try {
            admin.createBackend("two-days-later", "127.0.0.1:9");

            assertThat(summaries("/api/v1/audit?objectType=backend&from=" + today.plusDays(1)))
                    .containsExactly("created backend two-days-later: servers[127.0.0.1:9].host 127.0.0.1; servers[127.0.0.1:9].port 9; "
                            + firstBackendSettings());
            assertThat(summaries("/api/v1/audit?objectType=backend&to=" + today))
                    .anySatisfy(summary -> assertThat(summary).startsWith("created backend before-midnight"))
                    .noneSatisfy(summary -> assertThat(summary).startsWith("created backend two-days-later"));

            Map<String, Object> first = page("/api/v1/audit?size=2&page=1");
            Map<String, Object> second = page("/api/v1/audit?size=2&page=2");
            assertThat(first).containsEntry("page", 1).containsEntry("size", 2);
            assertThat(((Number) first.get("total")).longValue()).isGreaterThanOrEqualTo(4);
            assertThat(entriesOf(first)).hasSize(2);
            assertThat(entriesOf(second)).hasSize(2).doesNotContainAnyElementsOf(entriesOf(first));
            assertThat(((Number) entriesOf(first).get(1).get("id")).longValue())
                    .isGreaterThan(((Number) entriesOf(second).get(0).get("id")).longValue());

            admin.get("/api/v1/audit?from=yesterday").expectStatus().isBadRequest().expectBody()
                    .jsonPath("$.errors[0].field").isEqualTo("from");
            admin.get("/api/v1/audit?size=5000").expectStatus().isBadRequest().expectBody()
                    .jsonPath("$.errors[0].field").isEqualTo("size");
        } finally {
            clock.advance(Duration.ofDays(-2));
        }
    }

    /** What the created backend's summary says after its servers: its settings, whatever they are. */
    private static String firstBackendSettings() {
        String summary = summaries("/api/v1/audit?objectType=backend&size=500").stream()
                .filter(line -> line.startsWith("created backend two-days-later: ")).findFirst().orElseThrow();
        return summary.substring(summary.indexOf("servers[127.0.0.1:9].port 9; ") + "servers[127.0.0.1:9].port 9; ".length());
    }

    private static String json(Map<String, ?> body) {
        return JSON.writeValueAsString(body);
    }

    /** The base64 of a PEM block, without its armour: what would show if any part of the key leaked. */
    private static String body(String pem) {
        return pem.lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> page(String path) {
        return admin.get(path).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> entriesOf(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("entries");
    }

    private static List<Map<String, Object>> entries(String path) {
        return entriesOf(page(path));
    }

    private static List<String> summaries(String path) {
        return entries(path).stream().map(entry -> (String) entry.get("summary")).toList();
    }
}
