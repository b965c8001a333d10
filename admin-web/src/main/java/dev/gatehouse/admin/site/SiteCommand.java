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
 */
public record SiteCommand(List<String> hostnames, String backend, Boolean enabled, HttpsCommand https) {

    public SiteCommand {
        hostnames = hostnames == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(hostnames));
        https = https == null ? HttpsCommand.NONE : https;
    }

    /** A site served over HTTP only. */
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
}
