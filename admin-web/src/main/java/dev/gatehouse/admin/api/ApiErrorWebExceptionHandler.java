package dev.gatehouse.admin.api;

import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Problem details for API requests that fail before any controller is chosen: an unknown path
 * (404), a wrong method (405), an unacceptable Accept header. Other paths pass on to Spring Boot's
 * HTML error handling. Runs ahead of Boot's handler (order -1).
 */
@Component
public class ApiErrorWebExceptionHandler implements WebExceptionHandler, Ordered {

    /** Path prefix of the REST API. */
    public static final String API_PREFIX = "/api/";

    private final ProblemResponseWriter writer;

    public ApiErrorWebExceptionHandler(ProblemResponseWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        String path = exchange.getRequest().getPath().value();
        if (!path.startsWith(API_PREFIX) || exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        return writer.write(exchange, ApiProblems.from(error, path), headers -> { });
    }

    @Override
    public int getOrder() {
        return -2;
    }
}
