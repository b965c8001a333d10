package dev.gatehouse.admin.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.tls.TestCertificates;
import dev.gatehouse.storage.revision.ConfigRevision;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * https servers and connection limits through {@code /api/v1/backends}, against the real application
 * (H2 file database, the real engine, real origins, one of them an HTTPS origin with a self-signed
 * certificate): what is sent is stored, read back with every default filled in and published as the
 * engine's records; bad input is a 400 naming the field that stores nothing; and the stored settings
 * decide live traffic (certificate check, SNI name, the per-server limit).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gatehouse.http-port=0",
    "gatehouse.https-port=0",
    "gatehouse.admin-email=" + BackendTlsAndLimitsApiTest.EMAIL,
    "gatehouse.admin-password=" + BackendTlsAndLimitsApiTest.PASSWORD
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BackendTlsAndLimitsApiTest {

    static final String EMAIL = "tls-admin@example.test";
    static final String PASSWORD = "tls-limits-test-passphrase-3";

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
    ConfigRevisionRepository revisions;

    private static final AtomicInteger unique = new AtomicInteger();
    private static TlsOrigin tlsOrigin;
    private static TestOrigin plainOrigin;

    private AdminApi api;

    @BeforeAll
    static void startOrigins() {
        tlsOrigin = TlsOrigin.start("app.internal");
        plainOrigin = TestOrigin.start("plain");
    }

    @AfterAll
    static void stopOrigins() {
        tlsOrigin.close();
        plainOrigin.close();
    }

    @BeforeEach
    void connect() {
        api = new AdminApi(adminPort, EMAIL, PASSWORD);
    }

    private static String name(String prefix) {
        return prefix + "-" + unique.incrementAndGet();
    }

    @Test
    void httpsServersAndLimitsAreStoredReadBackAndPublishedToTheEngine() {
        String name = name("tls");
        String body = """
                {"name":"%s","idleTimeoutMs":45000,"maxConnectionsPerServer":8,"queueSize":3,"queueTimeoutMs":750,
                 "servers":[{"address":"%s","scheme":"https","verifyTls":false,"tlsServerName":"app.internal"},
                            "https://127.0.0.1:9443/",
                            {"address":"HTTPS://Localhost","verifyTls":true},
                            {"address":"%s","scheme":"http"}]}"""
                .formatted(name, tlsOrigin.address(), plainOrigin.address());
        long before = api.revision();

        Map<String, Object> created = api.create("/api/v1/backends", body);
        Map<String, Object> read = json("/api/v1/backends/" + AdminApi.id(created));

        for (Map<String, Object> backend : List.of(created, read)) {
            assertThat(backend).containsEntry("idleTimeoutMs", 45000)
                    .containsEntry("maxConnectionsPerServer", 8)
                    .containsEntry("queueSize", 3)
                    .containsEntry("queueTimeoutMs", 750)
                    .containsEntry("servers", List.of(
                            server(tlsOrigin.address(), "https", false, "app.internal"),
                            server("127.0.0.1:9443", "https", true, null),
                            server("Localhost:443", "https", true, null),
                            server(plainOrigin.address(), "http", true, null)));
        }
        assertThat(api.revision()).isEqualTo(before + 1);
        assertThat(published(name)).isEqualTo(new BackendDefinition(name,
                List.of(ServerDefinition.parse(tlsOrigin.address()).withTls(false, "app.internal"),
                        ServerDefinition.parse("127.0.0.1:9443").withTls(true, null),
                        ServerDefinition.parse("Localhost:443").withTls(true, null),
                        ServerDefinition.parse(plainOrigin.address())),
                null, null, null, null, null, BackendDefinition.DEFAULT_MAX_RETRIES,
                new ConnectionPoolDefinition(Duration.ofSeconds(45), 8, 3, Duration.ofMillis(750))));
    }

    @Test
    void aBackendWithoutTheNewFieldsGetsPlainHttpAndTheEngineDefaults() {
        String name = name("plain");
        long id = api.createBackend(name, plainOrigin.address());

        Map<String, Object> read = json("/api/v1/backends/" + id);

        assertThat(read).containsEntry("idleTimeoutMs", 30000)
                .containsEntry("maxConnectionsPerServer", 0)
                .containsEntry("queueSize", 100)
                .containsEntry("queueTimeoutMs", 10000)
                .containsEntry("servers", List.of(server(plainOrigin.address(), "http", true, null)));
        assertThat(published(name).pool()).isEqualTo(ConnectionPoolDefinition.DEFAULT);
        assertThat(published(name).servers()).containsExactly(ServerDefinition.parse(plainOrigin.address()));
    }

    @Test
    void putOfTheOldShapeTurnsAnHttpsServerBackIntoPlainHttpWithoutLimits() {
        String name = name("back");
        long id = AdminApi.id(api.create("/api/v1/backends", """
                {"name":"%s","maxConnectionsPerServer":2,"idleTimeoutMs":5000,
                 "servers":[{"address":"https://%s","verifyTls":false,"tlsServerName":"app.internal"}]}"""
                .formatted(name, tlsOrigin.address())));

        api.put("/api/v1/backends/" + id, "{\"name\":\"" + name + "\",\"servers\":[\"" + tlsOrigin.address() + "\"]}")
                .expectStatus().isOk();

        assertThat(json("/api/v1/backends/" + id)).containsEntry("maxConnectionsPerServer", 0)
                .containsEntry("idleTimeoutMs", 30000)
                .containsEntry("servers", List.of(server(tlsOrigin.address(), "http", true, null)));
        assertThat(published(name)).isEqualTo(new BackendDefinition(name, List.of(ServerDefinition.parse(tlsOrigin.address()))));
    }

    @Test
    void anHttpsServerIsDrainedByItsAddressWrittenEitherWay() {
        String name = name("drain");
        long id = AdminApi.id(api.create("/api/v1/backends", """
                {"name":"%s","servers":["https://%s",{"address":"%s"}]}"""
                .formatted(name, tlsOrigin.address(), plainOrigin.address())));

        api.post("/api/v1/backends/" + id + "/servers/drain", "{\"address\":\"https://" + tlsOrigin.address() + "/\"}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.servers[0].drained").isEqualTo(true)
                .jsonPath("$.servers[0].scheme").isEqualTo("https")
                .jsonPath("$.servers[0].verifyTls").isEqualTo(true);
        api.post("/api/v1/backends/" + id + "/servers/undrain", "{\"address\":\"" + tlsOrigin.address() + "\"}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.servers[0].drained").isEqualTo(false);

        assertThat(published(name).servers().get(0)).isEqualTo(ServerDefinition.parse(tlsOrigin.address()).withTls(true, null));
    }

    /** One row per bad body: the problem's field and (part of) its message. */
    static Stream<Arguments> badBackends() {
        String sixtyFiveServers = IntStream.rangeClosed(1, 65).mapToObj(i -> "\"10.0.1." + i + ":80\"")
                .collect(Collectors.joining(",", "\"servers\":[", "]"));
        return Stream.of(
                bad("unknown scheme", "\"servers\":[{\"address\":\"10.0.0.1:80\",\"scheme\":\"ftp\"}]",
                        "servers[0].scheme", "servers[0].scheme must be http or https, was 'ftp'"),
                bad("scheme of another kind in the address", "\"servers\":[\"ws://10.0.0.1:80\"]",
                        "servers[0]", "servers[0] 'ws://10.0.0.1:80' has scheme 'ws'; only http:// and https:// are allowed"),
                bad("a path in the address", "\"servers\":[\"https://10.0.0.1:8443/api\"]", "servers[0]",
                        "servers[0] 'https://10.0.0.1:8443/api' has a path or query ('/api')"),
                bad("scheme against the address", "\"servers\":[{\"address\":\"https://10.0.0.1\",\"scheme\":\"http\"}]",
                        "servers[0].scheme", "servers[0].scheme 'http' contradicts the address 'https://10.0.0.1'"),
                bad("TLS name on plain http", "\"servers\":[{\"address\":\"10.0.0.1:80\",\"tlsServerName\":\"app.internal\"}]",
                        "servers[0].tlsServerName", "servers[0].tlsServerName 'app.internal' only applies to https servers"),
                bad("no verification on plain http", "\"servers\":[{\"address\":\"10.0.0.1:80\",\"verifyTls\":false}]",
                        "servers[0].verifyTls", "certificate verification only applies to https servers"),
                bad("TLS name that is not a DNS name",
                        "\"servers\":[{\"address\":\"10.0.0.1:443\",\"scheme\":\"https\",\"tlsServerName\":\"app_1.internal\"}]",
                        "servers[0].tlsServerName", "servers[0].tlsServerName 'app_1.internal' is not a DNS name"),
                bad("verifyTls that is not a boolean",
                        "\"servers\":[{\"address\":\"10.0.0.1:443\",\"scheme\":\"https\",\"verifyTls\":\"sometimes\"}]",
                        "servers[0].verifyTls", "field 'servers[0].verifyTls' must be true or false"),
                bad("65 servers", sixtyFiveServers, "servers", "at most 64 servers"),
                bad("idle timeout 500 ms", "\"idleTimeoutMs\":500", "idleTimeoutMs",
                        "idleTimeoutMs must be between 1 s and 1 h, was 500 ms"),
                bad("negative connection limit", "\"maxConnectionsPerServer\":-1", "maxConnectionsPerServer",
                        "maxConnectionsPerServer must be between 0 (no limit) and 100000, was -1"),
                bad("queue of 100001", "\"queueSize\":100001", "queueSize", "queueSize must be between 0 and 100000, was 100001"),
                bad("queue timeout 6 min", "\"queueTimeoutMs\":360000", "queueTimeoutMs",
                        "queueTimeoutMs must be between 100 ms and 5 min, was 6 min"),
                bad("pool settings nested as the engine has them", "\"pool\":{\"queueSize\":5}", "pool",
                        "unknown field 'pool'"));
    }

    private static Arguments bad(String title, String fields, String field, String message) {
        return Arguments.of(title, fields, field, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBackends")
    void badInputIsA400NamingTheFieldAndStoresNothing(String title, String fields, String field, String message) {
        String name = name("bad");
        String body = "{\"name\":\"" + name + "\"," + (fields.startsWith("\"servers\"") ? fields
                : fields + ",\"servers\":[\"" + plainOrigin.address() + "\"]") + "}";
        api.expectRejected("/api/v1/backends", body, field, message);
    }

    @Test
    void aRejectedReplacementLeavesAnHttpsServerAsItWas() {
        String name = name("kept");
        long id = AdminApi.id(api.create("/api/v1/backends", """
                {"name":"%s","queueSize":7,"servers":[{"address":"https://%s","verifyTls":false}]}"""
                .formatted(name, tlsOrigin.address())));
        String before = api.json("/api/v1/backends/" + id);
        long revision = api.revision();

        api.put("/api/v1/backends/" + id, """
                {"name":"%s","queueSize":7,"servers":[{"address":"%s","verifyTls":false}]}"""
                .formatted(name, tlsOrigin.address()))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("servers[0].verifyTls");

        assertThat(api.json("/api/v1/backends/" + id)).isEqualTo(before);
        assertThat(api.revision()).isEqualTo(revision);
    }

    @Test
    void anHttpsServerIsReachedOverTlsWithTheStoredNameAndCertificateCheck() {
        String name = name("live");
        long id = AdminApi.id(api.create("/api/v1/backends", """
                {"name":"%s","servers":[{"address":"https://%s","verifyTls":false,"tlsServerName":"app.internal"}]}"""
                .formatted(name, tlsOrigin.address())));
        String host = name + ".example.test";
        api.createSite(host, name);
        int proxyPort = api.proxyPort();

        ProxyClient.Answer answer = ProxyClient.get(proxyPort, host, "/hello");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("tls origin path /hello");
        assertThat(tlsOrigin.serverNames()).as("the stored TLS name is sent as SNI").contains("app.internal");

        // The origin's certificate is self-signed: with the check on, the engine must refuse it.
        api.put("/api/v1/backends/" + id, """
                {"name":"%s","servers":[{"address":"https://%s","tlsServerName":"app.internal"}]}"""
                .formatted(name, tlsOrigin.address())).expectStatus().isOk();
        int served = tlsOrigin.requestCount();
        assertThat(ProxyClient.get(proxyPort, host, "/hello").status()).isEqualTo(502);
        assertThat(tlsOrigin.requestCount()).as("no request reaches an unverified server").isEqualTo(served);

        // Plain HTTP to a TLS port gets no answer it can read.
        api.put("/api/v1/backends/" + id, "{\"name\":\"" + name + "\",\"servers\":[\"" + tlsOrigin.address() + "\"]}")
                .expectStatus().isOk();
        assertThat(ProxyClient.get(proxyPort, host, "/hello").status()).isEqualTo(502);
    }

    @Test
    void theConnectionLimitAnswersA503OnceTheQueueIsFull() throws Exception {
        try (SlowOrigin slow = SlowOrigin.start()) {
            String name = name("limited");
            api.create("/api/v1/backends", """
                    {"name":"%s","maxConnectionsPerServer":1,"queueSize":0,"maxRetries":0,"servers":["%s"]}"""
                    .formatted(name, slow.address()));
            String host = name + ".example.test";
            api.createSite(host, name);
            int proxyPort = api.proxyPort();

            CompletableFuture<ProxyClient.Answer> first = CompletableFuture.supplyAsync(
                    () -> ProxyClient.get(proxyPort, host, "/first"));
            assertThat(slow.awaitRequests(1)).as("the first request reached the origin").isTrue();

            ProxyClient.Answer second = ProxyClient.get(proxyPort, host, "/second");
            slow.release();

            assertThat(second.status()).as("over the limit with no room to wait").isEqualTo(503);
            assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(slow.requests()).isEqualTo(1);
        }
    }

    /** A server as answers show it. */
    private static Map<String, Object> server(String address, String scheme, boolean verifyTls, String tlsServerName) {
        Map<String, Object> server = new HashMap<>();
        server.put("address", address);
        server.put("scheme", scheme);
        server.put("weight", 1);
        server.put("backup", false);
        server.put("drained", false);
        server.put("verifyTls", verifyTls);
        server.put("tlsServerName", tlsServerName);
        return server;
    }

    /** The backend as the newest stored revision (the one the engine runs) has it. */
    private BackendDefinition published(String name) {
        ConfigRevision latest = revisions.latest().orElseThrow();
        assertThat(engine.status().liveRevision()).isEqualTo(latest.number());
        return SnapshotJson.read(latest.number(), latest.snapshotJson()).backends().stream()
                .filter(backend -> backend.name().equals(name)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(String path) {
        return api.get(path).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    /**
     * An HTTPS origin on an ephemeral loopback port with a self-signed certificate for one name. It
     * records the SNI names clients send, and answers {@code tls origin path <path>}.
     */
    private static final class TlsOrigin implements AutoCloseable {

        private final HttpsServer server;
        private final ExecutorService executor = Executors.newFixedThreadPool(2);
        private final List<String> serverNames = new CopyOnWriteArrayList<>();
        private final AtomicInteger requests = new AtomicInteger();

        private TlsOrigin(String certificateName) {
            try {
                server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                SSLContext context = sslContext(TestCertificates.selfSigned(certificateName));
                server.setHttpsConfigurator(new HttpsConfigurator(context) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters parameters = context.getDefaultSSLParameters();
                        parameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                            @Override
                            public boolean matches(SNIServerName name) {
                                serverNames.add(((SNIHostName) name).getAsciiName());
                                return true;
                            }
                        }));
                        params.setSSLParameters(parameters);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                requests.incrementAndGet();
                byte[] body = ("tls origin path " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.setExecutor(executor);
            server.start();
        }

        static TlsOrigin start(String certificateName) {
            return new TlsOrigin(certificateName);
        }

        private static SSLContext sslContext(TestCertificates.Issued issued) {
            try {
                char[] password = "origin".toCharArray();
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("origin", issued.keyPair().getPrivate(), password,
                        issued.chain().toArray(new Certificate[0]));
                KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                managers.init(keys, password);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(managers.getKeyManagers(), null, null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot set up the test origin's TLS", e);
            }
        }

        String address() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        List<String> serverNames() {
            return List.copyOf(serverNames);
        }

        int requestCount() {
            return requests.get();
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /** A plain origin that holds every answer until released, so requests stay in flight. */
    private static final class SlowOrigin implements AutoCloseable {

        private final HttpServer server;
        private final ExecutorService executor = Executors.newFixedThreadPool(4);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger requests = new AtomicInteger();

        private SlowOrigin() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                requests.incrementAndGet();
                try {
                    released.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] body = "slow".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.setExecutor(executor);
            server.start();
        }

        static SlowOrigin start() {
            return new SlowOrigin();
        }

        String address() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        boolean awaitRequests(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (requests.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return requests.get() >= count;
        }

        int requests() {
            return requests.get();
        }

        void release() {
            released.countDown();
        }

        @Override
        public void close() {
            released.countDown();
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
