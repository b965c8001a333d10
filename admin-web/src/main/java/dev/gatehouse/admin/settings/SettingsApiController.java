package dev.gatehouse.admin.settings;

import dev.gatehouse.admin.api.ApiController;
import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;
import dev.gatehouse.storage.settings.DefaultSite;
import java.security.Principal;
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
 */
@ApiController
@RequestMapping("/api/v1/settings")
public class SettingsApiController {

    private final DefaultSiteService defaultSites;

    public SettingsApiController(DefaultSiteService defaultSites) {
        this.defaultSites = defaultSites;
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
}
