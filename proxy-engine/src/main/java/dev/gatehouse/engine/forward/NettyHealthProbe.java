package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.balancing.HealthProbe;
import dev.gatehouse.engine.balancing.ServerHealth.CheckResult;
import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Active health checks over the engine's own transport: a fresh connection per check (a pooled
 * one would test the pool, not the server), over TLS for https servers, {@code GET path HTTP/1.1}
 * with {@code Connection: close} judged by the status line alone, or for an HTTP/2 backend one
 * {@code GET} stream judged by its {@code :status}. Everything runs on one event loop.
 */
final class NettyHealthProbe implements HealthProbe {

    /** A status line longer than this is not one. */
    private static final int MAX_STATUS_LINE = 1024;

    private final NettyForwarder forwarder;
    private final EventLoop loop;

    NettyHealthProbe(NettyForwarder forwarder, EventLoop loop) {
        this.forwarder = forwarder;
        this.loop = loop;
    }

    @Override
    public EventExecutor executor() {
        return loop;
    }

    @Override
    public void probe(InetSocketAddress address, ServerDefinition server, BackendProtocol protocol,
                      HealthCheckDefinition check, Consumer<CheckResult> done) {
        boolean http2 = protocol == BackendProtocol.HTTP2;
        Check attempt = new Check(check, done, System.nanoTime());
        attempt.timer = loop.schedule(() -> attempt.fail("no answer within " + check.timeout().toMillis() + " ms"),
                check.timeout().toNanos(), TimeUnit.NANOSECONDS);
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(forwarder.socketChannelClass())
                .resolver(forwarder.resolver())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, check.timeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (server.tls()) {
                            channel.pipeline().addLast("tls", BackendTls.newHandler(
                                    BackendTls.context(server.verifyTls(), http2), server, channel.alloc()));
                        }
                        if (http2) {
                            channel.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                                    .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)).build());
                            channel.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        } else {
                            channel.pipeline().addLast(attempt);
                        }
                    }
                })
                .connect(address);
        attempt.channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                attempt.fail("connect failed: " + rootMessage(f.cause()));
                return;
            }
            SslHandler tls = connect.channel().pipeline().get(SslHandler.class);
            if (tls == null) {
                send(connect.channel(), server, http2, check, attempt);
                return;
            }
            tls.handshakeFuture().addListener(handshake -> {
                if (!handshake.isSuccess()) {
                    attempt.fail("TLS handshake failed: " + rootMessage(handshake.cause()));
                } else if (http2 && !ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
                    attempt.fail("the server did not agree to HTTP/2");
                } else {
                    send(connect.channel(), server, http2, check, attempt);
                }
            });
        });
    }

    private static void send(Channel channel, ServerDefinition server, boolean http2, HealthCheckDefinition check, Check attempt) {
        if (!http2) {
            byte[] request = ("GET " + check.path() + " HTTP/1.1\r\nHost: " + server.address()
                    + "\r\nUser-Agent: Gatehouse-HealthCheck\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            channel.writeAndFlush(Unpooled.wrappedBuffer(request));
            return;
        }
        Http2Headers headers = new DefaultHttp2Headers()
                .method(HttpMethod.GET.asciiName())
                .scheme(server.tls() ? "https" : "http")
                .path(check.path())
                .authority(server.address());
        headers.add(HttpHeaderNames.USER_AGENT, "Gatehouse-HealthCheck");
        new Http2StreamChannelBootstrap(channel).handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof Http2HeadersFrame response) {
                        CharSequence status = response.headers().status();
                        int code = status == null ? -1 : HttpResponseStatus.parseLine(status).code();
                        if (code >= 200) {
                            attempt.judge(code);
                        }
                    }
                } catch (IllegalArgumentException notAStatus) {
                    attempt.fail("the answer is not HTTP");
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                attempt.fail("the stream closed without a status");
            }
        }).open().addListener(f -> {
            if (!f.isSuccess()) {
                attempt.fail("could not open an HTTP/2 stream: " + rootMessage(f.cause()));
            }
        });
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    /** One check: reads up to the end of the status line, then reports once and closes. */
    private final class Check extends ChannelInboundHandlerAdapter {
        private final HealthCheckDefinition check;
        private final Consumer<CheckResult> done;
        private final long startNanos;
        private final StringBuilder line = new StringBuilder(32);
        private Channel channel;
        private ScheduledFuture<?> timer;
        private boolean reported;

        Check(HealthCheckDefinition check, Consumer<CheckResult> done, long startNanos) {
            this.check = check;
            this.done = done;
            this.startNanos = startNanos;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (reported || !(msg instanceof ByteBuf bytes)) {
                    return;
                }
                while (bytes.isReadable()) {
                    char c = (char) (bytes.readByte() & 0xff);
                    if (c == '\n') {
                        judge(line.toString().trim());
                        return;
                    }
                    if (line.length() >= MAX_STATUS_LINE) {
                        fail("the answer is not HTTP");
                        return;
                    }
                    line.append(c);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail("connection closed without a status line");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(rootMessage(cause));
        }

        private void judge(String statusLine) {
            // "HTTP/1.1 200 OK"
            int status = -1;
            if (statusLine.startsWith("HTTP/1.") && statusLine.length() >= 12 && statusLine.charAt(8) == ' ') {
                try {
                    status = Integer.parseInt(statusLine.substring(9, 12));
                } catch (NumberFormatException e) {
                    status = -1;
                }
            }
            if (status < 0) {
                fail("the answer is not HTTP");
                return;
            }
            judge(status);
        }

        void judge(int status) {
            boolean good = status >= check.expectedStatusMin() && status <= check.expectedStatusMax();
            report(new CheckResult(good, status, good ? null : "status " + status + " is outside "
                    + check.expectedStatusMin() + "-" + check.expectedStatusMax(), elapsedMillis(), System.currentTimeMillis()));
        }

        void fail(String error) {
            report(new CheckResult(false, 0, error, elapsedMillis(), System.currentTimeMillis()));
        }

        private long elapsedMillis() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        }

        private void report(CheckResult result) {
            if (reported) {
                return;
            }
            reported = true;
            if (timer != null) {
                timer.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
            done.accept(result);
        }
    }
}
