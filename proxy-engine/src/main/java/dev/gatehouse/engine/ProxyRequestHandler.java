package dev.gatehouse.engine;

import dev.gatehouse.engine.errorpage.ErrorPage;
import dev.gatehouse.engine.forward.RequestRouter;
import dev.gatehouse.engine.forward.Upstream;
import dev.gatehouse.engine.routing.HostNames;
import dev.gatehouse.engine.routing.Route;
import dev.gatehouse.engine.routing.RoutingTable;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The front of every request: reads the live table once, finds the site by Host and the route by
 * path, answers the engine's own pages (400, 404), and sends routed requests on to the forwarder
 * (which holds a reference on the backend so its pool outlives the request even if an apply removes
 * it meanwhile). Runs on the client connection's event loop; takes no lock.
 */
final class ProxyRequestHandler implements RequestRouter {

    /** Retain attempts before giving up (only reachable while the engine is closing). */
    private static final int MAX_RETAIN_ATTEMPTS = 4;

    private final AtomicReference<LiveConfig> live;

    ProxyRequestHandler(AtomicReference<LiveConfig> live) {
        this.live = live;
    }

    @Override
    public void route(HttpRequest request, Decision decision) {
        String uri = request.uri();
        String hostHeader;
        String target;
        if (!uri.isEmpty() && uri.charAt(0) == '/') {
            hostHeader = singleHost(request.headers());
            target = uri;
        } else {
            // Absolute form (RFC 9112 3.2.2): the URI's authority replaces the Host header.
            int schemeEnd = uri.startsWith("http://") ? 7 : uri.startsWith("https://") ? 8 : -1;
            if (schemeEnd < 0) {
                decision.reject(ErrorPage.BAD_HOST);
                return;
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
            decision.reject(ErrorPage.BAD_HOST);
            return;
        }
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);

        RoutingTable<Upstream> table = live.get().table();
        for (int attempt = 0; attempt < MAX_RETAIN_ATTEMPTS; attempt++) {
            Route<Upstream> route = table.route(host, path);
            if (route == null) {
                decision.reject(table.hasSite(host) ? ErrorPage.NO_ROUTE : ErrorPage.NO_SITE);
                return;
            }
            if (target != uri) {
                // Forwarded in origin form, with the authority as Host.
                request.setUri(target);
                request.headers().set(HttpHeaderNames.HOST, hostHeader);
            }
            if (decision.forward(route.backend())) {
                return;
            }
            // The backend was removed and fully drained between our read and now: a newer table is live.
            table = live.get().table();
        }
        decision.reject(ErrorPage.BAD_GATEWAY);
    }

    /** The Host header, or null when it is missing or repeated (RFC 9112 3.2: both are a 400). */
    private static String singleHost(HttpHeaders headers) {
        Iterator<? extends CharSequence> values = headers.valueCharSequenceIterator(HttpHeaderNames.HOST);
        if (!values.hasNext()) {
            return null;
        }
        CharSequence host = values.next();
        return values.hasNext() ? null : host.toString();
    }
}
