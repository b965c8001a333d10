package dev.gatehouse.admin.settings;

import dev.gatehouse.admin.api.ApiController;
import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;
import dev.gatehouse.storage.settings.DefaultSite;
import dev.gatehouse.storage.settings.ListenerSettings;
import java.security.Principal;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/settings/default-site}: what requests for host names no enabled site has get. Body:
 * {@code {"action":"not-found|redirect|close","redirect":{"target":"https://www.example.com","status":301,
 * "keepPath":false}}}; {@code redirect} only with {@code redirect} (status default 301, keepPath default
 * true). The default is {@code not-found}, the 404 page. A change publishes a new config revision.
 *
 * <p>{@code /api/v1/settings/listeners}: how the proxy's HTTP and HTTPS listeners treat connections. Body:
 * {@code {"proxyProtocolFrom":["10.0.0.0/8","192.0.2.7"]}}: load balancers in front (IP addresses or CIDR
 * blocks) whose connections may start with a PROXY protocol v1 or v2 header naming the real client
 * (HAProxy, an AWS NLB...); default none, where such a header is believed from nobody. At most 100
 * entries; errors name the entry ({@code proxyProtocolFrom[1]}). A PUT without the field means none.
 */
@ApiController
@RequestMapping("/api/v1/settings")
public class SettingsApiController {

    private final DefaultSiteService defaultSites;
    private final ListenerSettingsService listeners;

    public SettingsApiController(DefaultSiteService defaultSites, ListenerSettingsService listeners) {
        this.defaultSites = defaultSites;
        this.listeners = listeners;
    }

    /** Body of PUT and the answer of both calls. */
    public record ListenersJson(List<String> proxyProtocolFrom) {

        static ListenersJson of(ListenerSettings settings) {
            return new ListenersJson(settings.proxyProtocolFrom());
        }
    }

    /** {@code redirect} is null unless the action is {@code redirect}. */
    public record DefaultSiteResponse(String action, RedirectCommand redirect) {

        static DefaultSiteResponse of(DefaultSite defaultSite) {
            return new DefaultSiteResponse(defaultSite.action(), defaultSite.redirect() == null ? null
                    : new RedirectCommand(defaultSite.redirect().target(), defaultSite.redirect().status(),
                            defaultSite.redirect().keepPath()));
        }
    }

    @GetMapping("/default-site")
    public Mono<DefaultSiteResponse> defaultSite() {
        return defaultSites.get().map(DefaultSiteResponse::of);
    }

    @PutMapping("/default-site")
    public Mono<DefaultSiteResponse> replaceDefaultSite(@RequestBody DefaultSiteCommand request, Principal principal) {
        return defaultSites.update(request, principal.getName()).map(DefaultSiteResponse::of);
    }

    @GetMapping("/listeners")
    public Mono<ListenersJson> listeners() {
        return listeners.get().map(ListenersJson::of);
    }

    @PutMapping("/listeners")
    public Mono<ListenersJson> replaceListeners(@RequestBody ListenersJson request, Principal principal) {
        return listeners.update(new ListenerCommand(request.proxyProtocolFrom()), principal.getName())
                .map(ListenersJson::of);
    }
}
