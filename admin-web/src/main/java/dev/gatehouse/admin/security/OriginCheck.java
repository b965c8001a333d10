package dev.gatehouse.admin.security;

import dev.gatehouse.admin.api.ProblemResponseWriter;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Cross-site request forgery on the API: a change ({@code POST}, {@code PUT}, {@code PATCH},
 * {@code DELETE}, ...) made with the dashboard's session cookie must come from the dashboard's own
 * origin. The API takes no CSRF token, and a browser attaches the cookie to requests other sites make
 * (SameSite=Lax stops most, not all: a sibling subdomain is "same site"), so the {@code Origin} header
 * (or, when a browser leaves it out, the {@code Referer}) must name this server; a foreign or missing
 * one is answered 403 before anything else happens.
 *
 * <p>Calls with an {@code Authorization} header (API token or HTTP Basic) are not affected: no browser
 * adds those by itself. Reading ({@code GET}, {@code HEAD}, {@code OPTIONS}) is not affected either.
 */
final class OriginCheck implements WebFilter {

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE);

    private final ProblemResponseWriter problems;

    OriginCheck(ProblemResponseWriter problems) {
        this.problems = Objects.requireNonNull(problems, "problems");
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (SAFE.contains(request.getMethod()) || request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
                || !hasSessionCookie(request)) {
            return chain.filter(exchange);
        }
        String origin = request.getHeaders().getOrigin();
        String claimed = origin != null ? origin : request.getHeaders().getFirst(HttpHeaders.REFERER);
        if (claimed != null && sameOrigin(request.getURI(), claimed)) {
            return chain.filter(exchange);
        }
        String found = claimed == null ? "the request has neither Origin nor Referer"
                : "the request's " + (origin != null ? "Origin" : "Referer") + " is another site";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "cross-site request refused: a change "
                + "made with the dashboard's session cookie must come from the dashboard's own origin ("
                + origin(request.getURI()) + "), but " + found + "; scripts use an API token (Authorization: Bearer)");
        problem.setTitle("Forbidden");
        return problems.write(exchange, problem, headers -> { });
    }

    private static boolean hasSessionCookie(ServerHttpRequest request) {
        HttpCookie session = request.getCookies().getFirst(SessionConfiguration.COOKIE_NAME);
        return session != null && !session.getValue().isEmpty();
    }

    private static boolean sameOrigin(URI self, String claimed) {
        try {
            return sameOrigin(self, URI.create(claimed.strip()));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** Scheme, host and port of both are the same (default ports filled in); "null" origins never are. */
    static boolean sameOrigin(URI self, URI other) {
        if (self.getScheme() == null || other.getScheme() == null || self.getHost() == null || other.getHost() == null) {
            return false;
        }
        return self.getScheme().equalsIgnoreCase(other.getScheme())
                && self.getHost().equalsIgnoreCase(other.getHost())
                && port(self) == port(other);
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
    }
}
