package dev.gatehouse.admin.security;

import dev.gatehouse.admin.api.ProblemResponseWriter;
import dev.gatehouse.admin.token.ApiTokenAuthentication;
import dev.gatehouse.admin.token.InvalidBearerTokenException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * API answers for "who are you?" (401, with the challenges that tell curl and browsers what to send),
 * "slow down" (429 with {@code Retry-After}) and "not allowed" (403), as problem details like every
 * other API error.
 */
final class ApiAuthenticationEntryPoint implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

    static final String BASIC_CHALLENGE = "Basic realm=\"Gatehouse\"";
    static final String BEARER_CHALLENGE = "Bearer realm=\"Gatehouse\"";
    /** RFC 6750: the token was presented and is no good (malformed, unknown, expired or revoked alike). */
    static final String INVALID_TOKEN_CHALLENGE = "Bearer realm=\"Gatehouse\", error=\"invalid_token\"";

    private final ProblemResponseWriter writer;

    ApiAuthenticationEntryPoint(ProblemResponseWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        if (failure instanceof LoginThrottledException throttled) {
            ProblemDetail problem = problem(exchange, HttpStatus.TOO_MANY_REQUESTS, "Too many requests",
                    throttled.getMessage());
            return writer.write(exchange, problem, headers ->
                    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(throttled.retryAfterSeconds())));
        }
        if (failure instanceof InvalidBearerTokenException) {
            ProblemDetail problem = problem(exchange, HttpStatus.UNAUTHORIZED, "Unauthorized", failure.getMessage());
            return writer.write(exchange, problem, headers -> headers.set(HttpHeaders.WWW_AUTHENTICATE, INVALID_TOKEN_CHALLENGE));
        }
        if (failure instanceof BadCredentialsException) {
            ProblemDetail problem = problem(exchange, HttpStatus.UNAUTHORIZED, "Unauthorized", "wrong email or password");
            return writer.write(exchange, problem, headers -> headers.set(HttpHeaders.WWW_AUTHENTICATE, BASIC_CHALLENGE));
        }
        ProblemDetail problem = problem(exchange, HttpStatus.UNAUTHORIZED, "Unauthorized", "authentication required: "
                + "send an API token (Authorization: Bearer ght_...) or an administrator's email and password with HTTP Basic");
        return writer.write(exchange, problem, headers -> {
            headers.add(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE);
            headers.add(HttpHeaders.WWW_AUTHENTICATE, BASIC_CHALLENGE);
        });
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        return exchange.getPrincipal()
                .ofType(ApiTokenAuthentication.class)
                .filter(token -> !token.permits(exchange.getRequest().getMethod()))
                .map(token -> {
                    ProblemDetail problem = problem(exchange, HttpStatus.FORBIDDEN, "Forbidden", "this API token's scope is "
                            + token.scope() + ": it may only read (GET, HEAD); use a read-write token to make changes");
                    problem.setProperty("scope", token.scope());
                    return problem;
                })
                .defaultIfEmpty(problem(exchange, HttpStatus.FORBIDDEN, "Forbidden", "your account may not use this call"))
                .flatMap(problem -> writer.write(exchange, problem, headers -> { }));
    }

    private static ProblemDetail problem(ServerWebExchange exchange, HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        try {
            problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        } catch (IllegalArgumentException notAUri) {
            // leave "instance" out rather than fail the answer
        }
        return problem;
    }
}
