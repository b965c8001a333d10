package dev.gatehouse.admin.security;

import dev.gatehouse.admin.api.ProblemResponseWriter;
import dev.gatehouse.admin.twofactor.TwoFactorService;
import java.net.URI;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * "Require two-factor sign-in for every user": while the policy is on, a signed-in user without it
 * reaches only the set-up page ({@value #ENROLMENT_PAGE}) and what it needs (re-authentication,
 * sign-out, static files). Every other page redirects there; on the API a call made with the
 * dashboard's session is refused with 403. API tokens and HTTP Basic stay one factor and are not
 * affected (see {@link SecurityConfiguration}).
 *
 * <p>Runs after authorization, so only for signed-in users; two small queries per request (the policy,
 * then the user's status only when the policy is on).
 */
final class TwoFactorEnrolmentFilter implements WebFilter {

    static final String ENROLMENT_PAGE = "/account/security/two-factor";

    private final TwoFactorService twoFactor;
    private final ServerWebExchangeMatcher exempt;
    /** Null for the dashboard (redirects); the API's problem writer for the API (403). */
    private final ProblemResponseWriter apiProblems;

    private TwoFactorEnrolmentFilter(TwoFactorService twoFactor, ServerWebExchangeMatcher exempt, ProblemResponseWriter apiProblems) {
        this.twoFactor = Objects.requireNonNull(twoFactor, "twoFactor");
        this.exempt = Objects.requireNonNull(exempt, "exempt");
        this.apiProblems = apiProblems;
    }

    /** For the dashboard: redirects to the set-up page, except for the {@code exempt} requests. */
    static TwoFactorEnrolmentFilter pages(TwoFactorService twoFactor, ServerWebExchangeMatcher exempt) {
        return new TwoFactorEnrolmentFilter(twoFactor, exempt, null);
    }

    /** For the API: 403 for calls made with the dashboard's session (those without an Authorization header). */
    static TwoFactorEnrolmentFilter api(TwoFactorService twoFactor, ProblemResponseWriter problems) {
        return new TwoFactorEnrolmentFilter(twoFactor,
                exchange -> exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
                        ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch(),
                Objects.requireNonNull(problems, "problems"));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return exempt.matches(exchange).flatMap(match -> match.isMatch()
                ? chain.filter(exchange)
                : mustEnrol(exchange).flatMap(must -> must ? refuse(exchange) : chain.filter(exchange)));
    }

    private Mono<Boolean> mustEnrol(ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .filter(principal -> principal instanceof Authentication authentication && authentication.isAuthenticated()
                        && !(authentication instanceof AnonymousAuthenticationToken))
                .flatMap(principal -> twoFactor.required().flatMap(required -> required
                        ? twoFactor.isOn(principal.getName()).map(on -> !on)
                        : Mono.just(false)))
                .defaultIfEmpty(false);
    }

    private Mono<Void> refuse(ServerWebExchange exchange) {
        if (apiProblems == null) {
            exchange.getResponse().setStatusCode(HttpStatus.FOUND);
            exchange.getResponse().getHeaders().setLocation(URI.create(ENROLMENT_PAGE));
            return exchange.getResponse().setComplete();
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "two-factor sign-in is required "
                + "for every user: set it up in the dashboard (" + ENROLMENT_PAGE + ") first");
        problem.setTitle("Forbidden");
        return apiProblems.write(exchange, problem, headers -> { });
    }
}
