package dev.gatehouse.engine;

import dev.gatehouse.engine.config.DefaultSiteDefinition;
import dev.gatehouse.engine.config.RedirectDefinition;
import dev.gatehouse.engine.errorpage.ErrorPage;
import dev.gatehouse.engine.forward.RequestRouter;
import dev.gatehouse.engine.forward.Upstream;
import dev.gatehouse.engine.routing.CompiledSite;
import dev.gatehouse.engine.routing.HostNames;
import dev.gatehouse.engine.routing.Route;
import dev.gatehouse.engine.routing.RoutingTable;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The front of every request: reads the live table once, finds the site by Host and the route by
 * path, answers the engine's own pages (400, 404), and sends routed requests on to the forwarder
 * (which holds a reference on the backend so its pool outlives the request even if an apply removes
 * it meanwhile). Runs on the client connection's event loop; takes no lock.
 *
 * <p>Per site, with the same host lookup: on the plain HTTP listener a force-HTTPS site answers a
 * redirect to the same host, path and query over HTTPS (301 for GET and HEAD; 308 otherwise, so
 * the method and body are repeated), except ACME HTTP-01 challenges under
 * {@value #ACME_CHALLENGE_PREFIX}: a certificate authority fetches them over plain HTTP on port 80
 * and, although it follows redirects, a site whose certificate has expired or does not exist yet
 * could never get one if the challenge were sent to its broken HTTPS. Over TLS, an HSTS site's
 * responses get its Strict-Transport-Security header.
 */
final class ProxyRequestHandler implements RequestRouter {

    /** Retain attempts before giving up (only reachable while the engine is closing). */
    private static final int MAX_RETAIN_ATTEMPTS = 4;
    /** Paths never redirected to HTTPS; see the class comment. */
    static final String ACME_CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

    private final AtomicReference<LiveConfig> live;
    /** {@code :port} for redirect URLs, or "" for 443; set once the HTTPS listener is bound. */
    private volatile String httpsPortSuffix = "";

    ProxyRequestHandler(AtomicReference<LiveConfig> live) {
        this.live = live;
    }

    /** The HTTPS port written into redirect URLs (left out when it is 443). */
    void redirectToPort(int httpsPort) {
        httpsPortSuffix = httpsPort == 443 ? "" : ":" + httpsPort;
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
        CompiledSite<Upstream> site = table.site(host);
        if (site != null) {
            if (site.websocketIdleNanos() > 0) {
                decision.allowWebsockets(site.websocketIdleNanos());
            }
            if (site.headers() != null) {
                decision.headers(site.headers());
            }
            if (decision.secure()) {
                if (site.strictTransportSecurity() != null) {
                    decision.strictTransportSecurity(site.strictTransportSecurity());
                }
            } else if (site.forceHttps() && !path.startsWith(ACME_CHALLENGE_PREFIX)) {
                redirectToHttps(request, host, target, decision);
                return;
            }
            if (site.redirect() != null) {
                redirect(site.redirect(), target, decision);
                return;
            }
        } else {
            DefaultSiteDefinition unknownHosts = table.defaultSite();
            switch (unknownHosts.action()) {
                case REDIRECT -> {
                    redirect(unknownHosts.redirect(), target, decision);
                    return;
                }
                case CLOSE -> {
                    decision.closeConnection();
                    return;
                }
                case NOT_FOUND -> {
                    // the page below
                }
            }
        }
        for (int attempt = 0; attempt < MAX_RETAIN_ATTEMPTS; attempt++) {
            if (site == null) {
                decision.reject(ErrorPage.NO_SITE);
                return;
            }
            Route<Upstream> route = site.route(path);
            if (route == null) {
                decision.reject(ErrorPage.NO_ROUTE);
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
            site = live.get().table().site(host);
        }
        decision.reject(ErrorPage.BAD_GATEWAY);
    }

    /**
     * 301 keeps GET and HEAD cacheable as permanent; 308 makes clients repeat other methods with
     * their body, where 301 lets them turn a POST into a GET.
     */
    private void redirectToHttps(HttpRequest request, String host, String target, Decision decision) {
        HttpMethod method = request.method();
        HttpResponseStatus status = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
                ? HttpResponseStatus.MOVED_PERMANENTLY : HttpResponseStatus.PERMANENT_REDIRECT;
        decision.redirect(status, "https://" + host + httpsPortSuffix + target);
    }

    private static void redirect(RedirectDefinition redirect, String target, Decision decision) {
        decision.redirect(HttpResponseStatus.valueOf(redirect.status()), redirect.location(target));
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
