package dev.gatehouse.admin.token;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Reads {@code Authorization: Bearer <token>} (scheme in any letter case, RFC 9110). A request
 * without it converts to nothing and is left to HTTP Basic or the "authentication required" answer;
 * a Bearer header always converts, even an empty or malformed one, so it is refused as an invalid
 * token instead of passing as anonymous.
 */
public final class BearerTokenConverter implements ServerAuthenticationConverter {

    private static final String SCHEME = "bearer";

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.length() < SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || (authorization.length() > SCHEME.length() && authorization.charAt(SCHEME.length()) != ' ')) {
            return Mono.empty();
        }
        return Mono.just(new BearerToken(authorization.substring(SCHEME.length()).strip()));
    }
}
