package dev.gatehouse.admin.security;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * Signs a session out after {@link SessionSettings#idleTimeout()} without use or
 * {@link SessionSettings#absoluteTimeout()} after the sign-in, whichever comes first, and drops a
 * two-factor step left waiting longer than {@link SignInState#PENDING_FOR}.
 *
 * <p>Use is any request of the session except the dashboard's background refreshes: htmx GETs (the
 * status cards poll every few seconds, and an unattended tab must still time out). The session store's
 * own idle expiry (same timeout, see {@link SessionConfiguration}) only frees memory; this filter is what
 * decides.
 *
 * <p>An ended session is invalidated; a page request is sent to {@code /login?expired} (which also clears
 * the cookie), an API request carries on without a signed-in user and is answered 401.
 */
final class SessionTimeouts implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(SessionTimeouts.class);

    static final String EXPIRED_PAGE = "/login?expired";

    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration absoluteTimeout;

    SessionTimeouts(SessionSettings settings, Clock clock) {
        this.idleTimeout = settings.idleTimeout();
        this.absoluteTimeout = settings.absoluteTimeout();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!hasSessionCookie(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        return exchange.getSession().flatMap(session -> {
            Instant now = clock.instant();
            if (session.getAttributes().containsKey(SignInState.PENDING) && SignInState.pending(session, now) == null) {
                SignInState.clearPending(session);
            }
            Instant signedInAt = SignInState.signedInAt(session);
            if (signedInAt == null) {
                return chain.filter(exchange);
            }
            String ended = endedBy(session, signedInAt, now);
            if (ended != null) {
                log.debug("Session signed out after the {} timeout", ended);
                return session.invalidate().then(Mono.defer(() -> afterExpiry(exchange, chain)));
            }
            if (!isBackgroundRefresh(exchange.getRequest())) {
                session.getAttributes().put(SignInState.LAST_ACTIVITY, now);
            }
            return chain.filter(exchange);
        });
    }

    private static Mono<Void> afterExpiry(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (path.equals("/api") || path.startsWith("/api/")) {
            return chain.filter(exchange);
        }
        exchange.getResponse().setStatusCode(HttpStatus.FOUND);
        exchange.getResponse().getHeaders().setLocation(URI.create(EXPIRED_PAGE));
        return exchange.getResponse().setComplete();
    }

    /** An htmx GET: a poll or a fragment refresh the page makes by itself. */
    static boolean isBackgroundRefresh(ServerHttpRequest request) {
        return HttpMethod.GET.equals(request.getMethod()) && "true".equals(request.getHeaders().getFirst("HX-Request"));
    }

    private static boolean hasSessionCookie(ServerHttpRequest request) {
        HttpCookie session = request.getCookies().getFirst(SessionConfiguration.COOKIE_NAME);
        return session != null && !session.getValue().isEmpty();
    }

    /** "absolute" or "idle" when that timeout has passed, else null. */
    private String endedBy(WebSession session, Instant signedInAt, Instant now) {
        if (!now.isBefore(signedInAt.plus(absoluteTimeout))) {
            return "absolute";
        }
        Instant lastActivity = session.getAttribute(SignInState.LAST_ACTIVITY);
        return lastActivity != null && !now.isBefore(lastActivity.plus(idleTimeout)) ? "idle" : null;
    }
}
