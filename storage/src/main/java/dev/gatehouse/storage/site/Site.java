package dev.gatehouse.storage.site;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored site: the hostnames it answers for, the backend it forwards to, its TLS and its WebSocket
 * settings.
 *
 * @param id         database identity
 * @param hostnames  lower-case hostnames, exact or {@code *.example.com}, in the order entered;
 *                   each belongs to this site only
 * @param backendId  id of the backend requests are forwarded to; null exactly when {@code redirect} is set
 * @param enabled    false keeps the site stored but out of the live configuration
 * @param createdAt  when the site was first stored (UTC)
 * @param updatedAt  when the site was last changed (UTC); equals {@code createdAt} until then
 * @param tls        certificate, force-HTTPS and HSTS settings; null is read as {@link SiteTls#NONE}
 * @param websockets whether WebSocket upgrades pass, and their idle timeout; null is read as
 *                   {@link SiteWebsockets#OFF}
 * @param redirect   null (the default) = the site forwards to its backend; otherwise it is a redirection
 *                   host answering every request with this redirect
 * @param headers    Host passing and header rules; null is read as {@link SiteHeaders#DEFAULT}
 * @param policies   access list, rate limit, exploit blocking and size limits; null is read as
 *                   {@link SitePolicies#DEFAULT}
 */
public record Site(long id, List<String> hostnames, Long backendId, boolean enabled, Instant createdAt, Instant updatedAt,
                   SiteTls tls, SiteWebsockets websockets, SiteRedirect redirect, SiteHeaders headers,
                   SitePolicies policies) {

    public Site {
        hostnames = List.copyOf(hostnames);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        tls = tls == null ? SiteTls.NONE : tls;
        websockets = websockets == null ? SiteWebsockets.OFF : websockets;
        headers = headers == null ? SiteHeaders.DEFAULT : headers;
        policies = policies == null ? SitePolicies.DEFAULT : policies;
    }

    /** A site with the default policies; kept for callers written before sites had them. */
    public Site(long id, List<String> hostnames, Long backendId, boolean enabled, Instant createdAt, Instant updatedAt,
                SiteTls tls, SiteWebsockets websockets, SiteRedirect redirect, SiteHeaders headers) {
        this(id, hostnames, backendId, enabled, createdAt, updatedAt, tls, websockets, redirect, headers, null);
    }

    /** A forwarding site with the default header policy; kept for callers written before sites could redirect. */
    public Site(long id, List<String> hostnames, long backendId, boolean enabled, Instant createdAt, Instant updatedAt,
                SiteTls tls, SiteWebsockets websockets) {
        this(id, hostnames, backendId, enabled, createdAt, updatedAt, tls, websockets, null, SiteHeaders.DEFAULT);
    }

    /** True when the site answers every request with its redirect instead of forwarding. */
    public boolean redirecting() {
        return redirect != null;
    }

    /** A site without WebSockets ({@link SiteWebsockets#OFF}); kept for callers written before sites had them. */
    public Site(long id, List<String> hostnames, long backendId, boolean enabled, Instant createdAt, Instant updatedAt,
                SiteTls tls) {
        this(id, hostnames, backendId, enabled, createdAt, updatedAt, tls, SiteWebsockets.OFF);
    }

    /** A site without TLS settings ({@link SiteTls#NONE}); kept for callers written before sites had them. */
    public Site(long id, List<String> hostnames, long backendId, boolean enabled, Instant createdAt, Instant updatedAt) {
        this(id, hostnames, backendId, enabled, createdAt, updatedAt, SiteTls.NONE);
    }
}
