package dev.gatehouse.admin.security;

import dev.gatehouse.admin.api.ProblemResponseWriter;
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
 * API answers for "who are you?" (401, with the Basic challenge so curl and browsers know what to
 * send) and "not allowed" (403), as problem details like every other API error.
 */
final class ApiAuthenticationEntryPoint implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

    static final String CHALLENGE = "Basic realm=\"Gatehouse\"";

    private final ProblemResponseWriter writer;

    ApiAuthenticationEntryPoint(ProblemResponseWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        String detail = failure instanceof BadCredentialsException
                ? "wrong email or password"
                : "authentication required: send an administrator's email and password with HTTP Basic";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, detail);
        problem.setTitle("Unauthorized");
        problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        return writer.write(exchange, problem, headers -> headers.set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE));
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
                "your account may not use this call");
        problem.setTitle("Forbidden");
        problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        return writer.write(exchange, problem, headers -> { });
    }
}
