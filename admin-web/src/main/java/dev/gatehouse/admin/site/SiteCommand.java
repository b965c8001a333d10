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
 */
public record SiteCommand(List<String> hostnames, String backend, Boolean enabled, HttpsCommand https,
                          WebsocketCommand websockets) {

    public SiteCommand {
        hostnames = hostnames == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(hostnames));
        https = https == null ? HttpsCommand.NONE : https;
        websockets = websockets == null ? WebsocketCommand.OFF : websockets;
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
}
