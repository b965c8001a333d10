package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.security.MutableClock;
import dev.gatehouse.admin.token.InvalidBearerTokenException;
import dev.gatehouse.admin.token.NewToken;
import dev.gatehouse.admin.token.TokenCommand;
import dev.gatehouse.admin.token.TokenSecrets;
import dev.gatehouse.admin.token.TokenService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * API tokens against the running appliance: created in the dashboard or through the service, used as
 * {@code Authorization: Bearer} on {@code /api/v1}, scoped, expiring and revocable, never readable
 * again, and much cheaper per call than HTTP Basic (a hash and a cached lookup instead of a bcrypt).
 */
class ApiTokenApiTest {

    private static final Logger log = LoggerFactory.getLogger(ApiTokenApiTest.class);

    private static final String EMAIL = "token-admin@example.test";
    private static final String PASSWORD = "token-test-passphrase-42";
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @TempDir
    static Path dataDir;

    private static MutableClock clock;
    private static RunningGatehouse gatehouse;

    @BeforeAll
    static void start() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        gatehouse = RunningGatehouse.start(dataDir, clock,
                "gatehouse.admin-email=" + EMAIL, "gatehouse.admin-password=" + PASSWORD);
    }

    @AfterAll
    static void stop() {
        gatehouse.close();
    }

    @Test
    void aTokenCreatedInTheDashboardIsShownOnceAndWorksOnTheApi() {
        DashboardSession dashboard = DashboardSession.signIn(gatehouse.browser(), EMAIL, PASSWORD);
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("name", "deploy from CI");
        form.add("scope", "read-write");
        form.add("expiresOn", "");
        dashboard.submit("/tokens/new", "/tokens", form)
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/tokens");

        String shown = dashboard.page("/tokens");
        Matcher secret = TokenSecrets.PATTERN.matcher(shown);
        assertThat(secret.find()).as("the new token on the page after creating it").isTrue();
        String token = secret.group();
        assertThat(dashboard.page("/tokens")).as("never shown again").doesNotContain(token)
                .doesNotContainPattern(TokenSecrets.PATTERN.pattern());

        AdminApi api = AdminApi.withToken(gatehouse.adminPort(), token);
        api.get("/api/v1/sites").expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().doesNotExist(HttpHeaders.SET_COOKIE);
        long backend = api.createBackend("made-with-a-token", "127.0.0.1:9");
        api.get("/api/v1/backends/" + backend).expectStatus().isOk();

        String row = row(dashboard.page("/tokens"), "deploy from CI");
        assertThat(row).contains("read-write", EMAIL, "ght_" + token.substring(4, 12) + "_…").doesNotContain(token);
        assertThat(row.split(Pattern.quote(MINUTE.format(clock.instant())), -1)).as("created and last used now").hasSize(3);
    }

    @Test
    void aReadOnlyTokenMayReadButNotChangeAnything() {
        AdminApi readOnly = AdminApi.withToken(gatehouse.adminPort(), create("monitoring", "read-only", "").secret());
        AdminApi admin = gatehouse.api(EMAIL, PASSWORD);
        String backends = admin.json("/api/v1/backends");
        long revision = admin.revision();

        readOnly.get("/api/v1/sites").expectStatus().isOk();
        readOnly.get("/api/v1/status").expectStatus().isOk();
        readOnly.client().head().uri("/api/v1/backends").exchange().expectStatus().isOk();
        readOnly.post("/api/v1/backends", "{\"name\":\"sneaky\",\"servers\":[{\"address\":\"127.0.0.1:9\"}]}")
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(403)
                .jsonPath("$.scope").isEqualTo("read-only")
                .jsonPath("$.detail").isEqualTo("this API token's scope is read-only: it may only read (GET, HEAD); "
                        + "use a read-write token to make changes");
        readOnly.delete("/api/v1/backends/1").expectStatus().isForbidden();
        readOnly.put("/api/v1/settings/default-site", "{\"action\":\"close\"}").expectStatus().isForbidden();

        assertThat(admin.json("/api/v1/backends")).as("nothing changed").isEqualTo(backends);
        assertThat(admin.revision()).isEqualTo(revision);
    }

    @Test
    void revokedExpiredUnknownAndMalformedTokensAreRefusedAlike() {
        NewToken revoked = create("to revoke", "read-write", "");
        AdminApi revokedApi = AdminApi.withToken(gatehouse.adminPort(), revoked.secret());
        revokedApi.get("/api/v1/sites").expectStatus().isOk();
        gatehouse.bean(TokenService.class).revoke(revoked.view().id(), EMAIL).block();
        Map<String, Object> revokedAnswer = refused(revokedApi);

        NewToken expiring = create("expiring", "read-only", LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString());
        AdminApi expiringApi = AdminApi.withToken(gatehouse.adminPort(), expiring.secret());
        expiringApi.get("/api/v1/sites").expectStatus().isOk();
        clock.advance(Duration.ofDays(1));
        Map<String, Object> expiredAnswer = refused(expiringApi);

        Map<String, Object> unknownAnswer = refused(AdminApi.withToken(gatehouse.adminPort(), TokenSecrets.generate().token()));
        Map<String, Object> malformedAnswer = refused(AdminApi.withToken(gatehouse.adminPort(), "ght_not-a-token"));
        Map<String, Object> emptyAnswer = refused(AdminApi.withToken(gatehouse.adminPort(), ""));

        assertThat(revokedAnswer).containsEntry("status", 401).containsEntry("title", "Unauthorized")
                .containsEntry("detail", InvalidBearerTokenException.MESSAGE);
        revokedAnswer.remove("instance");
        assertThat(Stream.of(expiredAnswer, unknownAnswer, malformedAnswer, emptyAnswer))
                .as("the same answer whatever the reason")
                .allSatisfy(answer -> {
                    answer.remove("instance");
                    assertThat(answer).isEqualTo(revokedAnswer);
                });
        assertThat(row(DashboardSession.signIn(gatehouse.browser(), EMAIL, PASSWORD).page("/tokens"), "to revoke"))
                .contains("revoked").doesNotContain("/revoke\"");
    }

    /**
     * The point of tokens for scripts: each Basic call pays a bcrypt (tens of ms), a token call a hash
     * and a cached lookup. Calls alternate so both see the same machine load; only a loose bound is
     * asserted, the numbers go to the test log.
     */
    @Test
    void aTokenCallCostsLessThanAnHttpBasicCall() {
        AdminApi bearer = AdminApi.withToken(gatehouse.adminPort(), create("timing", "read-only", "").secret());
        AdminApi basic = gatehouse.api(EMAIL, PASSWORD);
        for (int i = 0; i < 5; i++) {
            bearer.get("/api/v1/sites").expectStatus().isOk();
            basic.get("/api/v1/sites").expectStatus().isOk();
        }
        int calls = 30;
        long bearerNanos = 0;
        long basicNanos = 0;
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            bearer.get("/api/v1/sites").expectStatus().isOk();
            long middle = System.nanoTime();
            basic.get("/api/v1/sites").expectStatus().isOk();
            long end = System.nanoTime();
            bearerNanos += middle - start;
            basicNanos += end - middle;
        }
        double bearerMillis = bearerNanos / 1e6 / calls;
        double basicMillis = basicNanos / 1e6 / calls;
        log.info("GET /api/v1/sites, mean of {} calls each: API token {} ms, HTTP Basic {} ms", calls,
                String.format("%.2f", bearerMillis), String.format("%.2f", basicMillis));

        assertThat(bearerMillis).isLessThan(basicMillis);
    }

    @Test
    void noApiAnswerNoPageAndNoByteOfTheDatabaseHoldsATokenSecret(@TempDir Path ownDataDir) {
        List<NewToken> tokens = new ArrayList<>();
        StringBuilder answers = new StringBuilder();
        try (RunningGatehouse own = RunningGatehouse.start(ownDataDir,
                "gatehouse.admin-email=" + EMAIL, "gatehouse.admin-password=" + PASSWORD)) {
            TokenService service = own.bean(TokenService.class);
            tokens.add(service.create(new TokenCommand("leak-check-alpha", "read-write", ""), EMAIL).block());
            tokens.add(service.create(new TokenCommand("leak-check-beta", "read-only", LocalDate.now(ZoneOffset.UTC)
                    .plusDays(30).toString()), EMAIL).block());
            AdminApi alpha = AdminApi.withToken(own.adminPort(), tokens.get(0).secret());
            AdminApi beta = AdminApi.withToken(own.adminPort(), tokens.get(1).secret());
            AdminApi basic = own.api(EMAIL, PASSWORD);
            alpha.createBackend("leak-backend", "127.0.0.1:9");
            alpha.createSite("leak.example.test", "leak-backend");
            for (String path : List.of("/api/v1/sites", "/api/v1/backends", "/api/v1/status", "/api/v1/certificates",
                    "/api/v1/certificates/warnings", "/api/v1/settings/default-site", "/api/v1/backends/status",
                    "/api/v1/tokens", "/api/v1/nothing-here")) {
                for (AdminApi api : List.of(alpha, beta, basic)) {
                    answers.append(everything(api.get(path).expectBody().returnResult()));
                }
            }
            answers.append(everything(beta.post("/api/v1/backends", "{\"name\":\"x\",\"servers\":[]}").expectBody().returnResult()));
            service.revoke(tokens.get(1).view().id(), EMAIL).block();
            answers.append(everything(beta.get("/api/v1/sites").expectBody().returnResult()));
            answers.append(DashboardSession.signIn(own.browser(), EMAIL, PASSWORD).page("/tokens"));
        }
        String database = allFilesAsLatin1(ownDataDir);

        for (NewToken token : tokens) {
            String secretPart = token.secret().substring(13);
            assertThat(answers.toString()).as("API answers and pages").doesNotContain(token.secret()).doesNotContain(secretPart);
            assertThat(database).as("the data directory").doesNotContain(token.secret()).doesNotContain(secretPart)
                    .contains(TokenSecrets.hash(token.secret()));
        }
        assertThat(answers.toString()).doesNotContainPattern(TokenSecrets.PATTERN.pattern());
        assertThat(database).as("the grep sees stored text").contains("leak-check-alpha", "leak.example.test")
                .doesNotContainPattern(TokenSecrets.PATTERN.pattern());
    }

    private static NewToken create(String name, String scope, String expiresOn) {
        return gatehouse.bean(TokenService.class).create(new TokenCommand(name, scope, expiresOn), EMAIL).block();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> refused(AdminApi api) {
        return api.get("/api/v1/sites")
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"Gatehouse\", error=\"invalid_token\"")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private static String row(String html, String tokenName) {
        Matcher row = Pattern.compile("<tr\\b[^>]*\\bid=\"token-\\d+\"[^>]*>((?:(?!</tr>).)*?" + Pattern.quote(tokenName)
                + ".*?)</tr>", Pattern.DOTALL).matcher(html);
        assertThat(row.find()).as("a row for token '%s'", tokenName).isTrue();
        return row.group(1);
    }

    private static String everything(EntityExchangeResult<byte[]> answer) {
        byte[] body = answer.getResponseBody();
        return answer.getStatus() + " " + answer.getResponseHeaders() + "\n"
                + (body == null ? "" : new String(body, StandardCharsets.UTF_8)) + "\n";
    }

    private static String allFilesAsLatin1(Path directory) {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                text.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
