package dev.gatehouse.engine;

import dev.gatehouse.engine.EngineSettings.TlsProvider;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.tls.TestCertificates;
import dev.gatehouse.engine.tls.TestCertificates.Issued;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.gatehouse.engine.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 switched off per site: on one HTTPS listener, ALPN offers {@code h2} to the host names of a
 * site with HTTP/2 on and only {@code http/1.1} to those of a site with it off, with real clients
 * (curl, openssl s_client) and both TLS providers. Switching it is an apply like any other: new
 * connections get the new choice, and an unrelated apply keeps the contexts (and so resumes sessions).
 */
class Http2PerSiteTest {

    @TempDir
    Path tmp;

    private TestOrigin origin;
    private TestOrigin other;
    private ProxyEngine engine;
    private long revision;

    private void start(TlsProvider provider) {
        assertTrue(Tools.available(Tools.CURL) && Tools.available(Tools.OPENSSL),
                "needs /usr/bin/curl and /usr/bin/openssl (apt-get install curl openssl; .ci/run installs them)");
        origin = TestOrigin.start("a");
        other = TestOrigin.start("other");
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).httpsPort(0).eventLoopThreads(2)
                .tlsProvider(provider).defaultCertificate(TestCertificates.selfSigned("gatehouse.invalid").definition("default")));
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        if (origin != null) {
            origin.close();
        }
        if (other != null) {
            other.close();
        }
    }

    /**
     * {@code h2.test} and {@code h1.test} share certificate "c"; {@code plain.test} has no certificate
     * (the default one is served) and HTTP/2 as {@code plainHttp2} says.
     */
    private void apply(Issued certificate, BackendDefinition backend, boolean h2Http2, boolean h1Http2, boolean plainHttp2) {
        List<RouteDefinition> routes = List.of(new RouteDefinition("/", backend.name()));
        List<SiteDefinition> sites = List.of(
                new SiteDefinition("1", List.of("h2.test"), true, routes, "c", false, null).withHttp2(h2Http2),
                new SiteDefinition("2", List.of("h1.test"), true, routes, "c", false, null).withHttp2(h1Http2),
                new SiteDefinition("3", List.of("plain.test"), true, routes).withHttp2(plainHttp2));
        ApplyResult result = engine.apply(new ConfigSnapshot(++revision, List.of(backend), sites,
                List.of(certificate.definition("c"))));
        assertThat(result.outcome()).as(result.errors().toString()).isEqualTo(ApplyResult.Outcome.APPLIED);
    }

    /** What curl offering h2 and http/1.1 ended up speaking: "2" or "1.1". */
    private String httpVersion(String host) {
        int port = engine.httpsPort();
        Tools.Result curl = Tools.run(List.of(Tools.CURL, "--http2", "-sk", "--max-time", "20", "-o", "/dev/null",
                "--resolve", host + ":" + port + ":127.0.0.1", "-w", "%{http_version}", "https://" + host + ":" + port + "/v"));
        assertThat(curl.exitCode()).as(curl.all()).isZero();
        return curl.stdout();
    }

    /** What openssl s_client offering h2 and http/1.1 was told by ALPN, e.g. "ALPN protocol: h2". */
    private String alpn(String host, String... extra) {
        List<String> command = new ArrayList<>(List.of(Tools.OPENSSL, "s_client", "-connect", "127.0.0.1:" + engine.httpsPort(),
                "-servername", host, "-alpn", "h2,http/1.1"));
        command.addAll(List.of(extra));
        Tools.Result result = Tools.run(command);
        assertThat(result.exitCode()).as(result.all()).isZero();
        return result.stdout();
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void alpnOffersHttp2OnlyToSitesThatHaveItOnAndAnApplySwitchesItForNewConnections(TlsProvider provider) {
        start(provider);
        Issued certificate = TestCertificates.selfSigned("h2.test", "h1.test");
        BackendDefinition backend = backend("a", origin);
        apply(certificate, backend, true, false, false);

        assertThat(httpVersion("h2.test")).isEqualTo("2");
        assertThat(httpVersion("h1.test")).isEqualTo("1.1");
        assertThat(httpVersion("plain.test")).as("the default certificate, HTTP/1.1 only").isEqualTo("1.1");
        assertThat(alpn("h2.test")).contains("ALPN protocol: h2");
        assertThat(alpn("h1.test")).contains("ALPN protocol: http/1.1");
        assertThat(alpn("unknown.test")).as("a name no site owns: the default, both offered").contains("ALPN protocol: h2");
        assertThat(origin.seen).as("the requests reached the backend").hasSizeGreaterThanOrEqualTo(3);

        apply(certificate, backend, false, true, true);

        assertThat(httpVersion("h2.test")).isEqualTo("1.1");
        assertThat(httpVersion("h1.test")).isEqualTo("2");
        assertThat(httpVersion("plain.test")).isEqualTo("2");

        // h2c with prior knowledge on the HTTP port: the host is unknown at the preface, so every site takes it.
        Tools.Result cleartext = Tools.run(List.of(Tools.CURL, "--http2-prior-knowledge", "-sS", "--max-time", "20",
                "-o", "/dev/null", "-w", "%{http_version}", "--resolve", "h2.test:" + engine.httpPort() + ":127.0.0.1",
                "http://h2.test:" + engine.httpPort() + "/c"));
        assertThat(cleartext.exitCode()).as(cleartext.all()).isZero();
        assertThat(cleartext.stdout()).isEqualTo("2");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void anUnrelatedApplyKeepsTheHttp11ContextSoSessionsResume(TlsProvider provider) {
        start(provider);
        Issued certificate = TestCertificates.selfSigned("h2.test", "h1.test");
        apply(certificate, backend("a", origin), true, false, true);
        SslContext h1 = engine.liveCertificates().select("h1.test");
        SslContext h2 = engine.liveCertificates().select("h2.test");
        assertThat(h1).isNotSameAs(h2);
        Path session = tmp.resolve("session.pem");
        assertThat(alpn("h1.test", "-tls1_2", "-sess_out", session.toString()))
                .contains("New, TLSv1.2", "ALPN protocol: http/1.1");

        // An unrelated change: the sites move to another backend.
        apply(certificate, backend("other", other), true, false, true);

        assertThat(engine.liveCertificates().select("h1.test")).isSameAs(h1);
        assertThat(engine.liveCertificates().select("h2.test")).isSameAs(h2);
        assertThat(alpn("h1.test", "-tls1_2", "-sess_in", session.toString())).contains("Reused, TLSv1.2");
        assertThat(httpVersion("h1.test")).isEqualTo("1.1");
        assertThat(other.seen).as("the new backend serves").isNotEmpty();
    }
}
