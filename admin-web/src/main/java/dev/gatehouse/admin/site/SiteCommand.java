package dev.gatehouse.admin.site;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a form or API call asks a site to be. Values are raw user input; {@link HostnameValidator}
 * and {@link SiteService} check and normalize them.
 *
 * @param hostnames exact ({@code app.example.com}) or wildcard ({@code *.example.com}) names, in order
 * @param backend the name of an existing backend
 * @param enabled null means "enabled" for a new site and "keep as it is" for an existing one, so an
 *     edit form without the switch never silently re-enables a disabled site
 * @param https the site's certificate and HTTPS settings; {@link HttpsCommand#NONE} = HTTP only
 * @param websockets whether WebSocket upgrades pass, and their idle timeout; {@link WebsocketCommand#OFF}
 *     = no WebSockets
 * @param redirect null (the default) = the site forwards to {@code backend}; otherwise it redirects every
 *     request and {@code backend} must be absent
 * @param headers Host passing and header rules; {@link HeadersCommand#DEFAULT} = pass Host, change nothing;
 *     null = keep what an edited site has (a new site gets the default); the dashboard form sends null for
 *     a redirect site, whose Headers section is hidden
 * @param policies access list, rate limit, exploit blocking and size limits; {@link PoliciesCommand#DEFAULT} =
 *     exploits blocked, nothing else; null = keep what an edited site has (a new site gets the default), as
 *     for {@code headers}: the engine applies them to forwarding sites only
 */
public record SiteCommand(List<String> hostnames, String backend, Boolean enabled, HttpsCommand https,
                          WebsocketCommand websockets, RedirectCommand redirect, HeadersCommand headers,
                          PoliciesCommand policies) {

    public SiteCommand {
        hostnames = hostnames == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(hostnames));
        https = https == null ? HttpsCommand.NONE : https;
        websockets = websockets == null ? WebsocketCommand.OFF : websockets;
    }

    /** A site whose policies an edit keeps (a new one gets the default). */
    public SiteCommand(List<String> hostnames, String backend, Boolean enabled, HttpsCommand https,
                       WebsocketCommand websockets, RedirectCommand redirect, HeadersCommand headers) {
        this(hostnames, backend, enabled, https, websockets, redirect, headers, null);
    }

    /** A forwarding site; an edited one keeps its header policy. */
    public SiteCommand(List<String> hostnames, String backend, Boolean enabled, HttpsCommand https,
                       WebsocketCommand websockets) {
        this(hostnames, backend, enabled, https, websockets, null, null);
    }

    /** A site without WebSockets. */
    public SiteCommand(List<String> hostnames, String backend, Boolean enabled, HttpsCommand https) {
        this(hostnames, backend, enabled, https, WebsocketCommand.OFF);
    }

    /** A site served over HTTP only, without WebSockets. */
    public SiteCommand(List<String> hostnames, String backend, Boolean enabled) {
        this(hostnames, backend, enabled, HttpsCommand.NONE);
    }

    /**
     * HTTPS for a site.
     *
     * @param certificate the name of an uploaded certificate covering every hostname; blank = none
     *     (the site is then served over HTTP only, and HTTPS requests get the default certificate)
     * @param forceHttps redirect HTTP requests to HTTPS (301, or 308 for methods other than GET/HEAD);
     *     needs a certificate. Default false.
     * @param hsts send {@code Strict-Transport-Security} on HTTPS responses; needs a certificate.
     *     Default false.
     * @param hstsMaxAgeSeconds how long browsers remember to use HTTPS only; null = one year
     * @param hstsIncludeSubDomains the policy covers every subdomain too. Default false.
     * @param hstsPreload ask to be preloaded into browsers (needs includeSubDomains and at least a
     *     year). Default false.
     * @param http2 offer HTTP/2 to HTTPS clients. Default true; false: they use HTTP/1.1, for apps that
     *     misbehave with HTTP/2. Applies with or without a certificate of the site's own.
     */
    public record HttpsCommand(String certificate, boolean forceHttps, boolean hsts, Long hstsMaxAgeSeconds,
                               boolean hstsIncludeSubDomains, boolean hstsPreload, boolean http2) {

        public static final HttpsCommand NONE = new HttpsCommand(null, false, false, null, false, false, true);

        /** HTTPS settings with HTTP/2 on. */
        public HttpsCommand(String certificate, boolean forceHttps, boolean hsts, Long hstsMaxAgeSeconds,
                            boolean hstsIncludeSubDomains, boolean hstsPreload) {
            this(certificate, forceHttps, hsts, hstsMaxAgeSeconds, hstsIncludeSubDomains, hstsPreload, true);
        }
    }

    /**
     * WebSockets for a site; {@link WebsocketValidator} checks it.
     *
     * @param enabled pass HTTP/1.1 WebSocket upgrades ({@code Upgrade: websocket}) to the backend. Default
     *     false: the Upgrade header is dropped and the backend answers the request as plain HTTP.
     * @param idleTimeoutMs an open WebSocket without traffic either way for this long is closed, 1 s to
     *     24 h; null = the engine's default (10 minutes). Only allowed with {@code enabled}.
     */
    public record WebsocketCommand(boolean enabled, Long idleTimeoutMs) {

        public static final WebsocketCommand OFF = new WebsocketCommand(false, null);
    }

    /**
     * A redirect, of a site or of the default site; {@link RedirectValidator} checks it.
     *
     * @param target absolute http(s) URL without query or fragment, e.g. {@code https://new.example.com}
     * @param status 301 (permanent), 302 (temporary), 307 or 308; null = 301
     * @param keepPath append the request's path and query to the target; null = true
     */
    public record RedirectCommand(String target, Integer status, Boolean keepPath) {
    }

    /**
     * The header policy of a site; {@link HeaderRuleValidator} checks the rules and
     * {@link TrustedProxyValidator} the trusted proxies.
     *
     * @param passHost true (the default): the backend gets the Host the client sent; false: the server's
     *     own host:port
     * @param request changes to requests going to the backend, in order; default none
     * @param response changes to responses going to the client, in order; default none
     * @param trustedProxies IP addresses or CIDR blocks of load balancers in front whose
     *     {@code X-Forwarded-For} (and {@code -Proto}, {@code -Host}, {@code Forwarded}) are believed and
     *     extended; default none: those headers from any client are replaced by what the proxy saw
     * @param forwardedHeader also send the RFC 7239 {@code Forwarded} header; default false
     */
    public record HeadersCommand(boolean passHost, List<HeaderRuleCommand> request, List<HeaderRuleCommand> response,
                                 List<String> trustedProxies, boolean forwardedHeader) {

        public static final HeadersCommand DEFAULT = new HeadersCommand(true, List.of(), List.of(), List.of(), false);

        public HeadersCommand {
            request = request == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(request));
            response = response == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(response));
            // null entries stay, for the validator to name
            trustedProxies = trustedProxies == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(trustedProxies));
        }

        /** Host passing and rules, trusting no proxy in front and sending no Forwarded header. */
        public HeadersCommand(boolean passHost, List<HeaderRuleCommand> request, List<HeaderRuleCommand> response) {
            this(passHost, request, response, List.of(), false);
        }
    }

    /**
     * One header change, as typed.
     *
     * @param action {@code set}, {@code add} or {@code remove} (any case)
     * @param name the header name
     * @param value the value for set and add; ignored for remove
     */
    public record HeaderRuleCommand(String action, String name, String value) {
    }

    /**
     * The request filters of a site; {@link SitePolicyValidator} checks them. Also the API's JSON shape.
     *
     * @param accessList the name of an access list guarding the site; null or blank (the default) = none
     * @param rateLimit requests per client IP; null (the default) = no limit
     * @param blockExploits refuse requests matching the common-exploit rules (path traversal, /.env, /.git,
     *     scanner paths, SQL-injection and XSS probes, Log4Shell lookups) with 403; null = true, the default
     * @param limits size limits; null = none of the site's own
     */
    public record PoliciesCommand(String accessList, RateLimitCommand rateLimit, Boolean blockExploits,
                                  SizeLimitsCommand limits) {

        public static final PoliciesCommand DEFAULT = new PoliciesCommand(null, null, true, null);
    }

    /**
     * A rate limit per client IP (a token bucket): {@code requests} per {@code periodSeconds} on average and
     * {@code burst} more at once; over it, 429 with Retry-After.
     *
     * @param requests 1-1000000; required
     * @param periodSeconds 1-3600; null = 1 second
     * @param burst 0-100000 extra requests in a quick succession; null = 0
     */
    public record RateLimitCommand(Integer requests, Integer periodSeconds, Integer burst) {
    }

    /**
     * Size limits of a site's own; null or 0 = none (the engine's 16 KiB of headers and 8 KiB of URL apply).
     *
     * @param maxBodyBytes the largest request body in bytes (413 beyond)
     * @param maxHeaderBytes the most header bytes a request may carry, up to 16384 (431 beyond)
     * @param maxUrlLength the longest request target (path and query), up to 8192 (414 beyond)
     */
    public record SizeLimitsCommand(Long maxBodyBytes, Integer maxHeaderBytes, Integer maxUrlLength) {
    }
}
