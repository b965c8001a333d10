package dev.gatehouse.admin.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * Refuses dashboard and API requests from outside {@code gatehouse.admin.allowed-networks}
 * ({@link AllowedNetworks}) with {@code 403} and a one-line plain-text reason.
 *
 * <p>It wraps the whole web handler rather than being one of its filters, so a refused request reaches
 * nothing at all: no filter, no session lookup or creation, no sign-in or throttle, no audit entry. The
 * address is the TCP peer of the connection (reactor-netty's channel), never a header: neither an
 * {@code X-Forwarded-For} nor a {@code Forwarded} header can claim to come from the LAN. With no networks
 * configured (the default) it is not installed at all.
 */
final class AllowedNetworksFilter implements HttpHandlerDecoratorFactory {

    private static final Logger log = LoggerFactory.getLogger(AllowedNetworksFilter.class);

    private final AllowedNetworks networks;

    AllowedNetworksFilter(AllowedNetworks networks) {
        this.networks = Objects.requireNonNull(networks, "networks");
    }

    @Override
    public HttpHandler apply(HttpHandler handler) {
        return (request, response) -> {
            InetAddress peer = peer(request);
            if (networks.allows(peer)) {
                return handler.handle(request, response);
            }
            log.debug("Refused a dashboard request from {}: not in gatehouse.admin.allowed-networks", peer);
            return refuse(response, peer);
        };
    }

    /** The connection's remote address, as the socket knows it; null when there is none. */
    static InetAddress peer(ServerHttpRequest request) {
        Object nativeRequest;
        try {
            nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        } catch (IllegalArgumentException notAServerRequest) {
            nativeRequest = null;
        }
        SocketAddress remote = nativeRequest instanceof Connection connection
                ? connection.channel().remoteAddress()
                : request.getRemoteAddress();
        return remote instanceof InetSocketAddress socket ? socket.getAddress() : null;
    }

    private static Mono<Void> refuse(ServerHttpResponse response, InetAddress peer) {
        response.setStatusCode(HttpStatus.FORBIDDEN);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
        headers.setCacheControl("no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.setConnection("close");
        String body = "Forbidden: the Gatehouse dashboard does not accept connections from "
                + (peer == null ? "this address" : peer.getHostAddress())
                + " (see gatehouse.admin.allowed-networks)\n";
        DataBuffer buffer = response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(buffer));
    }
}
