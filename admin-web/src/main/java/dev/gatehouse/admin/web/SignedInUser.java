package dev.gatehouse.admin.web;

import java.security.Principal;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The administrator behind a request; their email is the {@code actor} recorded on each revision. */
public final class SignedInUser {

    private SignedInUser() {
    }

    /** The signed-in user's email, or empty for an anonymous request (setup, login, error pages). */
    public static Mono<String> emailIfAny(ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .filter(principal -> !(principal instanceof AnonymousAuthenticationToken))
                .map(Principal::getName);
    }

    /**
     * The signed-in user's email; fails when there is none, which security configuration must make
     * impossible for every page that changes configuration.
     */
    public static Mono<String> email(ServerWebExchange exchange) {
        return emailIfAny(exchange).switchIfEmpty(Mono.error(() -> new IllegalStateException(
                "no signed-in user for " + exchange.getRequest().getPath()
                        + ": pages that change configuration must require authentication")));
    }
}
