package dev.gatehouse.engine;

import dev.gatehouse.engine.errorpage.ErrorPage;
import dev.gatehouse.engine.forward.ErrorResponses;
import dev.gatehouse.engine.forward.Forwarder;
import dev.gatehouse.engine.forward.Upstream;
import dev.gatehouse.engine.routing.HostNames;
import dev.gatehouse.engine.routing.Route;
import dev.gatehouse.engine.routing.RoutingTable;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * The front of every request: reads the live table once, finds the site by Host and the route by
 * path, answers the engine's own pages (400, 404), and hands routed requests to the {@link Forwarder}
 * while holding a reference on the backend so its pool outlives the request even if an apply
 * removes it meanwhile.
 */
final class ProxyRequestHandler implements BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {

    /** Retain attempts before giving up (only reachable while the engine is closing). */
    private static final int MAX_RETAIN_ATTEMPTS = 4;

    private final AtomicReference<LiveConfig> live;
    private final Forwarder forwarder;

    ProxyRequestHandler(AtomicReference<LiveConfig> live, Forwarder forwarder) {
        this.live = live;
        this.forwarder = forwarder;
    }

    @Override
    public Publisher<Void> apply(HttpServerRequest request, HttpServerResponse response) {
        String uri = request.uri();
        String hostHeader;
        String target;
        if (!uri.isEmpty() && uri.charAt(0) == '/') {
            hostHeader = singleHost(request.requestHeaders());
            target = uri;
        } else {
            // Absolute form (RFC 9112 3.2.2): the URI's authority replaces the Host header.
            int schemeEnd = uri.startsWith("http://") ? 7 : uri.startsWith("https://") ? 8 : -1;
            if (schemeEnd < 0) {
                return ErrorResponses.send(response, request.method(), ErrorPage.BAD_HOST);
            }
            int authorityEnd = schemeEnd;
            while (authorityEnd < uri.length() && uri.charAt(authorityEnd) != '/' && uri.charAt(authorityEnd) != '?') {
                authorityEnd++;
            }
            hostHeader = uri.substring(schemeEnd, authorityEnd);
            String rest = uri.substring(authorityEnd);
            target = rest.isEmpty() ? "/" : rest.charAt(0) == '?' ? "/" + rest : rest;
        }
        String host = HostNames.fromHostHeader(hostHeader);
        if (host == null) {
            return ErrorResponses.send(response, request.method(), ErrorPage.BAD_HOST);
        }
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);

        RoutingTable<Upstream> table = live.get().table();
        for (int attempt = 0; attempt < MAX_RETAIN_ATTEMPTS; attempt++) {
            Route<Upstream> route = table.route(host, path);
            if (route == null) {
                ErrorPage page = table.hasSite(host) ? ErrorPage.NO_ROUTE : ErrorPage.NO_SITE;
                return ErrorResponses.send(response, request.method(), page);
            }
            Upstream upstream = route.backend();
            if (upstream.retain()) {
                return Mono.from(forwarder.forward(upstream, request, response, target, hostHeader))
                        .doFinally(signal -> upstream.release());
            }
            // The backend was removed and fully drained between our read and now: a newer table is live.
            table = live.get().table();
        }
        return ErrorResponses.send(response, request.method(), ErrorPage.BAD_GATEWAY);
    }

    /** The Host header, or null when it is missing or repeated (RFC 9112 3.2: both are a 400). */
    private static String singleHost(HttpHeaders headers) {
        Iterator<String> values = headers.valueStringIterator(HttpHeaderNames.HOST);
        if (!values.hasNext()) {
            return null;
        }
        String host = values.next();
        return values.hasNext() ? null : host;
    }
}
