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
 */
public record SiteCommand(List<String> hostnames, String backend, Boolean enabled, HttpsCommand https,
                          WebsocketCommand websockets, RedirectCommand redirect, HeadersCommand headers) {

    public SiteCommand {
        hostnames = hostnames == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(hostnames));
        https = https == null ? HttpsCommand.NONE : https;
        websockets = websockets == null ? WebsocketCommand.OFF : websockets;
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
     */
    public record HttpsCommand(String certificate, boolean forceHttps, boolean hsts, Long hstsMaxAgeSeconds,
                               boolean hstsIncludeSubDomains, boolean hstsPreload) {

        public static final HttpsCommand NONE = new HttpsCommand(null, false, false, null, false, false);
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
     * The header policy of a site; {@link HeaderRuleValidator} checks it.
     *
     * @param passHost true (the default): the backend gets the Host the client sent; false: the server's
     *     own host:port
     * @param request changes to requests going to the backend, in order; default none
     * @param response changes to responses going to the client, in order; default none
     */
    public record HeadersCommand(boolean passHost, List<HeaderRuleCommand> request, List<HeaderRuleCommand> response) {

        public static final HeadersCommand DEFAULT = new HeadersCommand(true, List.of(), List.of());

        public HeadersCommand {
            request = request == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(request));
            response = response == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(response));
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
}
