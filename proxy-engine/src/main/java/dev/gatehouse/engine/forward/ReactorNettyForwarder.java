package dev.gatehouse.engine.forward;

import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.errorpage.ErrorPage;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The idiomatic reactor-netty forwarder: a per-backend {@link ConnectionProvider} (keep-alive,
 * LIFO, shared by every event loop) and, per server, an {@link HttpClient} bound to that server's
 * address so a request needs no URI parsing for the host. Bodies stream in both directions.
 *
 * <p>Retries: reactor-netty retries once when a pooled connection turns out to be reset before the
 * response (the backend closed an idle keep-alive connection as we reused it). That replays the
 * request, so it is only allowed for idempotent requests without a body; the rest use a client with
 * retries off and get a 502 in that race.
 */
public final class ReactorNettyForwarder implements Forwarder {

    private static final Logger log = LoggerFactory.getLogger(ReactorNettyForwarder.class);

    /** Pooled connections per backend server; far above what one small appliance needs. */
    public static final int MAX_CONNECTIONS_PER_SERVER = 1024;
    /**
     * An idle pooled connection is closed after this long, below the keep-alive timeout of most
     * servers (nginx 75 s, Apache 5 s is the exception, handled by the retry) so we rarely reuse a
     * connection the backend is closing.
     */
    public static final Duration UPSTREAM_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Largest response head a backend may send (status line + headers), like nginx's 4 x 8 KiB buffers. */
    public static final int MAX_UPSTREAM_HEADER_BYTES = 32 * 1024;

    private final LoopResources loops;

    /** @param loops the engine's event loops; backend connections live on the same threads as client ones */
    public ReactorNettyForwarder(LoopResources loops) {
        this.loops = loops;
    }

    @Override
    public BackendPool openPool(BackendDefinition backend, List<InetSocketAddress> servers) {
        ConnectionProvider provider = ConnectionProvider.builder("gatehouse-backend-" + backend.name())
                .maxConnections(MAX_CONNECTIONS_PER_SERVER)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(backend.responseTimeout())
                .maxIdleTime(UPSTREAM_IDLE_TIMEOUT)
                .evictInBackground(UPSTREAM_IDLE_TIMEOUT)
                .lifo()
                .build();
        long connectMillis = Math.min(Integer.MAX_VALUE, Math.max(1, backend.connectTimeout().toMillis()));
        HttpClient base = HttpClient.create(provider)
                .runOn(loops, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectMillis)
                .responseTimeout(backend.responseTimeout())
                .followRedirect(false)
                .compress(false)
                .keepAlive(true)
                .httpResponseDecoder(spec -> spec.maxHeaderSize(MAX_UPSTREAM_HEADER_BYTES));
        HttpClient withoutRetry = base.disableRetry(true);
        HttpClient[] retrying = new HttpClient[servers.size()];
        HttpClient[] once = new HttpClient[servers.size()];
        for (int i = 0; i < retrying.length; i++) {
            InetSocketAddress address = servers.get(i);
            retrying[i] = base.remoteAddress(() -> address);
            once[i] = withoutRetry.remoteAddress(() -> address);
        }
        return new Pool(provider, retrying, once);
    }

    private static final class Pool implements BackendPool {
        final ConnectionProvider provider;
        final HttpClient[] retryingClients;
        final HttpClient[] singleAttemptClients;

        Pool(ConnectionProvider provider, HttpClient[] retryingClients, HttpClient[] singleAttemptClients) {
            this.provider = provider;
            this.retryingClients = retryingClients;
            this.singleAttemptClients = singleAttemptClients;
        }

        @Override
        public void dispose() {
            provider.disposeLater().subscribe(null, e -> log.debug("closing a backend pool failed", e));
        }
    }

    @Override
    public Publisher<Void> forward(Upstream upstream, HttpServerRequest request, HttpServerResponse response,
                                   String requestTarget, String hostHeader) {
        Pool pool = (Pool) upstream.pool();
        HttpHeaders clientHeaders = request.requestHeaders();
        HttpMethod method = request.method();
        boolean chunkedBody = clientHeaders.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
        boolean hasBody = chunkedBody || contentLength(clientHeaders) > 0;
        int server = upstream.nextServerIndex();
        HttpClient client = !hasBody && isIdempotent(method)
                ? pool.retryingClients[server] : pool.singleAttemptClients[server];
        String clientAddress = clientAddress(request);

        return client.request(method)
                .uri(requestTarget)
                .send((upstreamRequest, out) -> {
                    // reactor-netty pre-fills Host, User-Agent and Accept: the backend must see the client's headers instead.
                    HttpHeaders headers = upstreamRequest.requestHeaders();
                    headers.clear();
                    ProxyHeaders.copyEndToEnd(clientHeaders, headers);
                    if (!hostHeader.equals(headers.get(HttpHeaderNames.HOST))) {
                        // Absolute-form request: its authority is the Host (RFC 9112 3.2.2).
                        headers.set(HttpHeaderNames.HOST, hostHeader);
                    }
                    ProxyHeaders.addForwardingHeaders(headers, clientAddress, "http", hostHeader);
                    if (!hasBody) {
                        return Mono.empty();
                    }
                    if (chunkedBody) {
                        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
                        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                    }
                    // sendObject streams for every method; send() would aggregate GET/HEAD/DELETE bodies.
                    return out.sendObject(request.receive().retain());
                })
                .response((upstreamResponse, body) -> {
                    copyResponseHead(upstreamResponse, response, method);
                    return response.send(body.retain());
                })
                .then()
                .onErrorResume(error -> {
                    if (response.hasSentHeaders()) {
                        log.debug("backend {} failed after the response started; closing the client connection",
                                upstream.name(), error);
                        return Mono.error(error);
                    }
                    ErrorPage page = pageFor(error);
                    if (log.isDebugEnabled()) {
                        log.debug("backend {} server {} failed: {} -> {}", upstream.name(), upstream.server(server),
                                error.toString(), page.status());
                    }
                    return Mono.from(ErrorResponses.send(response, method, page));
                });
    }

    private static void copyResponseHead(HttpClientResponse upstreamResponse, HttpServerResponse response, HttpMethod method) {
        HttpResponseStatus status = upstreamResponse.status();
        response.status(status);
        HttpHeaders headers = response.responseHeaders();
        headers.clear();
        HttpHeaders upstreamHeaders = upstreamResponse.responseHeaders();
        ProxyHeaders.copyEndToEnd(upstreamHeaders, headers);
        boolean bodyAllowed = !HttpMethod.HEAD.equals(method) && status.code() >= 200
                && status.code() != 204 && status.code() != 304;
        if (bodyAllowed && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            // The backend chunked or closed to end its body; our connection to the client frames it by chunks.
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
    }

    /** The error page for a failure before the response started. */
    static ErrorPage pageFor(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof io.netty.handler.timeout.TimeoutException) {
                return ErrorPage.GATEWAY_TIMEOUT;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return ErrorPage.BAD_GATEWAY;
    }

    private static long contentLength(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            // The server's decoder rejects malformed lengths before we get here; treat leftovers as bodyless.
            return 0;
        }
    }

    private static boolean isIdempotent(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
                || HttpMethod.PUT.equals(method) || HttpMethod.DELETE.equals(method) || HttpMethod.TRACE.equals(method);
    }

    private static String clientAddress(HttpServerRequest request) {
        InetSocketAddress remote = request.remoteAddress();
        if (remote == null) {
            return null;
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }
}
