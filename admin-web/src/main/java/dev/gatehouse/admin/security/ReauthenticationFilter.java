package dev.gatehouse.admin.security;

import dev.gatehouse.admin.api.ProblemResponseWriter;
import java.net.URI;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.PathContainer;
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
    /** Null for the dashboard (redirects to the confirmation page); the API answers a 403 problem. */
    private final ProblemResponseWriter problems;

    private ReauthenticationFilter(ReauthenticationService reauthentication, ProblemResponseWriter problems) {
        this.reauthentication = Objects.requireNonNull(reauthentication, "reauthentication");
        this.problems = problems;
    }

    /** For the dashboard chain: sensitive pages redirect to the confirmation page. */
    static ReauthenticationFilter pages(ReauthenticationService reauthentication) {
        return new ReauthenticationFilter(reauthentication, null);
    }

    /** For the API chain: user management with the session cookie gets a 403 problem without a confirmation. */
    static ReauthenticationFilter api(ReauthenticationService reauthentication, ProblemResponseWriter problems) {
        return new ReauthenticationFilter(reauthentication, Objects.requireNonNull(problems, "problems"));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        PathContainer path = request.getPath().pathWithinApplication();
        boolean sensitive = problems == null ? ReauthenticationService.isSensitive(path)
                : ReauthenticationService.isSensitiveApiCall(path, request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION));
        if (!sensitive) {
            return chain.filter(exchange);
        }
        return reauthentication.isRecent(exchange).flatMap(recent -> {
            if (recent) {
                return chain.filter(exchange);
            }
            if (problems != null) {
                ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "user management with the "
                        + "dashboard's session needs the password entered within the last "
                        + reauthentication.window().toMinutes() + " minutes: confirm it at "
                        + ReauthenticationService.PAGE + ", or use an API token (Authorization: Bearer)");
                problem.setTitle("Forbidden");
                return problems.write(exchange, problem, headers -> { });
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
