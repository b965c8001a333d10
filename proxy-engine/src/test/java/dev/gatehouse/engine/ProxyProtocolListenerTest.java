package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ListenerPolicy;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.tls.TestCertificates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.gatehouse.engine.Snapshots.backend;
import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PROXY protocol from a trusted load balancer in front: its header (v1 text, v2 binary) names the
 * client for X-Forwarded-For, over HTTP/1.1, h2c and TLS; without a header a trusted balancer is
 * served as itself; from anyone else a header is a bad request that reaches no backend.
 */
class ProxyProtocolListenerTest {

    private static TestOrigin origin;
    private static ProxyEngine engine;
    private static long revision;
    private static List<BackendDefinition> backends;
    private static List<SiteDefinition> sites;

    @BeforeAll
    static void start() {
        origin = TestOrigin.start("a");
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).httpsPort(0).eventLoopThreads(2)
                .defaultCertificate(TestCertificates.selfSigned("a.test").definition("default")));
        backends = List.of(backend("a", origin));
        sites = List.of(site("1", "a.test", "a"));
        trust("127.0.0.1");
    }

    @AfterAll
    static void stop() {
        engine.close();
        origin.close();
    }

    private static ApplyResult trust(String... sources) {
        ConfigSnapshot snapshot = new ConfigSnapshot(++revision, backends, sites)
                .withListeners(new ListenerPolicy(List.of(sources)));
        return engine.apply(snapshot);
    }

    /** Sends {@code prefix} and then one request on a new connection; the response's head and body. */
    private static String exchange(byte[] prefix, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), engine.httpPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(prefix);
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readAll(socket.getInputStream());
        }
    }

    /** Everything until the server closes; a reset (it closed with our request unread) counts as the end. */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (SocketException reset) {
            // closed by the server before reading all we sent
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private static final String GET = "GET /pp HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n";

    private static byte[] v2(HAProxyCommand command, HAProxyProxiedProtocol protocol, String source, String destination) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        boolean addressed = protocol != HAProxyProxiedProtocol.UNKNOWN;
        encoder.writeOutbound(new HAProxyMessage(HAProxyProtocolVersion.V2, command, protocol, source, destination,
                addressed ? 40000 : 0, addressed ? 443 : 0));
        ByteBuf encoded = encoder.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(encoded);
        encoded.release();
        return bytes;
    }

    @Test
    void aV1HeaderFromATrustedBalancerNamesTheClient() throws IOException {
        String answer = exchange("PROXY TCP4 203.0.113.7 192.0.2.1 56324 80\r\n".getBytes(StandardCharsets.US_ASCII), GET);
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(origin.lastSeen().headers().get("x-forwarded-for")).isEqualTo("203.0.113.7");
    }

    @Test
    void aV2HeaderNamesAnIpv6Client() throws IOException {
        String answer = exchange(v2(HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP6, "2001:db8::7", "2001:db8::1"), GET);
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(origin.lastSeen().headers().get("x-forwarded-for")).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void aLocalV2HeaderAndNoHeaderAtAllLeaveTheBalancersOwnAddress() throws IOException {
        assertThat(exchange(v2(HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN, null, null), GET)).startsWith("HTTP/1.1 200");
        assertThat(origin.lastSeen().headers().get("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(exchange(new byte[0], GET)).startsWith("HTTP/1.1 200");
        assertThat(origin.lastSeen().headers().get("x-forwarded-for")).isEqualTo("127.0.0.1");
    }

    @Test
    void curlsHaproxyProtocolOverH2cAndTls() {
        // curl sends its own address in the header: what matters is that HTTP/2 and TLS start after it.
        Tools.Result h2c = Tools.run(List.of(Tools.CURL, "-sS", "--max-time", "10", "--haproxy-protocol",
                "--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
                "--connect-to", "a.test:80:127.0.0.1:" + engine.httpPort(), "http://a.test/h2c"));
        assertThat(h2c.stdout()).as(h2c.all()).isEqualTo("200 2");
        Tools.Result tls = Tools.run(List.of(Tools.CURL, "-sSk", "--max-time", "10", "--haproxy-protocol",
                "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
                "--resolve", "a.test:" + engine.httpsPort() + ":127.0.0.1", "https://a.test:" + engine.httpsPort() + "/tls"));
        assertThat(tls.stdout()).as(tls.all()).isEqualTo("200 2");
    }

    @Test
    void overTlsTheHeaderComesFirstAndNamesTheClient() throws IOException {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), engine.httpsPort())) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write("PROXY TCP4 198.51.100.23 192.0.2.1 40000 443\r\n".getBytes(StandardCharsets.US_ASCII));
            SSLSocketFactory factory = TlsTestClient.trustingFactory();
            try (SSLSocket tls = (SSLSocket) factory.createSocket(plain, "a.test", engine.httpsPort(), true)) {
                tls.startHandshake();
                TlsTestClient.write(tls, GET);
                assertThat(TlsTestClient.read(tls).status()).isEqualTo(200);
            }
        }
        assertThat(origin.lastSeen().headers().get("x-forwarded-for")).isEqualTo("198.51.100.23");
    }

    @Test
    void fromAnUntrustedAddressTheHeaderIsABadRequestThatReachesNoBackend() throws IOException {
        try {
            assertThat(trust("10.0.0.0/8").outcome()).isEqualTo(Outcome.APPLIED);
            int before = origin.requests.get();
            String answer = exchange("PROXY TCP4 203.0.113.7 192.0.2.1 56324 80\r\n".getBytes(StandardCharsets.US_ASCII), GET);
            assertThat(answer).startsWith("HTTP/1.1 400");
            assertThat(origin.requests.get()).isEqualTo(before);
            // The same client without the header is served, as itself.
            assertThat(exchange(new byte[0], GET)).startsWith("HTTP/1.1 200");
            assertThat(origin.lastSeen().headers().get("x-forwarded-for")).isEqualTo("127.0.0.1");
        } finally {
            trust("127.0.0.1");
        }
    }

    @Test
    void aBrokenHeaderFromATrustedBalancerClosesTheConnection() throws IOException {
        int before = origin.requests.get();
        String answer = exchange("PROXY TCP4 not-an-address 192.0.2.1 1 80\r\n".getBytes(StandardCharsets.US_ASCII), GET);
        assertThat(answer).isEmpty();
        assertThat(origin.requests.get()).isEqualTo(before);
    }

    @Test
    void aBadSourceEntryIsRejectedByName() {
        ApplyResult result = trust("127.0.0.1", "10.0.0.0/33");
        assertThat(result.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(result.errors()).anySatisfy(error -> {
            assertThat(error.object()).isEqualTo("listeners");
            assertThat(error.field()).isEqualTo("proxyProtocolFrom[1]");
        });
    }
}
