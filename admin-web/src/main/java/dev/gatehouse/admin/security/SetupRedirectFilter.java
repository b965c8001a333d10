package dev.gatehouse.admin.security;

import dev.gatehouse.admin.setup.SetupService;
import java.net.URI;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Until the first administrator exists, every dashboard page redirects to {@code /setup}; afterwards
 * {@code /setup} redirects to {@code /login}, so the setup form can never create a second account.
 * The API and static assets are left alone. Runs before Spring Security (order -100) so a fresh
 * install lands on the setup page, not on a login form nobody can pass.
 */
@Component
public class SetupRedirectFilter implements WebFilter, Ordered {

    static final String SETUP_PATH = "/setup";
    static final String LOGIN_PATH = "/login";

    private final SetupService setup;

    public SetupRedirectFilter(SetupService setup) {
        this.setup = setup;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!isPage(path)) {
            return chain.filter(exchange);
        }
        boolean setupPage = path.equals(SETUP_PATH) || path.startsWith(SETUP_PATH + "/");
        return setup.needsSetup().flatMap(needsSetup -> {
            if (needsSetup && !setupPage) {
                return redirect(exchange, SETUP_PATH);
            }
            if (!needsSetup && setupPage) {
                return redirect(exchange, LOGIN_PATH);
            }
            return chain.filter(exchange);
        });
    }

    private static boolean isPage(String path) {
        return !(path.startsWith("/api/") || path.equals("/api") || path.startsWith("/webjars/")
                || path.startsWith("/css/") || path.startsWith("/js/") || path.startsWith("/img/")
                || path.equals("/favicon.ico") || path.equals("/error"));
    }

    private static Mono<Void> redirect(ServerWebExchange exchange, String location) {
        exchange.getResponse().setStatusCode(HttpStatus.FOUND);
        exchange.getResponse().getHeaders().setLocation(URI.create(location));
        // answered before the security chain, which would have written these
        SecurityConfiguration.addDashboardHeaders(exchange.getResponse().getHeaders());
        return exchange.getResponse().setComplete();
    }

    @Override
    public int getOrder() {
        return -200;
    }
}
