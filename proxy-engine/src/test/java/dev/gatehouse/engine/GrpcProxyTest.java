package dev.gatehouse.engine;

import dev.gatehouse.engine.ApplyResult.Outcome;
import dev.gatehouse.engine.balancing.ServerStatus;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.RouteDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.SiteDefinition;
import dev.gatehouse.engine.tls.TestCertificates;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * gRPC through the proxy with grpc-java on both ends: a site whose backend is marked HTTP/2. The
 * four call shapes, errors whose status, message and binary details arrive intact (trailers-only
 * and after messages), h2c and TLS (ALPN h2) on both legs, and one backend connection per loop.
 */
class GrpcProxyTest {

    private static final Metadata.Key<byte[]> DETAILS = Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);
    private static final Metadata.Key<String> REASON = Metadata.Key.of("x-reason", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> FORWARDED_FOR = Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
    private static final byte[] DETAIL_BYTES = {0, 1, 2, (byte) 0xff, (byte) 0x80, 10, 13, 58};

    private static Server plainServer;
    private static Server tlsServer;
    private static ProxyEngine engine;
    private static ManagedChannel channel;
    private static ManagedChannel tlsChannel;
    private static ManagedChannel downChannel;
    private static final ConcurrentLinkedQueue<Metadata> seenHeaders = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<String> seenAuthorities = new ConcurrentLinkedQueue<>();

    /** Echoes, counts, streams and fails on request, like the services gRPC users run. */
    private static final class EchoService extends SimpleServiceGrpc.SimpleServiceImplBase {
        @Override
        public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            String message = request.getRequestMessage();
            if (message.startsWith("fail:")) {
                Metadata trailers = new Metadata();
                trailers.put(DETAILS, DETAIL_BYTES);
                trailers.put(REASON, "policy");
                response.onError(Status.PERMISSION_DENIED.withDescription(message.substring(5)).asRuntimeException(trailers));
                return;
            }
            response.onNext(reply("echo:" + message));
            response.onCompleted();
        }

        @Override
        public void serverStreamingRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            String[] parts = request.getRequestMessage().split(":");
            int count = Integer.parseInt(parts[0]);
            for (int i = 0; i < count; i++) {
                response.onNext(reply("part " + i));
            }
            if (parts.length > 1) {
                response.onError(Status.ABORTED.withDescription(parts[1]).asRuntimeException());
            } else {
                response.onCompleted();
            }
        }

        @Override
        public StreamObserver<SimpleRequest> clientStreamingRpc(StreamObserver<SimpleResponse> response) {
            StringBuilder all = new StringBuilder();
            return new StreamObserver<>() {
                @Override
                public void onNext(SimpleRequest value) {
                    all.append(value.getRequestMessage()).append(',');
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    response.onNext(reply(all.toString()));
                    response.onCompleted();
                }
            };
        }

        @Override
        public StreamObserver<SimpleRequest> bidiStreamingRpc(StreamObserver<SimpleResponse> response) {
            return new StreamObserver<>() {
                @Override
                public void onNext(SimpleRequest value) {
                    response.onNext(reply("bidi:" + value.getRequestMessage()));
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    response.onCompleted();
                }
            };
        }
    }

    private static SimpleResponse reply(String text) {
        return SimpleResponse.newBuilder().setResponseMessage(text).build();
    }

    private static SimpleRequest request(String text) {
        return SimpleRequest.newBuilder().setRequestMessage(text).build();
    }

    /** Records what reached the backend: headers the proxy added, the authority. */
    private static final ServerInterceptor RECORDER = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            seenHeaders.add(headers);
            seenAuthorities.add(String.valueOf(call.getAuthority()));
            return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            }, headers);
        }
    };

    @BeforeAll
    static void start() throws Exception {
        plainServer = server(InsecureServerCredentials.create());
        TestCertificates.Issued backendCertificate = TestCertificates.selfSigned("grpc.internal");
        tlsServer = server(TlsServerCredentials.create(
                new ByteArrayInputStream(backendCertificate.chainPem().getBytes(StandardCharsets.US_ASCII)),
                new ByteArrayInputStream(backendCertificate.keyPem().getBytes(StandardCharsets.US_ASCII))));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        TestCertificates.Issued siteCertificate = TestCertificates.selfSigned("grpc.test", "grpcs.test");
        engine = ProxyEngine.start(EngineSettings.defaults().host("127.0.0.1").httpPort(0).httpsPort(0).eventLoopThreads(2)
                .defaultCertificate(TestCertificates.selfSigned("default.invalid").definition("default")));
        List<BackendDefinition> backends = List.of(
                http2Backend("grpc", new ServerDefinition("127.0.0.1", plainServer.getPort())),
                http2Backend("grpcs", new ServerDefinition("127.0.0.1", tlsServer.getPort()).withTls(false, "grpc.internal")),
                http2Backend("down", new ServerDefinition("127.0.0.1", closedPort)));
        List<SiteDefinition> sites = List.of(
                new SiteDefinition("1", List.of("grpc.test"), true, List.of(new RouteDefinition("/", "grpc")),
                        "site", false, null),
                new SiteDefinition("2", List.of("grpcs.test"), true, List.of(new RouteDefinition("/", "grpcs")),
                        "site", false, null),
                Snapshots.site("3", "down.test", "down"));
        ApplyResult applied = engine.apply(new ConfigSnapshot(1, backends, sites, List.of(siteCertificate.definition("site"))));
        assertThat(applied.outcome()).as(applied.toString()).isEqualTo(Outcome.APPLIED);

        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", engine.httpPort(), InsecureChannelCredentials.create())
                .overrideAuthority("grpc.test").build();
        downChannel = Grpc.newChannelBuilderForAddress("127.0.0.1", engine.httpPort(), InsecureChannelCredentials.create())
                .overrideAuthority("down.test").build();
        tlsChannel = Grpc.newChannelBuilderForAddress("127.0.0.1", engine.httpsPort(), TlsChannelCredentials.newBuilder()
                        .trustManager(new ByteArrayInputStream(siteCertificate.rootPem().getBytes(StandardCharsets.US_ASCII)))
                        .build())
                .overrideAuthority("grpcs.test").build();
    }

    private static BackendDefinition http2Backend(String name, ServerDefinition server) {
        return new BackendDefinition(name, List.of(server)).withProtocol(BackendProtocol.HTTP2);
    }

    private static Server server(ServerCredentials credentials) throws IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
                .addService(ServerInterceptors.intercept(new EchoService(), RECORDER))
                .build().start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (ManagedChannel each : new ManagedChannel[] {channel, tlsChannel, downChannel}) {
            if (each != null) {
                each.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        if (engine != null) {
            engine.close();
        }
        for (Server each : new Server[] {plainServer, tlsServer}) {
            if (each != null) {
                each.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static SimpleServiceGrpc.SimpleServiceBlockingStub blocking(ManagedChannel on) {
        return SimpleServiceGrpc.newBlockingStub(on).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @Test
    void unaryCallReachesTheServiceWithForwardingHeadersAndTheSiteAuthority() {
        seenHeaders.clear();
        seenAuthorities.clear();
        assertThat(blocking(channel).unaryRpc(request("hello")).getResponseMessage()).isEqualTo("echo:hello");
        assertThat(seenAuthorities).containsExactly("grpc.test");
        assertThat(seenHeaders.peek().get(FORWARDED_FOR)).isEqualTo("127.0.0.1");
    }

    @Test
    void serverStreamingDeliversEveryMessageInOrder() {
        List<String> parts = new ArrayList<>();
        blocking(channel).serverStreamingRpc(request("50")).forEachRemaining(r -> parts.add(r.getResponseMessage()));
        assertThat(parts).hasSize(50).startsWith("part 0", "part 1").endsWith("part 49");
    }

    @Test
    void clientStreamingSendsEveryMessageBeforeTheAnswer() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        StreamObserver<SimpleRequest> requests = SimpleServiceGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .clientStreamingRpc(completingWith(answer));
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            requests.onNext(request("m" + i));
            expected.append("m").append(i).append(',');
        }
        requests.onCompleted();
        assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo(expected.toString());
    }

    @Test
    void bidiStreamingAnswersEachMessageBeforeTheNextIsSent() throws Exception {
        BlockingQueue<String> answers = new ArrayBlockingQueue<>(16);
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<SimpleRequest> requests = SimpleServiceGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .bidiStreamingRpc(new StreamObserver<>() {
                    @Override
                    public void onNext(SimpleResponse value) {
                        answers.add(value.getResponseMessage());
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        for (int i = 0; i < 5; i++) {
            requests.onNext(request("ping " + i));
            // Nothing buffers the stream: the echo arrives while the call is still open.
            assertThat(answers.poll(10, TimeUnit.SECONDS)).isEqualTo("bidi:ping " + i);
        }
        requests.onCompleted();
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anErrorKeepsItsStatusMessageAndBinaryDetails() {
        // grpc-java answers an error before any message "trailers-only": one HEADERS frame ending the stream.
        assertThatThrownBy(() -> blocking(channel).unaryRpc(request("fail:not for you ✓")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, error -> {
                    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(error.getStatus().getDescription()).isEqualTo("not for you ✓");
                    assertThat(error.getTrailers().get(DETAILS)).isEqualTo(DETAIL_BYTES);
                    assertThat(error.getTrailers().get(REASON)).isEqualTo("policy");
                });
    }

    @Test
    void aTrailersOnlyAnswerStaysOneHeadersFrameEndingTheStream(@TempDir Path dir) throws Exception {
        // Seen on the wire by nghttp: gRPC requires the status in a HEADERS frame with END_STREAM,
        // and an answer without messages is that frame alone (flags 0x05 = END_STREAM | END_HEADERS).
        byte[] message = request("fail:wire").toByteArray();
        byte[] framed = new byte[5 + message.length];
        framed[4] = (byte) message.length;
        System.arraycopy(message, 0, framed, 5, message.length);
        Path body = Files.write(dir.resolve("request.bin"), framed);
        Tools.Result run = Tools.run(List.of(Tools.NGHTTP, "-nv", "-H", ":authority: grpc.test", "-H", "content-type: application/grpc",
                "-H", "te: trailers", "-d", body.toString(),
                "http://127.0.0.1:" + engine.httpPort() + "/" + SimpleServiceGrpc.SERVICE_NAME + "/UnaryRpc"));
        String out = run.all();
        assertThat(run.exitCode()).as(out).isZero();
        List<String> responseHeaders = out.lines().filter(line -> line.contains("recv HEADERS frame")).toList();
        assertThat(responseHeaders).as(out).hasSize(1);
        assertThat(responseHeaders.get(0)).contains("flags=0x05");
        assertThat(out).contains("grpc-status: 7").contains("grpc-message: wire").contains("x-reason: policy");
    }

    @Test
    void anErrorAfterMessagesArrivesInTheTrailers() {
        Iterator<SimpleResponse> answers = blocking(channel).serverStreamingRpc(request("3:stopped midway"));
        List<String> parts = new ArrayList<>();
        assertThatThrownBy(() -> answers.forEachRemaining(r -> parts.add(r.getResponseMessage())))
                .isInstanceOfSatisfying(StatusRuntimeException.class, error -> {
                    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
                    assertThat(error.getStatus().getDescription()).isEqualTo("stopped midway");
                });
        assertThat(parts).containsExactly("part 0", "part 1", "part 2");
    }

    @Test
    void largeMessagesFlowBothWays() {
        String big = "x".repeat(3 * 1024 * 1024);
        assertThat(blocking(channel).unaryRpc(request(big)).getResponseMessage()).hasSize(big.length() + 5);
    }

    @Test
    void anUnreachableBackendIsUnavailable() {
        assertThatThrownBy(() -> blocking(downChannel).unaryRpc(request("anyone?")))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        error -> assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void tlsOnBothLegsWithAlpnH2() {
        assertThat(blocking(tlsChannel).unaryRpc(request("secure")).getResponseMessage()).isEqualTo("echo:secure");
        List<String> parts = new ArrayList<>();
        blocking(tlsChannel).serverStreamingRpc(request("4")).forEachRemaining(r -> parts.add(r.getResponseMessage()));
        assertThat(parts).hasSize(4);
    }

    @Test
    void concurrentCallsShareOneBackendConnectionPerEventLoop() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String text = "call " + i;
                calls.add(callers.submit(() -> blocking(channel).unaryRpc(request(text)).getResponseMessage()));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:call " + i);
            }
        } finally {
            callers.shutdownNow();
        }
        ServerStatus status = engine.backendStatus().get("grpc").get(0);
        assertThat(status.requestsStarted()).isGreaterThanOrEqualTo(400);
        // The client's one connection lands on one loop; allow one per loop in case an earlier test's went elsewhere.
        assertThat(status.connectionsOpened()).isBetween(1L, 2L);
    }

    private static StreamObserver<SimpleResponse> completingWith(CompletableFuture<String> answer) {
        return new StreamObserver<>() {
            @Override
            public void onNext(SimpleResponse value) {
                answer.complete(value.getResponseMessage());
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
