package dev.gatehouse.admin.security;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpCookie;
import org.springframework.security.authentication.AbstractAuthenticationToken;
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
 *   <li>Both record when the password was checked ({@link UserSessions#stamp()}, carried from the
 *       password check as the authentication's details, and from the password step to the code step);
 *       a session loaded after its user's credentials changed since ({@link UserSessions#endSessions}) is
 *       invalidated and counts as signed out.</li>
 * </ul>
 */
public final class TwoStepSecurityContextRepository implements ServerSecurityContextRepository {

    private static final Logger log = LoggerFactory.getLogger(TwoStepSecurityContextRepository.class);

    private final WebSessionServerSecurityContextRepository sessions = new WebSessionServerSecurityContextRepository();
    private final Clock clock;
    private final UserSessions userSessions;

    public TwoStepSecurityContextRepository(Clock clock, UserSessions userSessions) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.userSessions = Objects.requireNonNull(userSessions, "userSessions");
    }

    /**
     * The stamp a password check took, as the authentication's details ({@link DashboardSignIn} puts it
     * there); for authentications made elsewhere, none.
     */
    record PasswordChecked(long stamp) {
    }

    /** {@code authentication} with the stamp of the password check that made it. */
    static Authentication stamped(Authentication authentication, long stamp) {
        if (authentication instanceof AbstractAuthenticationToken token) {
            token.setDetails(new PasswordChecked(stamp));
        }
        return authentication;
    }

    @Override
    public Mono<Void> save(ServerWebExchange exchange, SecurityContext context) {
        Authentication authentication = context == null ? null : context.getAuthentication();
        Instant now = clock.instant();
        if (authentication instanceof PasswordVerified half) {
            return exchange.getSession().flatMap(session -> {
                long stamp = passwordStamp(half, session);
                forgetSignIn(session);
                session.getAttributes().put(SignInState.PENDING, new SignInState.Pending(half.getName(), half.attempt(), now));
                session.getAttributes().put(SignInState.CREDENTIALS_STAMP, stamp);
                return session.changeSessionId();
            });
        }
        return exchange.getSession()
                .doOnNext(session -> {
                    long stamp = authentication == null ? 0 : passwordStamp(authentication, session);
                    forgetSignIn(session);
                    if (authentication != null && authentication.isAuthenticated()) {
                        session.getAttributes().put(SignInState.SIGNED_IN_AT, now);
                        session.getAttributes().put(SignInState.LAST_ACTIVITY, now);
                        session.getAttributes().put(SignInState.CONFIRMED_AT, now);
                        session.getAttributes().put(SignInState.CREDENTIALS_STAMP, stamp);
                    }
                })
                .then(sessions.save(exchange, context));
    }

    /**
     * When the password behind {@code authentication} was checked: its own stamp; for the code step's
     * sign-in the stamp the password step left in the session; else (not a password sign-in) now.
     */
    private long passwordStamp(Authentication authentication, WebSession session) {
        if (authentication.getDetails() instanceof PasswordChecked checked) {
            return checked.stamp();
        }
        Object pending = session.getAttributes().get(SignInState.PENDING);
        Object stamp = session.getAttributes().get(SignInState.CREDENTIALS_STAMP);
        if (pending instanceof SignInState.Pending half && half.email().equalsIgnoreCase(authentication.getName())
                && stamp instanceof Long pendingStamp) {
            return pendingStamp;
        }
        return userSessions.stamp();
    }

    @Override
    public Mono<SecurityContext> load(ServerWebExchange exchange) {
        return exchange.getSession().flatMap(this::current);
    }

    /** The session's security context, unless its user's credentials changed since the sign-in (then it ends). */
    private Mono<SecurityContext> current(WebSession session) {
        Object stored = session.getAttributes().get(WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME);
        if (!(stored instanceof SecurityContext context)) {
            return Mono.empty();
        }
        Authentication authentication = context.getAuthentication();
        Object stamp = session.getAttributes().get(SignInState.CREDENTIALS_STAMP);
        if (authentication != null && userSessions.ended(authentication.getName(), stamp instanceof Long value ? value : 0)) {
            log.debug("Session of {} ended: their password, role or account changed after the sign-in", authentication.getName());
            return session.invalidate().then(Mono.empty());
        }
        return Mono.just(context);
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
                return cookie == null || cookie.getValue().isEmpty() ? Mono.empty() : TwoStepSecurityContextRepository.this.load(exchange);
            }
        };
    }

    private static void forgetSignIn(WebSession session) {
        session.getAttributes().remove(WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME);
        session.getAttributes().remove(SignInState.PENDING);
        session.getAttributes().remove(SignInState.SIGNED_IN_AT);
        session.getAttributes().remove(SignInState.LAST_ACTIVITY);
        session.getAttributes().remove(SignInState.CONFIRMED_AT);
        session.getAttributes().remove(SignInState.CREDENTIALS_STAMP);
    }
}
