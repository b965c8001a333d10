package dev.gatehouse.admin.security;

import java.net.URI;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Sends requests for the {@link ReauthenticationService#SENSITIVE_PATHS} to the re-authentication page
 * unless the password was confirmed recently. A GET comes back to the page it asked for; a form post
 * (whose body cannot be replayed) to the page it was posted from, where the user submits it again.
 * Runs in the dashboard's chain after authorization, so only for signed-in users.
 */
final class ReauthenticationFilter implements WebFilter {

    private final ReauthenticationService reauthentication;

    ReauthenticationFilter(ReauthenticationService reauthentication) {
        this.reauthentication = Objects.requireNonNull(reauthentication, "reauthentication");
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!ReauthenticationService.isSensitive(request.getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        return reauthentication.isRecent(exchange).flatMap(recent -> {
            if (recent) {
                return chain.filter(exchange);
            }
            boolean get = HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod());
            String next = get ? pathAndQuery(request.getURI()) : sameOriginReferer(request);
            exchange.getResponse().setStatusCode(get ? HttpStatus.FOUND : HttpStatus.SEE_OTHER);
            exchange.getResponse().getHeaders().setLocation(ReauthenticationService.pageReturningTo(next));
            return exchange.getResponse().setComplete();
        });
    }

    private static String pathAndQuery(URI uri) {
        return uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    }

    /** The path of the page the form was on, when the Referer is this server; else null (the account page). */
    private static String sameOriginReferer(ServerHttpRequest request) {
        String referer = request.getHeaders().getFirst(HttpHeaders.REFERER);
        if (referer == null) {
            return null;
        }
        try {
            URI from = URI.create(referer);
            return OriginCheck.sameOrigin(request.getURI(), from) ? pathAndQuery(from) : null;
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
