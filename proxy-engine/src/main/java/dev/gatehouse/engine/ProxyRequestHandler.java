package dev.gatehouse.engine;

import dev.gatehouse.engine.config.DefaultSiteDefinition;
import dev.gatehouse.engine.config.RedirectDefinition;
import dev.gatehouse.engine.errorpage.ErrorPage;
import dev.gatehouse.engine.forward.RequestRouter;
import dev.gatehouse.engine.forward.Upstream;
import dev.gatehouse.engine.policy.AccessControl;
import dev.gatehouse.engine.policy.ClientAddresses;
import dev.gatehouse.engine.policy.CredentialVerifier;
import dev.gatehouse.engine.policy.ExploitRules;
import dev.gatehouse.engine.policy.RateLimiter;
import dev.gatehouse.engine.policy.SitePolicy;
import dev.gatehouse.engine.routing.CompiledSite;
import dev.gatehouse.engine.routing.HostNames;
import dev.gatehouse.engine.routing.Route;
import dev.gatehouse.engine.routing.RoutingTable;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.Map;
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
 *
 * <p>Between finding the route and forwarding runs the site's request filter phase
 * ({@link SitePolicy}): size limits (413/414/431), exploit blocking (403), its access list (403, or
 * 401 asking for a sign-in; a password not checked lately is checked off the event loop while the
 * request waits) and its rate limit per client (429).
 */
final class ProxyRequestHandler implements RequestRouter {

    /** Retain attempts before giving up (only reachable while the engine is closing). */
    private static final int MAX_RETAIN_ATTEMPTS = 4;
    /** Paths never redirected to HTTPS; see the class comment. */
    static final String ACME_CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

    private static final Logger log = LoggerFactory.getLogger(ProxyRequestHandler.class);

    private final AtomicReference<LiveConfig> live;
    /** Basic-auth passwords are checked here, off the event loops, and the verdicts cached. */
    private final CredentialVerifier verifier = new CredentialVerifier();
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
            if (attempt == 0 && site.policy() != null && !admitted(site, site.policy(), request, target, decision)) {
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
     * The request filter phase, in order: the site's size limits, exploit blocking, access list, rate
     * limit. False when the request was answered (or is held for a password check) and goes no further.
     */
    private boolean admitted(CompiledSite<Upstream> site, SitePolicy policy, HttpRequest request, String target,
                             Decision decision) {
        HttpHeaders headers = request.headers();
        if (policy.maxUrlLength() > 0 && target.length() > policy.maxUrlLength()) {
            decision.reject(ErrorPage.URI_TOO_LONG);
            return false;
        }
        if (policy.maxHeaderBytes() > 0 && headerBytes(headers) > policy.maxHeaderBytes()) {
            decision.reject(ErrorPage.HEADERS_TOO_LARGE);
            return false;
        }
        if (policy.maxBodyBytes() > 0) {
            if (HttpUtil.getContentLength(request, -1L) > policy.maxBodyBytes()) {
                decision.reject(ErrorPage.PAYLOAD_TOO_LARGE);
                return false;
            }
            decision.limitRequestBody(policy.maxBodyBytes());
        }
        if (policy.blockExploits()) {
            ExploitRules.Rule rule = ExploitRules.match(target, headers);
            if (rule != null) {
                if (log.isDebugEnabled()) {
                    log.debug("site {}: blocked a request matching exploit rule {}", site.id(), rule.id());
                }
                decision.reject(ErrorPage.BLOCKED);
                return false;
            }
        }
        InetSocketAddress client = null;
        AccessControl access = policy.access();
        if (access != null) {
            client = ClientAddresses.of(decision.clientAddress(), headers, site.headers());
            String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
            switch (access.check(client, authorization, verifier)) {
                case PASS -> {
                }
                case FORBIDDEN -> {
                    decision.reject(ErrorPage.FORBIDDEN);
                    return false;
                }
                case CHALLENGE -> {
                    decision.reject(ErrorPage.UNAUTHORIZED, HttpHeaderNames.WWW_AUTHENTICATE, access.challenge());
                    return false;
                }
                case VERIFY -> {
                    decision.routeAgainAfter(access.verify(authorization, verifier));
                    return false;
                }
            }
        }
        RateLimiter limiter = policy.rateLimiter();
        if (limiter != null) {
            if (client == null) {
                client = ClientAddresses.of(decision.clientAddress(), headers, site.headers());
            }
            long waitNanos = client == null || client.getAddress() == null ? 0
                    : limiter.acquire(client.getAddress(), System.nanoTime());
            if (waitNanos > 0) {
                long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
                decision.reject(ErrorPage.TOO_MANY_REQUESTS, HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
                return false;
            }
        }
        return true;
    }

    /** Header bytes as sent: each name and value plus ": " and CRLF. */
    private static int headerBytes(HttpHeaders headers) {
        int bytes = 0;
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = entries.next();
            bytes += header.getKey().length() + header.getValue().length() + 4;
        }
        return bytes;
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
