package dev.gatehouse.admin.web;

import dev.gatehouse.admin.user.CurrentRoles;
import org.springframework.security.web.reactive.result.view.CsrfRequestDataValueProcessor;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Model attributes every dashboard page's layout needs. */
@ControllerAdvice(annotations = PageController.class)
public class PageModelAdvice {

    private final CurrentRoles roles;

    public PageModelAdvice(CurrentRoles roles) {
        this.roles = roles;
    }

    /**
     * Resolves the request's CSRF token before the page renders and exposes it where Spring
     * Security's {@link CsrfRequestDataValueProcessor} looks, so that every {@code th:action} form gets
     * its hidden {@code _csrf} field. WebFlux security only offers the token as a lazy Mono, which a
     * template cannot wait for.
     */
    @ModelAttribute("_csrfToken")
    public Mono<CsrfToken> csrfToken(ServerWebExchange exchange) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        if (token == null) {
            return Mono.empty();
        }
        return token.doOnNext(resolved ->
                exchange.getAttributes().put(CsrfRequestDataValueProcessor.DEFAULT_CSRF_ATTR_NAME, resolved));
    }

    /**
     * What the signed-in user's role may do ({@link PageAccess}), so pages show only the buttons and forms
     * that work for them; absent on anonymous pages.
     */
    @ModelAttribute("access")
    public Mono<PageAccess> access(ServerWebExchange exchange) {
        return exchange.getPrincipal().map(principal -> PageAccess.of(roles.of(principal).orElse(null)));
    }

    /** Shown in the navbar next to the sign-out button; absent on anonymous pages. */
    @ModelAttribute("currentUserEmail")
    public Mono<String> currentUserEmail(ServerWebExchange exchange) {
        return SignedInUser.emailIfAny(exchange);
    }
}
