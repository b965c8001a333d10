package dev.gatehouse.admin.security;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.springframework.http.HttpCookie;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * The dashboard's sessions: Spring Security's context in the {@link WebSession}, plus the two-factor
 * step and the times {@link SessionTimeouts} and {@link ReauthenticationService} need.
 *
 * <ul>
 *   <li>A {@link PasswordVerified} (right password, code to come) is never stored as the security
 *       context: it becomes {@link SignInState.Pending}, which grants nothing.</li>
 *   <li>A full sign-in is stored with the time it happened (also the last activity and the last
 *       password entry); any half-finished step is dropped.</li>
 *   <li>Both change the session id (session fixation: an id planted before the sign-in is worth nothing
 *       after it); a sign-out (null context) drops everything.</li>
 * </ul>
 */
public final class TwoStepSecurityContextRepository implements ServerSecurityContextRepository {

    private final WebSessionServerSecurityContextRepository sessions = new WebSessionServerSecurityContextRepository();
    private final Clock clock;

    public TwoStepSecurityContextRepository(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Mono<Void> save(ServerWebExchange exchange, SecurityContext context) {
        Authentication authentication = context == null ? null : context.getAuthentication();
        Instant now = clock.instant();
        if (authentication instanceof PasswordVerified half) {
            return exchange.getSession().flatMap(session -> {
                forgetSignIn(session);
                session.getAttributes().put(SignInState.PENDING, new SignInState.Pending(half.getName(), half.attempt(), now));
                return session.changeSessionId();
            });
        }
        return exchange.getSession()
                .doOnNext(session -> {
                    forgetSignIn(session);
                    if (authentication != null && authentication.isAuthenticated()) {
                        session.getAttributes().put(SignInState.SIGNED_IN_AT, now);
                        session.getAttributes().put(SignInState.LAST_ACTIVITY, now);
                        session.getAttributes().put(SignInState.CONFIRMED_AT, now);
                    }
                })
                .then(sessions.save(exchange, context));
    }

    @Override
    public Mono<SecurityContext> load(ServerWebExchange exchange) {
        return sessions.load(exchange);
    }

    /**
     * The API's view of the sessions: it reads the dashboard's sign-in when the request carries the session
     * cookie (and looks nothing up otherwise, so token and Basic calls pay nothing for it), and never saves:
     * nothing on the API signs anybody in or out.
     */
    public ServerSecurityContextRepository readOnly() {
        return new ServerSecurityContextRepository() {
            @Override
            public Mono<Void> save(ServerWebExchange exchange, SecurityContext context) {
                return Mono.empty();
            }

            @Override
            public Mono<SecurityContext> load(ServerWebExchange exchange) {
                HttpCookie cookie = exchange.getRequest().getCookies().getFirst(SessionConfiguration.COOKIE_NAME);
                return cookie == null || cookie.getValue().isEmpty() ? Mono.empty() : sessions.load(exchange);
            }
        };
    }

    private static void forgetSignIn(WebSession session) {
        session.getAttributes().remove(WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME);
        session.getAttributes().remove(SignInState.PENDING);
        session.getAttributes().remove(SignInState.SIGNED_IN_AT);
        session.getAttributes().remove(SignInState.LAST_ACTIVITY);
        session.getAttributes().remove(SignInState.CONFIRMED_AT);
    }
}
