package dev.gatehouse.admin.site;

import java.time.Instant;
import java.util.List;
import dev.gatehouse.storage.site.SiteHeaders;
import dev.gatehouse.storage.site.SitePolicies;
import dev.gatehouse.storage.site.SiteRedirect;

/**
 * A stored site as the dashboard and the API show it.
 *
 * @param hostnames lower-case, in the order entered
 * @param backend the name of the backend it routes to; null for a redirect site
 * @param certificate the name of its certificate, or null when it is served over HTTP only
 * @param hstsMaxAgeSeconds the HSTS max-age, or null when the site sends no HSTS header
 * @param websockets whether WebSocket upgrades are passed to the backend
 * @param websocketIdleTimeoutMs the idle timeout as stored: null = the engine's default
 *     ({@link WebsocketValidator#DEFAULT_IDLE_TIMEOUT_MS}); always null while {@code websockets} is off
 * @param redirect where every request goes, or null when the site forwards to {@code backend}
 * @param headers Host passing, header rules and trusted proxies; null is read as {@link SiteHeaders#DEFAULT}
 * @param http2 whether HTTPS clients are offered HTTP/2 (the default) or only HTTP/1.1
 * @param policies rate limit, exploit blocking and size limits as stored (the access list by id); null is
 *     read as {@link SitePolicies#DEFAULT}
 * @param accessList the name of the access list guarding the site, or null when everyone may reach it
 */
public record SiteView(long id, List<String> hostnames, String backend, boolean enabled, String certificate,
                       boolean forceHttps, Long hstsMaxAgeSeconds, boolean hstsIncludeSubDomains, boolean hstsPreload,
                       boolean websockets, Long websocketIdleTimeoutMs, Instant createdAt, Instant updatedAt,
                       SiteRedirect redirect, SiteHeaders headers, boolean http2, SitePolicies policies,
                       String accessList) {

    public SiteView {
        hostnames = List.copyOf(hostnames);
        headers = headers == null ? SiteHeaders.DEFAULT : headers;
        policies = policies == null ? SitePolicies.DEFAULT : policies;
    }

    /** A site with the default policies. */
    public SiteView(long id, List<String> hostnames, String backend, boolean enabled, String certificate,
                    boolean forceHttps, Long hstsMaxAgeSeconds, boolean hstsIncludeSubDomains, boolean hstsPreload,
                    boolean websockets, Long websocketIdleTimeoutMs, Instant createdAt, Instant updatedAt,
                    SiteRedirect redirect, SiteHeaders headers, boolean http2) {
        this(id, hostnames, backend, enabled, certificate, forceHttps, hstsMaxAgeSeconds, hstsIncludeSubDomains,
                hstsPreload, websockets, websocketIdleTimeoutMs, createdAt, updatedAt, redirect, headers, http2, null,
                null);
    }

    /** A site with HTTP/2 on. */
    public SiteView(long id, List<String> hostnames, String backend, boolean enabled, String certificate,
                    boolean forceHttps, Long hstsMaxAgeSeconds, boolean hstsIncludeSubDomains, boolean hstsPreload,
                    boolean websockets, Long websocketIdleTimeoutMs, Instant createdAt, Instant updatedAt,
                    SiteRedirect redirect, SiteHeaders headers) {
        this(id, hostnames, backend, enabled, certificate, forceHttps, hstsMaxAgeSeconds, hstsIncludeSubDomains,
                hstsPreload, websockets, websocketIdleTimeoutMs, createdAt, updatedAt, redirect, headers, true);
    }

    /** A forwarding site with the default header policy. */
    public SiteView(long id, List<String> hostnames, String backend, boolean enabled, String certificate,
                    boolean forceHttps, Long hstsMaxAgeSeconds, boolean hstsIncludeSubDomains, boolean hstsPreload,
                    boolean websockets, Long websocketIdleTimeoutMs, Instant createdAt, Instant updatedAt) {
        this(id, hostnames, backend, enabled, certificate, forceHttps, hstsMaxAgeSeconds, hstsIncludeSubDomains,
                hstsPreload, websockets, websocketIdleTimeoutMs, createdAt, updatedAt, null, SiteHeaders.DEFAULT);
    }

    /** What the sites list shows instead of a backend for a redirect site: "→ https://new.example.com (301)". */
    public String redirectText() {
        return redirect == null ? null : "→ " + redirect.target() + " (" + redirect.status() + ")";
    }

    /** A site without WebSockets. */
    public SiteView(long id, List<String> hostnames, String backend, boolean enabled, String certificate,
                    boolean forceHttps, Long hstsMaxAgeSeconds, boolean hstsIncludeSubDomains, boolean hstsPreload,
                    Instant createdAt, Instant updatedAt) {
        this(id, hostnames, backend, enabled, certificate, forceHttps, hstsMaxAgeSeconds, hstsIncludeSubDomains,
                hstsPreload, false, null, createdAt, updatedAt);
    }

    /** A site served over HTTP only, without WebSockets. */
    public SiteView(long id, List<String> hostnames, String backend, boolean enabled, Instant createdAt,
                    Instant updatedAt) {
        this(id, hostnames, backend, enabled, null, false, null, false, false, createdAt, updatedAt);
    }

    /** Whether the site sends {@code Strict-Transport-Security}. */
    public boolean hsts() {
        return hstsMaxAgeSeconds != null;
    }

    /**
     * How long an idle WebSocket stays open, with the default filled in; null while WebSockets are off,
     * where no timeout applies (and none may be sent back).
     */
    public Long websocketIdleTimeoutMsInEffect() {
        if (!websockets) {
            return null;
        }
        return websocketIdleTimeoutMs == null ? WebsocketValidator.DEFAULT_IDLE_TIMEOUT_MS : websocketIdleTimeoutMs;
    }

    /** The idle timeout in effect in words ("10 min", "90 s"), for the sites list; null while WebSockets are off. */
    public String websocketIdleTimeoutText() {
        Long timeout = websocketIdleTimeoutMsInEffect();
        return timeout == null ? null : WebsocketValidator.duration(timeout);
    }
}
