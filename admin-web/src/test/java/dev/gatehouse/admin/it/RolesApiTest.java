package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.token.NewToken;
import dev.gatehouse.admin.token.TokenCommand;
import dev.gatehouse.admin.token.TokenService;
import dev.gatehouse.storage.user.UserRepository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * Users with roles against the running appliance: every role against a representative set of pages, forms
 * and API calls (allowed, or 403 before anything is touched), escalation attempts, the last administrator,
 * and role changes that take effect for sessions and tokens already signed in.
 *
 * <p>The matrix calls are chosen so that an allowed call changes nothing either (a body the service
 * refuses, an id that does not exist): the role decides between 403 and the service's own 400 or 404.
 */
class RolesApiTest {

    private static final String ADMIN = "roles-admin@example.test";
    private static final String OPERATOR = "roles-operator@example.test";
    private static final String VIEWER = "roles-viewer@example.test";
    private static final String PASSWORD = "roles-test-passphrase-42";
    private static final int FORBIDDEN = 403;

    @TempDir
    static Path dataDir;

    private static RunningGatehouse gatehouse;
    private static AdminApi admin;
    private static long operatorId;
    private static long viewerId;
    private static long siteId;

    @BeforeAll
    static void start() {
        gatehouse = RunningGatehouse.start(dataDir, "gatehouse.admin-email=" + ADMIN, "gatehouse.admin-password=" + PASSWORD);
        admin = gatehouse.api(ADMIN, PASSWORD);
        operatorId = AdminApi.id(admin.create("/api/v1/users",
                "{\"email\":\"" + OPERATOR + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"operator\"}"));
        viewerId = AdminApi.id(admin.create("/api/v1/users",
                "{\"email\":\"" + VIEWER + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\"}"));
        admin.createBackend("roles-app", "127.0.0.1:9");
        siteId = admin.createSite("roles.example.test", "roles-app");
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
    }

    /** One API call and the status each role gets: administrator, operator, viewer. */
    private record Call(String method, String path, String body, int admin, int operator, int viewer) {
    }

    @Test
    void everyRoleGetsWhatItsRoleAllowsOnTheApi() {
        String badSite = "{\"hostnames\":[],\"backend\":\"\"}";
        List<Call> calls = List.of(
                new Call("GET", "/api/v1/status", null, 200, 200, 200),
                new Call("GET", "/api/v1/sites", null, 200, 200, 200),
                new Call("GET", "/api/v1/sites/" + siteId, null, 200, 200, 200),
                new Call("GET", "/api/v1/backends", null, 200, 200, 200),
                new Call("GET", "/api/v1/certificates", null, 200, 200, 200),
                new Call("GET", "/api/v1/access-lists", null, 200, 200, 200),
                new Call("GET", "/api/v1/streams", null, 200, 200, 200),
                new Call("GET", "/api/v1/settings/default-site", null, 200, 200, 200),
                new Call("POST", "/api/v1/sites", badSite, 400, 400, FORBIDDEN),
                new Call("PUT", "/api/v1/sites/999999", badSite, 404, 404, FORBIDDEN),
                new Call("DELETE", "/api/v1/sites/999999", null, 404, 404, FORBIDDEN),
                new Call("POST", "/api/v1/backends", "{\"name\":\"\"}", 400, 400, FORBIDDEN),
                new Call("DELETE", "/api/v1/backends/999999", null, 404, 404, FORBIDDEN),
                new Call("DELETE", "/api/v1/certificates/999999", null, 404, 404, FORBIDDEN),
                new Call("DELETE", "/api/v1/access-lists/999999", null, 404, 404, FORBIDDEN),
                new Call("DELETE", "/api/v1/streams/999999", null, 404, 404, FORBIDDEN),
                new Call("PUT", "/api/v1/settings/default-site", "{\"action\":\"bogus\"}", 400, FORBIDDEN, FORBIDDEN),
                new Call("PUT", "/api/v1/settings/listeners", "{\"proxyProtocolFrom\":[\"not an address\"]}", 400, FORBIDDEN,
                        FORBIDDEN),
                new Call("GET", "/api/v1/users", null, 200, FORBIDDEN, FORBIDDEN),
                new Call("GET", "/api/v1/users/" + viewerId, null, 200, FORBIDDEN, FORBIDDEN),
                new Call("POST", "/api/v1/users", "{\"email\":\"\"}", 400, FORBIDDEN, FORBIDDEN),
                new Call("PUT", "/api/v1/users/999999", "{\"role\":\"viewer\"}", 404, FORBIDDEN, FORBIDDEN),
                new Call("DELETE", "/api/v1/users/999999", null, 404, FORBIDDEN, FORBIDDEN),
                new Call("GET", "/api/v1/audit", null, 200, 200, FORBIDDEN));
        List<String> wrong = new ArrayList<>();
        for (Call call : calls) {
            check(wrong, "administrator", admin, call, call.admin());
            check(wrong, "operator", gatehouse.api(OPERATOR, PASSWORD), call, call.operator());
            check(wrong, "viewer", gatehouse.api(VIEWER, PASSWORD), call, call.viewer());
        }
        assertThat(wrong).as("calls that got another status than their role allows").isEmpty();
    }

    private static void check(List<String> wrong, String role, AdminApi api, Call call, int expected) {
        WebTestClient.RequestHeadersSpec<?> request = call.body() == null
                ? api.client().method(org.springframework.http.HttpMethod.valueOf(call.method())).uri(call.path())
                : api.client().method(org.springframework.http.HttpMethod.valueOf(call.method())).uri(call.path())
                        .contentType(org.springframework.http.MediaType.APPLICATION_JSON).bodyValue(call.body());
        int status = request.exchange().returnResult(String.class).getStatus().value();
        if (status != expected) {
            wrong.add(role + " " + call.method() + " " + call.path() + ": " + status + ", expected " + expected);
        }
    }

    /** One page or form and what each role gets; a form is posted with an empty (invalid) body. */
    private record Page(String method, String path, int admin, int operator, int viewer) {
    }

    @Test
    void everyRoleGetsWhatItsRoleAllowsInTheDashboard() {
        List<Page> pages = List.of(
                new Page("GET", "/", 200, 200, 200),
                new Page("GET", "/sites", 200, 200, 200),
                new Page("GET", "/backends", 200, 200, 200),
                new Page("GET", "/certificates", 200, 200, 200),
                new Page("GET", "/settings", 200, 200, 200),
                new Page("GET", "/sites/new", 200, 200, FORBIDDEN),
                new Page("GET", "/sites/" + siteId + "/edit", 200, 200, FORBIDDEN),
                new Page("GET", "/tokens", 200, 200, 200),
                new Page("GET", "/tokens/new", 200, 200, FORBIDDEN),
                new Page("GET", "/users", 200, FORBIDDEN, FORBIDDEN),
                new Page("GET", "/users/new", 200, FORBIDDEN, FORBIDDEN),
                new Page("GET", "/audit", 200, 200, FORBIDDEN),
                new Page("POST", "/sites", 400, 400, FORBIDDEN),
                new Page("POST", "/backends", 400, 400, FORBIDDEN),
                new Page("POST", "/settings/listeners", 400, FORBIDDEN, FORBIDDEN),
                new Page("POST", "/users", 400, FORBIDDEN, FORBIDDEN));
        List<String> wrong = new ArrayList<>();
        Map<String, DashboardSession> sessions = Map.of(
                "administrator", DashboardSession.signIn(gatehouse.browser(), ADMIN, PASSWORD),
                "operator", DashboardSession.signIn(gatehouse.browser(), OPERATOR, PASSWORD),
                "viewer", DashboardSession.signIn(gatehouse.browser(), VIEWER, PASSWORD));
        for (Page page : pages) {
            for (Map.Entry<String, DashboardSession> session : sessions.entrySet()) {
                int expected = switch (session.getKey()) {
                    case "administrator" -> page.admin();
                    case "operator" -> page.operator();
                    default -> page.viewer();
                };
                MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
                form.add("proxyProtocolFrom", "not an address");
                int status = page.method().equals("GET")
                        ? session.getValue().status(page.path())
                        : session.getValue().submit("/", page.path(), form).returnResult(String.class).getStatus().value();
                if (status != expected) {
                    wrong.add(session.getKey() + " " + page.method() + " " + page.path() + ": " + status + ", expected " + expected);
                }
            }
        }
        assertThat(wrong).as("pages that answered another status than the role allows").isEmpty();
    }

    @Test
    void theDashboardShowsOnlyWhatTheRoleMayUse() {
        String asViewer = DashboardSession.signIn(gatehouse.browser(), VIEWER, PASSWORD).page("/sites");
        String asOperator = DashboardSession.signIn(gatehouse.browser(), OPERATOR, PASSWORD).page("/sites");
        String settingsAsOperator = DashboardSession.signIn(gatehouse.browser(), OPERATOR, PASSWORD).page("/settings");

        assertThat(asViewer).contains("roles.example.test", ", signed in as viewer\"")
                .doesNotContain("id=\"add-site\"", "/sites/" + siteId + "/edit", "/sites/" + siteId + "/delete",
                        "id=\"nav-users\"", "id=\"nav-audit\"", "id=\"nav-tokens\"");
        assertThat(asOperator).contains("id=\"add-site\"", "/sites/" + siteId + "/edit", "id=\"nav-audit\"", "id=\"nav-tokens\"")
                .doesNotContain("id=\"nav-users\"");
        assertThat(settingsAsOperator).contains("id=\"settings-read-only\"").doesNotContain("id=\"save-default-site\"",
                "id=\"save-listeners\"");
    }

    @Test
    void anOperatorCannotMakeItselfOrAnyoneAnAdministrator() {
        AdminApi operator = gatehouse.api(OPERATOR, PASSWORD);
        long usersBefore = gatehouse.bean(UserRepository.class).count();

        operator.put("/api/v1/users/" + operatorId, "{\"role\":\"administrator\"}").expectStatus().isForbidden();
        operator.post("/api/v1/users", "{\"email\":\"sneaky@example.test\",\"password\":\"" + PASSWORD
                + "\",\"role\":\"administrator\"}").expectStatus().isForbidden();
        DashboardSession dashboard = DashboardSession.signIn(gatehouse.browser(), OPERATOR, PASSWORD);
        MultiValueMap<String, String> promote = new LinkedMultiValueMap<>();
        promote.add("role", "administrator");
        dashboard.submit("/", "/users/" + operatorId + "/role", promote).expectStatus().isForbidden();
        MultiValueMap<String, String> newAdmin = new LinkedMultiValueMap<>();
        newAdmin.add("email", "sneaky@example.test");
        newAdmin.add("password", PASSWORD);
        newAdmin.add("role", "administrator");
        dashboard.submit("/", "/users", newAdmin).expectStatus().isForbidden();
        // an API token acts with its creator's role, never more
        NewToken token = gatehouse.bean(TokenService.class).create(new TokenCommand("escalate", "read-write", ""), OPERATOR).block();
        AdminApi.withToken(gatehouse.adminPort(), token.secret())
                .put("/api/v1/users/" + operatorId, "{\"role\":\"administrator\"}").expectStatus().isForbidden();

        assertThat(gatehouse.bean(UserRepository.class).findById(operatorId)).hasValueSatisfying(user ->
                assertThat(user.role()).isEqualTo("OPERATOR"));
        assertThat(gatehouse.bean(UserRepository.class).count()).isEqualTo(usersBefore);
        assertThat(gatehouse.bean(UserRepository.class).findByEmail("sneaky@example.test")).isEmpty();
    }

    @Test
    void aViewerPostingASiteFormChangesNothing() {
        long revision = admin.revision();
        String sites = admin.json("/api/v1/sites");
        DashboardSession viewer = DashboardSession.signIn(gatehouse.browser(), VIEWER, PASSWORD);
        MultiValueMap<String, String> site = new LinkedMultiValueMap<>();
        site.add("hostnames", "viewer-made.example.test");
        site.add("backend", "roles-app");

        String page = viewer.submit("/sites", "/sites", site).expectStatus().isForbidden()
                .expectBody(String.class).returnResult().getResponseBody();
        viewer.submit("/sites", "/sites/" + siteId + "/delete", new LinkedMultiValueMap<>()).expectStatus().isForbidden();
        gatehouse.api(VIEWER, PASSWORD).post("/api/v1/sites", "{\"hostnames\":[\"viewer-made.example.test\"],\"backend\":\"roles-app\"}")
                .expectStatus().isForbidden();

        assertThat(page).contains("id=\"forbidden\"", "Your role is viewer");
        assertThat(admin.json("/api/v1/sites")).isEqualTo(sites);
        assertThat(admin.revision()).isEqualTo(revision);
    }

    @Test
    void theLastAdministratorCanBeNeitherDemotedNorDeleted() {
        long adminId = gatehouse.bean(UserRepository.class).findByEmail(ADMIN).orElseThrow().id();

        Map<?, ?> demote = admin.put("/api/v1/users/" + adminId, "{\"role\":\"operator\"}")
                .expectStatus().isEqualTo(HttpStatus.CONFLICT).expectBody(Map.class).returnResult().getResponseBody();
        admin.delete("/api/v1/users/" + adminId).expectStatus().isEqualTo(HttpStatus.CONFLICT);

        assertThat((String) demote.get("detail")).contains("you are the last administrator");
        assertThat(gatehouse.bean(UserRepository.class).findById(adminId)).hasValueSatisfying(user ->
                assertThat(user.role()).isEqualTo("ADMIN"));
    }

    @Test
    void twoAdministratorsDemotingEachOtherAtOnceLeaveOne() throws Exception {
        String first = "race-one@example.test";
        String second = "race-two@example.test";
        long firstId = AdminApi.id(admin.create("/api/v1/users",
                "{\"email\":\"" + first + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"administrator\"}"));
        long secondId = AdminApi.id(admin.create("/api/v1/users",
                "{\"email\":\"" + second + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"administrator\"}"));
        // the setup administrator steps down for a moment, so exactly these two are administrators
        long adminId = gatehouse.bean(UserRepository.class).findByEmail(ADMIN).orElseThrow().id();
        admin.put("/api/v1/users/" + adminId, "{\"role\":\"viewer\"}").expectStatus().isOk();
        try {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Callable<Integer>> demotions = List.of(
                        () -> status(gatehouse.api(first, PASSWORD), "/api/v1/users/" + secondId),
                        () -> status(gatehouse.api(second, PASSWORD), "/api/v1/users/" + firstId));
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> result : pool.invokeAll(demotions)) {
                    statuses.add(result.get());
                }
                // one wins; the other is refused as the last administrator (409) or, when it is checked after the
                // first finished, as the viewer it has just become (403)
                assertThat(statuses).containsOnlyOnce(200).anySatisfy(status -> assertThat(status).isIn(403, 409));
            } finally {
                pool.shutdown();
            }
            assertThat(gatehouse.bean(UserRepository.class).countByRole("ADMIN")).isEqualTo(1);
        } finally {
            String remaining = gatehouse.bean(UserRepository.class).findById(firstId).orElseThrow().role().equals("ADMIN")
                    ? first : second;
            long remainingId = remaining.equals(first) ? firstId : secondId;
            gatehouse.api(remaining, PASSWORD).put("/api/v1/users/" + adminId, "{\"role\":\"administrator\"}")
                    .expectStatus().isOk();
            admin.delete("/api/v1/users/" + remainingId).expectStatus().isNoContent();
            admin.delete("/api/v1/users/" + (remainingId == firstId ? secondId : firstId)).expectStatus().isNoContent();
        }
    }

    private static int status(AdminApi api, String path) {
        return api.put(path, "{\"role\":\"viewer\"}").returnResult(String.class).getStatus().value();
    }

    @Test
    void aRoleChangeCountsAtOnceForTokensAndEndsTheSessions() {
        String email = "demoted@example.test";
        long id = AdminApi.id(admin.create("/api/v1/users",
                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"administrator\"}"));
        DashboardSession session = DashboardSession.signIn(gatehouse.browser(), email, PASSWORD);
        NewToken token = gatehouse.bean(TokenService.class).create(new TokenCommand("soon demoted", "read-write", ""), email).block();
        AdminApi tokenApi = AdminApi.withToken(gatehouse.adminPort(), token.secret());
        assertThat(session.status("/users")).isEqualTo(200);
        tokenApi.get("/api/v1/users").expectStatus().isOk();

        admin.put("/api/v1/users/" + id, "{\"role\":\"viewer\"}").expectStatus().isOk();

        assertThat(session.status("/users")).as("a role change ends the user's sessions: back to the login page")
                .isEqualTo(302);
        tokenApi.get("/api/v1/users").expectStatus().isForbidden();
        tokenApi.get("/api/v1/sites").expectStatus().isOk();
        tokenApi.post("/api/v1/sites", "{}").expectStatus().isForbidden();
        DashboardSession again = DashboardSession.signIn(gatehouse.browser(), email, PASSWORD);
        assertThat(again.status("/users")).isEqualTo(FORBIDDEN);
        assertThat(again.status("/sites")).isEqualTo(200);
        again.submit("/", "/sites", new LinkedMultiValueMap<>()).expectStatus().isForbidden();

        admin.delete("/api/v1/users/" + id).expectStatus().isNoContent();

        assertThat(again.status("/sites")).as("deleting the user ends their sessions").isEqualTo(302);
        assertThat(tokenApi.get("/api/v1/sites").returnResult(String.class).getStatus().value()).isIn(401, 403);
        gatehouse.api(email, PASSWORD).get("/api/v1/status").expectStatus().isUnauthorized();
    }

    @Test
    void usersAreManagedThroughTheApiWithoutEverShowingAPassword() {
        Map<String, Object> created = admin.create("/api/v1/users",
                "{\"email\":\" New.User@Example.TEST \",\"password\":\"" + PASSWORD + "\",\"role\":\"Viewer\"}");
        long id = AdminApi.id(created);
        assertThat(created).containsEntry("email", "new.user@example.test").containsEntry("role", "viewer")
                .containsEntry("lastSignInAt", null).doesNotContainKey("password").doesNotContainKey("passwordHash");
        admin.post("/api/v1/users", "{\"email\":\"new.user@example.test\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\"}")
                .expectStatus().isEqualTo(HttpStatus.CONFLICT);
        admin.post("/api/v1/users", "{\"email\":\"weak@example.test\",\"password\":\"password1234\",\"role\":\"root\"}")
                .expectStatus().isBadRequest().expectBody()
                .jsonPath("$.errors[?(@.field == 'password')].message").value(messages ->
                        assertThat(messages.toString()).contains("commonly used"))
                .jsonPath("$.errors[?(@.field == 'role')].message").value(messages ->
                        assertThat(messages.toString()).contains("administrator, operator, viewer"));

        admin.put("/api/v1/users/" + id, "{\"role\":\"operator\"}").expectStatus().isOk()
                .expectBody().jsonPath("$.role").isEqualTo("operator");
        admin.put("/api/v1/users/" + id + "/password", "{\"password\":\"short\"}").expectStatus().isBadRequest();
        admin.put("/api/v1/users/" + id + "/password", "{\"password\":\"another-long-passphrase-7\"}").expectStatus().isOk();
        gatehouse.api("new.user@example.test", "another-long-passphrase-7").get("/api/v1/sites").expectStatus().isOk();
        gatehouse.api("new.user@example.test", PASSWORD).get("/api/v1/sites").expectStatus().isUnauthorized();
        DashboardSession.signIn(gatehouse.browser(), "new.user@example.test", "another-long-passphrase-7");

        String listed = admin.json("/api/v1/users");
        assertThat(listed).contains("new.user@example.test", "\"lastSignInAt\":\"").doesNotContain("$2a$", "bcrypt", PASSWORD);

        admin.delete("/api/v1/users/" + id).expectStatus().isNoContent();
        admin.get("/api/v1/users/" + id).expectStatus().isNotFound();
    }
}
