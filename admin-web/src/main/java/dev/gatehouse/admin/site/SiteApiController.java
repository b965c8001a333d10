package dev.gatehouse.admin.site;

import dev.gatehouse.admin.api.ApiController;
import dev.gatehouse.admin.site.SiteCommand.HeaderRuleCommand;
import dev.gatehouse.admin.site.SiteCommand.HeadersCommand;
import dev.gatehouse.admin.site.SiteCommand.HttpsCommand;
import dev.gatehouse.admin.site.SiteCommand.PoliciesCommand;
import dev.gatehouse.admin.site.SiteCommand.RateLimitCommand;
import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;
import dev.gatehouse.admin.site.SiteCommand.SizeLimitsCommand;
import dev.gatehouse.admin.site.SiteCommand.WebsocketCommand;
import dev.gatehouse.storage.site.SiteHeaders;
import dev.gatehouse.storage.site.SitePolicies;
import dev.gatehouse.storage.site.SiteRedirect;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/sites}: list, create, read, replace, delete. Body:
 * {@code {"hostnames":["app.example.test"],"backend":"app","enabled":true}}; {@code enabled} is
 * optional (a new site is enabled, an edited one keeps its state).
 *
 * <p>HTTPS, all optional: {@code "certificate":"shop"} (an uploaded certificate, by name, covering
 * every hostname), {@code "forceHttps":true}, {@code "hsts":true} with {@code "hstsMaxAge"} (seconds,
 * default one year), {@code "hstsIncludeSubDomains"} and {@code "hstsPreload"}; {@code "http2":false}
 * makes HTTPS clients use HTTP/1.1 (default true: HTTP/2 offered by ALPN). PUT replaces the whole
 * site, so a PUT without {@code certificate} makes the site HTTP-only.
 *
 * <p>WebSockets, optional: {@code "websockets":true} passes WebSocket upgrades to the backend (default
 * false), {@code "websocketIdleTimeoutMs"} closes a WebSocket silent for that long (1 s to 24 h, default
 * 600000 = 10 minutes; only with {@code websockets} on). A PUT without {@code websockets} turns them off.
 *
 * <p>Redirect instead of forwarding: {@code "redirect":{"target":"https://new.example.com","status":301,
 * "keepPath":true}} (status 301, 302, 307 or 308, default 301; keepPath default true), and then no
 * {@code backend}. Headers, optional: {@code "passHost":false} sends the server's own address as Host
 * (default true), {@code "requestHeaders"} and {@code "responseHeaders"} are ordered lists of
 * {@code {"action":"set|add|remove","name":"X-A","value":"b"}}; {@code "trustedProxies":["10.0.0.0/8"]}
 * lists the load balancers in front (IP addresses or CIDR blocks) whose {@code X-Forwarded-For} is
 * believed and extended (default none: it is replaced by the address the proxy saw), and
 * {@code "forwardedHeader":true} also sends RFC 7239 {@code Forwarded} (default false). A PUT without
 * them restores the defaults.
 *
 * <p>Policies, optional, applied to every request of a forwarding site before a backend is chosen:
 * <pre>{@code
 * "policies": {"accessList": "staff",               [null = none] an access list, by name
 *              "rateLimit": {"requests": 10,        [null = no limit] 1-1000000 per client IP and period
 *                            "periodSeconds": 60,   [1] 1-3600
 *                            "burst": 5},           [0] 0-100000 more at once; over it: 429 with Retry-After
 *              "blockExploits": true,               [true] 403 for path traversal, /.env, /.git, scanner paths,
 *                                                    SQL-injection, XSS and Log4Shell probes
 *              "limits": {"maxBodyBytes": 10485760, [0 = no limit] 413 beyond
 *                         "maxHeaderBytes": 8192,   [0 = the proxy's 16384] 1-16384, 431 beyond
 *                         "maxUrlLength": 2048}}    [0 = the proxy's 8192] 1-8192, 414 beyond
 * }</pre>
 * A PUT without {@code policies} restores the defaults (exploits blocked, nothing else).
 */
@ApiController
@RequestMapping("/api/v1/sites")
public class SiteApiController {

    private final SiteService sites;

    public SiteApiController(SiteService sites) {
        this.sites = sites;
    }

    public record SiteRequest(List<String> hostnames, String backend, Boolean enabled, String certificate,
                              Boolean forceHttps, Boolean hsts, Long hstsMaxAge, Boolean hstsIncludeSubDomains,
                              Boolean hstsPreload, Boolean websockets, Long websocketIdleTimeoutMs,
                              RedirectCommand redirect, Boolean passHost, List<HeaderRuleCommand> requestHeaders,
                              List<HeaderRuleCommand> responseHeaders, Boolean http2, List<String> trustedProxies,
                              Boolean forwardedHeader, PoliciesCommand policies) {

        SiteCommand toCommand() {
            return new SiteCommand(hostnames, backend, enabled, new HttpsCommand(certificate, isTrue(forceHttps),
                    isTrue(hsts), hstsMaxAge, isTrue(hstsIncludeSubDomains), isTrue(hstsPreload), http2 == null || http2),
                    new WebsocketCommand(isTrue(websockets), websocketIdleTimeoutMs), redirect,
                    new HeadersCommand(passHost == null || passHost, requestHeaders, responseHeaders, trustedProxies,
                            isTrue(forwardedHeader)),
                    policies == null ? PoliciesCommand.DEFAULT : policies);
        }

        private static boolean isTrue(Boolean value) {
            return Boolean.TRUE.equals(value);
        }
    }

    /**
     * {@code hstsMaxAge} is null when the site sends no HSTS header. {@code websocketIdleTimeoutMs} is
     * the timeout in effect (600000 when none was given) while {@code websockets} is on, and null while it
     * is off, so that a body read here can be sent back with PUT as it is. {@code policies} has every default
     * filled in: {@code rateLimit} null when there is none, limits 0 where the site has none of its own.
     */
    public record SiteResponse(long id, List<String> hostnames, String backend, boolean enabled, String certificate,
                               boolean forceHttps, boolean hsts, Long hstsMaxAge, boolean hstsIncludeSubDomains,
                               boolean hstsPreload, boolean websockets, Long websocketIdleTimeoutMs,
                               RedirectCommand redirect, boolean passHost, List<HeaderRuleCommand> requestHeaders,
                               List<HeaderRuleCommand> responseHeaders, boolean http2, List<String> trustedProxies,
                               boolean forwardedHeader, PoliciesCommand policies, Instant createdAt,
                               Instant updatedAt) {

        static SiteResponse of(SiteView view) {
            SiteRedirect redirect = view.redirect();
            return new SiteResponse(view.id(), view.hostnames(), view.backend(), view.enabled(), view.certificate(),
                    view.forceHttps(), view.hsts(), view.hstsMaxAgeSeconds(), view.hstsIncludeSubDomains(),
                    view.hstsPreload(), view.websockets(), view.websocketIdleTimeoutMsInEffect(),
                    redirect == null ? null : new RedirectCommand(redirect.target(), redirect.status(), redirect.keepPath()),
                    view.headers().passHost(), rules(view.headers().request()), rules(view.headers().response()),
                    view.http2(), view.headers().trustedProxies(), view.headers().forwardedHeader(),
                    policies(view), view.createdAt(), view.updatedAt());
        }

        private static PoliciesCommand policies(SiteView view) {
            SitePolicies policies = view.policies();
            SitePolicies.SiteRateLimit rate = policies.rateLimit();
            return new PoliciesCommand(view.accessList(),
                    rate == null ? null : new RateLimitCommand(rate.requests(), rate.periodSeconds(), rate.burst()),
                    policies.blockExploits(), new SizeLimitsCommand(policies.maxBodyBytes(), policies.maxHeaderBytes(),
                            policies.maxUrlLength()));
        }

        private static List<HeaderRuleCommand> rules(List<SiteHeaders.Rule> rules) {
            return rules.stream().map(rule -> new HeaderRuleCommand(rule.action(), rule.name(), rule.value())).toList();
        }
    }

    @GetMapping
    public Flux<SiteResponse> list() {
        return sites.list().map(SiteResponse::of);
    }

    @GetMapping("/{id}")
    public Mono<SiteResponse> get(@PathVariable long id) {
        return sites.get(id).map(SiteResponse::of);
    }

    @PostMapping
    public Mono<ResponseEntity<SiteResponse>> create(@RequestBody SiteRequest request, Principal principal) {
        return sites.create(request.toCommand(), principal.getName())
                .map(view -> ResponseEntity.created(URI.create("/api/v1/sites/" + view.id()))
                        .body(SiteResponse.of(view)));
    }

    @PutMapping("/{id}")
    public Mono<SiteResponse> replace(@PathVariable long id, @RequestBody SiteRequest request, Principal principal) {
        return sites.update(id, request.toCommand(), principal.getName()).map(SiteResponse::of);
    }

    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<Void>> delete(@PathVariable long id, Principal principal) {
        return sites.delete(id, principal.getName()).thenReturn(ResponseEntity.noContent().build());
    }
}
