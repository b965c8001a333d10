package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.admin.certificate.bundle.TestPki;
import dev.gatehouse.admin.certificate.bundle.TestPki.Chain;
import dev.gatehouse.admin.certificate.bundle.TestPki.Credential;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.TlsTestClient;
import dev.gatehouse.storage.secret.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.BodyInserters;
import tools.jackson.databind.json.JsonMapper;

/**
 * Certificates through the REST API against the real application: real H2 file database, the real
 * engine's HTTPS listener, curl and JDK TLS clients. Certificates are generated here ({@link TestPki}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.bind-address=127.0.0.1",
    "gatehouse.admin-email=" + CertificateApiTest.EMAIL,
    "gatehouse.admin-password=" + CertificateApiTest.PASSWORD
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CertificateApiTest {

    static final String EMAIL = "cert-admin@example.test";
    static final String PASSWORD = "cert-test-passphrase-42";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TestPki PKI = TestPki.now();

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("gatehouse.data-dir", () -> dataDir.toString());
    }

    @LocalServerPort
    int adminPort;
    @Autowired
    ProxyEngine engine;
    @Autowired
    DataSource dataSource;

    private static final AtomicInteger unique = new AtomicInteger();
    private static TestOrigin origin;
    private AdminApi api;

    @BeforeAll
    static void startOrigin() {
        origin = TestOrigin.start("tls");
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    @BeforeEach
    void connect() {
        api = new AdminApi(adminPort, EMAIL, PASSWORD);
    }

    private static String unique(String prefix) {
        return prefix + "-" + unique.incrementAndGet();
    }

    private static String json(Map<String, ?> body) {
        return JSON.writeValueAsString(body);
    }

    private static Map<String, Object> pemUpload(String name, String chain, String key) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("certificate", chain);
        body.put("privateKey", key);
        return body;
    }

    @Test
    void aPemUploadAnswersMetadataOnlyAndServesHttpsForItsSite() throws Exception {
        String host = unique("shop") + ".example.test";
        Chain chain = PKI.chain(host);
        String name = unique("shop");
        // chain given out of order: the appliance reorders it
        String shuffled = TestPki.pem(chain.root().certificate(), chain.leaf().certificate(),
                chain.intermediate().certificate());
        String created = api.post("/api/v1/certificates", json(pemUpload(name, shuffled, chain.leaf().pkcs8Pem())))
                .expectStatus().isCreated()
                .expectHeader().valueMatches(HttpHeaders.LOCATION, "/api/v1/certificates/\\d+")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(created).doesNotContain("PRIVATE KEY").doesNotContain(body(chain.leaf().pkcs8Pem()));
        Map<String, Object> view = JSON.readValue(created, Map.class);
        assertThat(view).containsEntry("name", name).containsEntry("keyType", "RSA").containsEntry("keySize", 2048)
                .containsEntry("status", "VALID").containsEntry("subjectAlternativeNames", List.of(host));
        assertThat((List<?>) view.get("chain")).hasSize(3);
        assertThat((String) view.get("fingerprintSha256")).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        long id = AdminApi.id(view);

        api.get("/api/v1/certificates").expectStatus().isOk().expectBody()
                .jsonPath("$[?(@.name == '" + name + "')].subject").isEqualTo("CN=" + host);
        String listed = api.json("/api/v1/certificates/" + id);
        assertThat(listed).doesNotContain("PRIVATE KEY").doesNotContainIgnoringCase("privateKey");

        String backend = unique("tls");
        api.createBackend(backend, origin.address());
        Map<String, Object> site = api.create("/api/v1/sites", json(Map.of("hostnames", List.of(host),
                "backend", backend, "certificate", name, "forceHttps", true, "hsts", true)));
        assertThat(site).containsEntry("certificate", name).containsEntry("forceHttps", true)
                .containsEntry("hsts", true).containsEntry("hstsMaxAge", 31536000);

        int https = engine.httpsPort();
        Curl.Answer secure = Curl.run("https://" + host + ":" + https + "/over-tls", host, https,
                chain.root().certificatePem());
        assertThat(secure.exitCode()).as(secure.stderr()).isZero();
        assertThat(secure.status()).isEqualTo(200);
        assertThat(secure.body()).isEqualTo("origin tls host " + host + ":" + https + " path /over-tls");
        assertThat(secure.header("Strict-Transport-Security")).isEqualTo("max-age=31536000");

        int http = engine.httpPort();
        Curl.Answer plain = Curl.run("http://" + host + ":" + http + "/a/b?c=d", host, http, null);
        assertThat(plain.status()).isEqualTo(301);
        assertThat(plain.header("Location")).isEqualTo("https://" + host + ":" + https + "/a/b?c=d");
        assertThat(plain.header("Strict-Transport-Security")).as("never over plain HTTP").isNull();

        api.get("/api/v1/certificates/" + id).expectStatus().isOk().expectBody()
                .jsonPath("$.usedBy[0].site").isEqualTo(host)
                .jsonPath("$.usedBy[0].uncoveredHostnames").isEmpty();
    }

    @Test
    void multipartAndPkcs12UploadsWork() {
        String host = unique("p12") + ".example.test";
        Credential leaf = PKI.ecLeaf(host);
        byte[] p12 = TestPki.pkcs12(leaf.privateKey(), List.of(leaf.certificate()), "p12-secret");

        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("name", unique("p12"));
        form.part("pkcs12", new ByteArrayResource(p12) {
            @Override
            public String getFilename() {
                return "bundle.p12";
            }
        });
        form.part("pkcs12Password", "p12-secret");
        api.client().post().uri("/api/v1/certificates").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(form.build())).exchange()
                .expectStatus().isCreated().expectBody()
                .jsonPath("$.keyType").isEqualTo("EC")
                .jsonPath("$.subjectAlternativeNames[0]").isEqualTo(host);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", unique("p12json"));
        json.put("pkcs12", Base64.getEncoder().encodeToString(p12));
        json.put("pkcs12Password", "p12-secret");
        api.post("/api/v1/certificates", json(json)).expectStatus().isCreated();

        MultipartBodyBuilder pemForm = new MultipartBodyBuilder();
        pemForm.part("certificate", leaf.certificatePem());
        pemForm.part("privateKey", TestPki.encryptedPkcs8Pem(leaf.privateKey(), "key-secret"));
        pemForm.part("keyPassphrase", "key-secret");
        api.client().post().uri("/api/v1/certificates").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(pemForm.build())).exchange()
                .expectStatus().isCreated().expectBody()
                .jsonPath("$.name").isEqualTo(host);
    }

    @Test
    void everyBadUploadIsRefusedByFieldAndStoresNothing() {
        long revision = api.revision();
        String host = unique("bad") + ".example.test";
        Credential leaf = PKI.rsaLeaf(host);
        Credential other = PKI.rsaLeaf(host);
        byte[] p12 = TestPki.pkcs12(leaf.privateKey(), List.of(leaf.certificate()), "right");

        expectProblem(pemUpload("mismatch", leaf.certificatePem(), other.pkcs8Pem()), "privateKey", "does not belong");
        expectProblem(pemUpload("garbage", "hello, I am not a certificate", leaf.pkcs8Pem()), "certificate",
                "no PEM certificate");
        expectProblem(pemUpload("nokey", leaf.certificatePem(), null), "privateKey", "private key");
        Credential expired = PKI.expiredLeaf(host, 3);
        expectProblem(pemUpload("expired", expired.certificatePem(), expired.pkcs8Pem()), "certificate", "expired");
        Map<String, Object> encrypted = pemUpload("passphrase", leaf.certificatePem(),
                TestPki.encryptedPkcs8Pem(leaf.privateKey(), "right"));
        encrypted.put("keyPassphrase", "wrong");
        expectProblem(encrypted, "keyPassphrase", "wrong passphrase");
        Map<String, Object> badP12 = new LinkedHashMap<>(Map.of("name", "p12", "pkcs12",
                Base64.getEncoder().encodeToString(p12), "pkcs12Password", "wrong"));
        expectProblem(badP12, "pkcs12Password", "wrong password");
        expectProblem(pemUpload("bad name!", leaf.certificatePem(), leaf.pkcs8Pem()), "name", "name");
        String huge = leaf.certificatePem() + "x".repeat(1024 * 1024);
        expectProblem(pemUpload("huge", huge, leaf.pkcs8Pem()), "certificate", "1 MiB");

        api.client().post().uri("/api/v1/certificates").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":\"x\",\"certificate\":\"" + "a".repeat(5 * 1024 * 1024) + "\"}").exchange()
                .expectStatus().isEqualTo(413);

        assertThat(api.revision()).as("no rejected upload is a revision").isEqualTo(revision);
        assertThat(api.list("/api/v1/certificates")).noneMatch(c -> List.of("mismatch", "garbage", "nokey",
                "expired", "passphrase", "p12", "huge").contains(c.get("name")));
    }

    private void expectProblem(Map<String, Object> body, String field, String fragment) {
        api.post("/api/v1/certificates", json(body))
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo(field)
                .jsonPath("$.errors[0].message").value(message -> assertThat((String) message).contains(fragment));
    }

    @Test
    void aSiteCannotTakeACertificateThatMissesOneOfItsHostnames() {
        String host = unique("cover") + ".example.test";
        Credential leaf = PKI.rsaLeaf(host);
        String name = unique("cover");
        api.create("/api/v1/certificates", json(pemUpload(name, leaf.certificatePem(), leaf.pkcs8Pem())));
        String backend = unique("cover");
        api.createBackend(backend, origin.address());
        long revision = api.revision();

        api.post("/api/v1/sites", json(Map.of("hostnames", List.of(host, "www." + host), "backend", backend,
                        "certificate", name)))
                .expectStatus().isBadRequest().expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("certificate")
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m)
                        .contains("does not cover hostname 'www." + host + "'"));
        api.post("/api/v1/sites", json(Map.of("hostnames", List.of(host), "backend", backend,
                        "certificate", "no-such-certificate")))
                .expectStatus().isBadRequest().expectBody()
                .jsonPath("$.errors[0].message").isEqualTo("no certificate named 'no-such-certificate'");
        api.post("/api/v1/sites", json(Map.of("hostnames", List.of(host), "backend", backend, "forceHttps", true)))
                .expectStatus().isBadRequest().expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("forceHttps");
        assertThat(api.revision()).isEqualTo(revision);
    }

    @Test
    void replacingACertificateChangesNewHandshakesAtOnce() throws Exception {
        String host = unique("renew") + ".example.test";
        Credential first = PKI.rsaLeaf(host);
        String name = unique("renew");
        long id = AdminApi.id(api.create("/api/v1/certificates",
                json(pemUpload(name, first.certificatePem(), first.pkcs8Pem()))));
        String backend = unique("renew");
        api.createBackend(backend, origin.address());
        api.create("/api/v1/sites", json(Map.of("hostnames", List.of(host), "backend", backend, "certificate", name)));
        int https = engine.httpsPort();
        assertThat(TlsTestClient.presentedCertificate(https, host).getSerialNumber())
                .isEqualTo(first.certificate().getSerialNumber());

        Credential renewed = PKI.rsaLeaf(host);
        api.put("/api/v1/certificates/" + id, json(pemUpload(null, renewed.certificatePem(), renewed.pkcs8Pem())))
                .expectStatus().isOk().expectBody().jsonPath("$.name").isEqualTo(name);
        assertThat(TlsTestClient.presentedCertificate(https, host).getSerialNumber())
                .isEqualTo(renewed.certificate().getSerialNumber());

        Credential elsewhere = PKI.rsaLeaf("other-" + host);
        api.put("/api/v1/certificates/" + id, json(pemUpload(null, elsewhere.certificatePem(), elsewhere.pkcs8Pem())))
                .expectStatus().isBadRequest().expectBody()
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m).contains("does not cover '" + host));
        assertThat(TlsTestClient.presentedCertificate(https, host).getSerialNumber())
                .as("a refused replacement changes nothing").isEqualTo(renewed.certificate().getSerialNumber());
    }

    @Test
    void aCertificateExpiringWithinThirtyDaysIsAWarning() {
        String host = unique("soon") + ".example.test";
        java.time.Instant now = PKI.instant();
        Credential soon = PKI.leaf(host).validity(now.minus(java.time.Duration.ofDays(80)),
                now.plus(java.time.Duration.ofDays(10)).plus(java.time.Duration.ofHours(1))).issue();
        String name = unique("soon");
        long id = AdminApi.id(api.create("/api/v1/certificates", json(pemUpload(name, soon.certificatePem(),
                soon.pkcs8Pem()))));

        api.get("/api/v1/certificates/" + id).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("EXPIRING_SOON")
                .jsonPath("$.daysLeft").isEqualTo(10);
        api.get("/api/v1/certificates/warnings").expectStatus().isOk().expectBody()
                .jsonPath("$[?(@.certificateId == " + id + ")].kind").isEqualTo("EXPIRING_SOON")
                .jsonPath("$[?(@.certificateId == " + id + ")].message")
                .isEqualTo("Certificate '" + name + "' expires in 10 day(s) ("
                        + java.time.LocalDate.ofInstant(now.plus(java.time.Duration.ofDays(10)).plus(java.time.Duration.ofHours(1)),
                                java.time.ZoneOffset.UTC) + ").");
    }

    @Test
    void unknownNamesGetTheDefaultCertificateAndTheDefaultSite() throws Exception {
        int https = engine.httpsPort();
        var unknown = TlsTestClient.presentedCertificate(https, "nobody-" + unique("x") + ".example.test");
        var none = TlsTestClient.presentedCertificate(https, null);
        assertThat(unknown.getSubjectX500Principal().getName()).isEqualTo("CN=gatehouse.invalid");
        assertThat(none).isEqualTo(unknown);
        Curl.Answer answer = Curl.run("https://nobody.example.test:" + https + "/",
                "nobody.example.test", https, null, "--insecure");
        assertThat(answer.status()).isEqualTo(404);
    }

    @Test
    void aCertificateInUseCannotBeDeletedAndTheChainDownloadHasNoKey() {
        String host = unique("del") + ".example.test";
        Credential leaf = PKI.ecLeaf(host);
        String name = unique("del");
        long id = AdminApi.id(api.create("/api/v1/certificates", json(pemUpload(name, leaf.certificatePem(),
                leaf.pkcs8Pem()))));
        String backend = unique("del");
        api.createBackend(backend, origin.address());
        long site = AdminApi.id(api.create("/api/v1/sites", json(Map.of("hostnames", List.of(host), "backend",
                backend, "certificate", name))));

        String chain = api.get("/api/v1/certificates/" + id + "/chain").expectStatus().isOk()
                .expectHeader().valueMatches(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name
                        + ".chain.pem\"")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(chain).contains("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE KEY");

        api.delete("/api/v1/certificates/" + id).expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.detail").value(m -> assertThat((String) m).contains("is used by site(s) " + host));
        api.put("/api/v1/sites/" + site, json(Map.of("hostnames", List.of(host), "backend", backend)))
                .expectStatus().isOk().expectBody().jsonPath("$.certificate").doesNotExist();
        api.delete("/api/v1/certificates/" + id).expectStatus().isNoContent();
        api.get("/api/v1/certificates/" + id).expectStatus().isNotFound();
    }

    @Test
    void theDatabaseHoldsNoPrivateKeyTextAndTheMasterKeyFileIsPrivate() throws Exception {
        String host = unique("dump") + ".example.test";
        Credential leaf = PKI.rsaLeaf(host);
        api.create("/api/v1/certificates", json(pemUpload(unique("dump"), leaf.certificatePem(), leaf.pkcs8Pem())));

        StringBuilder dump = new StringBuilder();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SCRIPT")) {
            while (rows.next()) {
                dump.append(rows.getString(1)).append('\n');
            }
        }
        assertThat(dump).contains("CREATE CACHED TABLE \"PUBLIC\".\"CERTIFICATE\"", "BEGIN CERTIFICATE");
        assertThat(dump.toString()).doesNotContain("PRIVATE KEY").doesNotContain(body(leaf.pkcs8Pem()).substring(0, 40));

        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        }
        boolean chainOnDisk = false;
        try (var files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String raw = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(raw).as("raw bytes of %s", file.getFileName()).doesNotContain("PRIVATE KEY")
                        .doesNotContain(body(leaf.pkcs8Pem()).substring(0, 40));
                chainOnDisk |= raw.contains("BEGIN CERTIFICATE");
            }
        }
        assertThat(chainOnDisk).as("the files are searchable as text: the chain is found in them").isTrue();

        Path masterKey = dataDir.resolve(MasterKey.FILE_NAME);
        assertThat(masterKey).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(masterKey))).isEqualTo("rw-------");
    }

    /** The base64 body of a PEM block: what must not leak even without its armour lines. */
    private static String body(String pem) {
        return pem.lines().filter(line -> !line.startsWith("-----")).reduce("", String::concat);
    }
}
