package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.StreamDefinition;
import dev.gatehouse.engine.config.StreamDefinition.ProxyProtocol;
import dev.gatehouse.engine.stream.StreamStatus;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.gatehouse.engine.Snapshots.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TCP streams through the real engine to real servers on loopback: bytes both ways with half-close,
 * failover when a server is down, PROXY protocol v1 and v2 decoded by a real decoder, streams added,
 * changed and removed by live applies, port clashes, and the idle timeout.
 */
class TcpStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The test clients' writing threads: never the common pool, which the readers may be using. */
    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "stream-test-writer");
        thread.setDaemon(true);
        return thread;
    });

    private ProxyEngine engine;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private long revision;

    @BeforeEach
    void start() {
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).eventLoopThreads(2));
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** Echoes every byte back, after an optional banner line; closes once the client has finished sending. */
    private RawOrigin echo(String banner) throws IOException {
        return closeLater(new RawOrigin((socket, number) -> {
            OutputStream out = socket.getOutputStream();
            if (banner != null) {
                out.write((banner + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            socket.getInputStream().transferTo(out);
        }));
    }

    /**
     * A port nothing listens on, below the kernel's ephemeral range (32768 and up): a connection to it
     * can never be a TCP self-connect (an ephemeral source port that happens to equal the port), which
     * would make "nothing listens here" look like an accepted connection.
     */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // someone else's: try another
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    private ApplyResult apply(List<BackendDefinition> backends, StreamDefinition... streams) {
        return engine.apply(new ConfigSnapshot(++revision, backends, List.of()).withStreams(List.of(streams)));
    }

    private void applyOk(List<BackendDefinition> backends, StreamDefinition... streams) {
        ApplyResult result = apply(backends, streams);
        assertThat(result.outcome()).as(result.errors().toString()).isEqualTo(Outcome.APPLIED);
        assertThat(result.errors()).isEmpty();
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.append((char) b);
        }
        return line.toString();
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        socket.getOutputStream().write((text + "\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return readLine(socket.getInputStream());
    }

    private StreamStatus status(String id) {
        return engine.streamStatus().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void manyBytesGoBothWaysAndAHalfClosedClientStillGetsEverythingBack() throws Exception {
        RawOrigin origin = echo(null);
        int port = freePort();
        applyOk(List.of(new BackendDefinition("echo", List.of(origin.server()))), new StreamDefinition("1", port, "echo"));

        byte[] sent = randomBytes(8 * 1024 * 1024);
        byte[] received = echoWithHalfClose(port, sent);
        assertThat(received.length).as("bytes received").isEqualTo(sent.length);
        assertThat(Arrays.equals(received, sent)).as("the same bytes").isTrue();
        StreamStatus status = status("1");
        assertThat(status.listening()).isTrue();
        assertThat(status.acceptedConnections()).isEqualTo(1);
        await().atMost(WAIT).until(() -> status("1").activeConnections() == 0);
        assertThat(engine.backendStatus().get("echo").get(0).connectionsOpened())
                .as("stream connections are not the HTTP pool's").isZero();
    }

    /**
     * Many clients at once, each shutting its output while most of its echo is still to come: every
     * byte still arrives. (Netty 4.2.18's epoll transport loses the tail of such a half-closed
     * connection as soon as the client is slower than the server; see StreamListeners.)
     */
    @Test
    void concurrentHalfClosedTransfersLoseNothing() throws Exception {
        RawOrigin origin = echo(null);
        int port = freePort();
        applyOk(List.of(new BackendDefinition("echo", List.of(origin.server()))), new StreamDefinition("1", port, "echo"));
        byte[] sent = randomBytes(4 * 1024 * 1024);

        List<CompletableFuture<Integer>> clients = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int c = 0; c < 4; c++) {
                clients.add(CompletableFuture.supplyAsync(() -> {
                    int intact = 0;
                    for (int round = 0; round < 4; round++) {
                        try {
                            if (Arrays.equals(echoWithHalfClose(port, sent), sent)) {
                                intact++;
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return intact;
                }, threads));
            }
            for (CompletableFuture<Integer> client : clients) {
                assertThat(client.get(60, TimeUnit.SECONDS)).as("echoes that came back whole").isEqualTo(4);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(status("1").acceptedConnections()).isEqualTo(16);
    }

    @Test
    void aClientThatShutsItsOutputAndReadsSlowlyStillGetsTheWholeAnswer() throws Exception {
        byte[] answer = randomBytes(4 * 1024 * 1024);
        // Answers only once the request has ended (its FIN), like a server reading "until end of input".
        RawOrigin origin = closeLater(new RawOrigin((socket, number) -> {
            socket.getInputStream().readAllBytes();
            socket.getOutputStream().write(answer);
        }));
        int port = freePort();
        applyOk(List.of(new BackendDefinition("late", List.of(origin.server()))), new StreamDefinition("1", port, "late"));

        try (Socket socket = connect(port)) {
            socket.getOutputStream().write("the whole request".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            // The proxy has read the FIN long before; now its writes to this client must wait for room.
            Thread.sleep(500);
            byte[] received = socket.getInputStream().readAllBytes();
            assertThat(received.length).as("bytes received").isEqualTo(answer.length);
            assertThat(Arrays.equals(received, answer)).as("the same bytes").isTrue();
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /**
     * Sends everything from another thread while this one reads (the echo only keeps up if the proxy
     * relays both directions at once, pausing the writer rather than buffering it all), shuts the
     * output, and returns what came back until the proxy closed.
     */
    private static byte[] echoWithHalfClose(int port, byte[] sent) throws Exception {
        try (Socket socket = connect(port)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int at = 0; at < sent.length; at += 65536) {
                        out.write(sent, at, Math.min(65536, sent.length - at));
                    }
                    out.flush();
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, WRITERS);
            byte[] received = socket.getInputStream().readAllBytes();
            writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return received;
        }
    }

    @Test
    void aServerThatIsDownIsReportedAndTheConnectionGoesToAnother() throws Exception {
        RawOrigin live = echo("live");
        ServerDefinition down = new ServerDefinition("127.0.0.1", freePort());
        int port = freePort();
        applyOk(List.of(new BackendDefinition("pair", List.of(down, live.server()))), new StreamDefinition("1", port, "pair"));

        for (int i = 0; i < 6; i++) {
            try (Socket socket = connect(port)) {
                assertThat(readLine(socket.getInputStream())).isEqualTo("live");
                assertThat(roundTrip(socket, "ping " + i)).isEqualTo("ping " + i);
            }
        }
        assertThat(live.connections.get()).isEqualTo(6);
        // Three refused connects in a row: passive health ejects the server, as for HTTP requests.
        assertThat(engine.backendStatus().get("pair").get(0).state()).isEqualTo("ejected");
    }

    @Test
    void whenNoServerCanBeReachedTheClientIsClosed() throws Exception {
        int port = freePort();
        applyOk(List.of(new BackendDefinition("gone", List.of(new ServerDefinition("127.0.0.1", freePort()),
                new ServerDefinition("127.0.0.1", freePort())))), new StreamDefinition("1", port, "gone"));

        try (Socket socket = connect(port)) {
            assertThat(socket.getInputStream().read()).as("closed without a byte").isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProxyProtocol.class, names = {"V1", "V2"})
    void theProxyProtocolHeaderTellsTheServerTheRealClient(ProxyProtocol version) throws Exception {
        LinkedBlockingQueue<HAProxyMessage> headers = new LinkedBlockingQueue<>();
        ProxyProtocolServer server = closeLater(new ProxyProtocolServer(headers));
        int port = freePort();
        applyOk(List.of(new BackendDefinition("pp", List.of(new ServerDefinition("127.0.0.1", server.port())))),
                new StreamDefinition("1", port, "pp").withProxyProtocol(version));

        try (Socket socket = connect(port)) {
            assertThat(roundTrip(socket, "hello")).isEqualTo("hello");
            HAProxyMessage header = headers.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(header).isNotNull();
            assertThat(header.protocolVersion()).isEqualTo(version == ProxyProtocol.V1
                    ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2);
            assertThat(header.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.TCP4);
            assertThat(header.sourceAddress()).isEqualTo("127.0.0.1");
            assertThat(header.sourcePort()).isEqualTo(socket.getLocalPort());
            assertThat(header.destinationAddress()).isEqualTo("127.0.0.1");
            assertThat(header.destinationPort()).isEqualTo(port);
            header.release();
        }
    }

    @Test
    void streamsAreAddedChangedAndRemovedLiveWhileOpenConnectionsCarryOn() throws Exception {
        RawOrigin a = echo("a");
        RawOrigin b = echo("b");
        List<BackendDefinition> backends = List.of(new BackendDefinition("a", List.of(a.server())),
                new BackendDefinition("b", List.of(b.server())));
        int port = freePort();
        int other = freePort();

        applyOk(backends, new StreamDefinition("1", port, "a"));
        try (Socket first = connect(port)) {
            assertThat(readLine(first.getInputStream())).isEqualTo("a");

            applyOk(backends, new StreamDefinition("1", port, "b"));
            try (Socket second = connect(port)) {
                assertThat(readLine(second.getInputStream())).as("new connections go to the new backend").isEqualTo("b");
                assertThat(roundTrip(first, "still a")).as("the open one stays where it was").isEqualTo("still a");
                assertThat(status("1").acceptedConnections()).as("the listener was kept").isEqualTo(2);

                applyOk(backends, new StreamDefinition("2", other, "a"));
                assertThatThrownBy(() -> connect(port)).as("stream 1 stopped listening").isInstanceOf(IOException.class);
                assertThat(roundTrip(first, "after removal")).isEqualTo("after removal");
                assertThat(roundTrip(second, "after removal too")).isEqualTo("after removal too");
                try (Socket third = connect(other)) {
                    assertThat(readLine(third.getInputStream())).isEqualTo("a");
                }
            }
        }
        assertThat(engine.streamStatus()).extracting(StreamStatus::id).containsExactly("2");
    }

    @Test
    void aStreamMovedToAPortAnotherStreamLeavesGetsIt() throws Exception {
        RawOrigin a = echo("a");
        List<BackendDefinition> backends = List.of(new BackendDefinition("a", List.of(a.server())));
        int port = freePort();
        applyOk(backends, new StreamDefinition("1", port, "a"));

        applyOk(backends, new StreamDefinition("2", port, "a").withBindHost("127.0.0.1"));
        try (Socket socket = connect(port)) {
            assertThat(readLine(socket.getInputStream())).isEqualTo("a");
        }
        assertThat(status("2").listening()).isTrue();
    }

    @Test
    void anIdenticalApplyChangesNothingAndAnotherChangeKeepsTheListener() throws Exception {
        RawOrigin a = echo("a");
        List<BackendDefinition> backends = List.of(new BackendDefinition("a", List.of(a.server())));
        int port = freePort();
        applyOk(backends, new StreamDefinition("1", port, "a"));
        try (Socket open = connect(port)) {
            assertThat(readLine(open.getInputStream())).isEqualTo("a");

            assertThat(apply(backends, new StreamDefinition("1", port, "a")).outcome()).isEqualTo(Outcome.UNCHANGED);
            ApplyResult withSite = engine.apply(new ConfigSnapshot(++revision, backends, List.of(site("9", "app.test", "a")))
                    .withStreams(List.of(new StreamDefinition("1", port, "a"))));
            assertThat(withSite.outcome()).isEqualTo(Outcome.APPLIED);

            assertThat(roundTrip(open, "same connection")).isEqualTo("same connection");
            try (Socket again = connect(port)) {
                assertThat(readLine(again.getInputStream())).isEqualTo("a");
            }
            assertThat(status("1").acceptedConnections()).as("one listener all along").isEqualTo(2);
        }
    }

    @Test
    void aPortOfTheEngineOrOfAnotherProgramIsRefusedAndTheLiveStreamsKeepRunning() throws Exception {
        RawOrigin a = echo("a");
        List<BackendDefinition> backends = List.of(new BackendDefinition("a", List.of(a.server())));
        int port = freePort();
        applyOk(backends, new StreamDefinition("1", port, "a"));

        ApplyResult clash = apply(backends, new StreamDefinition("1", port, "a"),
                new StreamDefinition("2", engine.httpPort(), "a"));
        assertThat(clash.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(clash.errors()).singleElement().hasToString("stream 2 listenPort: port " + engine.httpPort()
                + " is the proxy's HTTP port; choose another port for the stream");

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int busy = taken.getLocalPort();
            ConfigSnapshot wantsBusy = new ConfigSnapshot(++revision, backends, List.of())
                    .withStreams(List.of(new StreamDefinition("1", port, "a"), new StreamDefinition("3", busy, "a")));
            ApplyResult checked = engine.validate(wantsBusy);
            assertThat(checked.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(checked.errors()).singleElement().satisfies(error -> {
                assertThat(error.object()).isEqualTo("stream 3");
                assertThat(error.field()).isEqualTo("listenPort");
                assertThat(error.message()).isEqualTo("port " + busy + " on 127.0.0.1 is already in use; "
                        + "stop the program using it or choose another port");
            });
            ApplyResult applied = engine.apply(wantsBusy);
            assertThat(applied.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(applied.errors()).extracting(ConfigError::field).containsExactly("listenPort");
        }
        assertThat(engine.streamStatus()).extracting(StreamStatus::id).containsExactly("1");
        try (Socket socket = connect(port)) {
            assertThat(readLine(socket.getInputStream())).isEqualTo("a");
        }
    }

    @Test
    void aDisabledStreamListensOnNothingButIsReported() throws Exception {
        RawOrigin a = echo("a");
        int port = freePort();
        applyOk(List.of(new BackendDefinition("a", List.of(a.server()))), new StreamDefinition("1", port, "a").withEnabled(false));

        assertThatThrownBy(() -> connect(port)).isInstanceOf(IOException.class);
        StreamStatus status = status("1");
        assertThat(status.enabled()).isFalse();
        assertThat(status.listening()).isFalse();
        assertThat(status.problem()).isNull();
    }

    @Test
    void aConnectionQuietForTheIdleTimeoutIsClosedOnBothSides() throws Exception {
        CountDownLatch serverSawTheEnd = new CountDownLatch(1);
        RawOrigin quiet = closeLater(new RawOrigin((socket, number) -> {
            socket.getInputStream().transferTo(socket.getOutputStream());
            serverSawTheEnd.countDown();
        }));
        int port = freePort();
        applyOk(List.of(new BackendDefinition("quiet", List.of(quiet.server()))),
                new StreamDefinition("1", port, "quiet").withIdleTimeout(Duration.ofMillis(400)));

        try (Socket socket = connect(port)) {
            long quietFrom = 0;
            for (int i = 0; i < 4; i++) {
                // Traffic more often than the timeout keeps the connection open.
                assertThat(roundTrip(socket, "tick " + i)).isEqualTo("tick " + i);
                quietFrom = System.nanoTime();
                Thread.sleep(150);
            }
            try {
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the idle connection was not closed", e);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - quietFrom)).isBetween(Duration.ofMillis(390), Duration.ofSeconds(3));
        }
        assertThat(serverSawTheEnd.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the backend side closed too").isTrue();
    }

    @Test
    void stoppingTheEngineClosesStreamConnectionsAndFreesThePort() throws Exception {
        RawOrigin a = echo("a");
        int port = freePort();
        applyOk(List.of(new BackendDefinition("a", List.of(a.server()))), new StreamDefinition("1", port, "a"));
        try (Socket socket = connect(port)) {
            assertThat(readLine(socket.getInputStream())).isEqualTo("a");

            engine.close();

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    /** A backend that decodes the PROXY protocol header (either version), keeps it, then echoes. */
    private static final class ProxyProtocolServer implements AutoCloseable {
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final Channel channel;

        ProxyProtocolServer(LinkedBlockingQueue<HAProxyMessage> headers) throws InterruptedException {
            channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HAProxyMessageDecoder(), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    if (msg instanceof HAProxyMessage header) {
                                        headers.add(header);
                                    } else if (msg instanceof ByteBuf bytes) {
                                        ctx.writeAndFlush(bytes);
                                    }
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        }

        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
