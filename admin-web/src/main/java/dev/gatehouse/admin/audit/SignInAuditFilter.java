package dev.gatehouse.admin.audit;

import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.security.SignInState;
import dev.gatehouse.admin.user.Role;
import dev.gatehouse.storage.user.UserRepository;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Sign-ins and failed sign-ins for the audit log, observed around Spring Security (this filter runs just
 * before it) instead of inside it, so the sign-in flow stays as it is:
 *
 * <ul>
 *   <li>a dashboard POST (the login form, a second-factor step, wherever it is) after which the session holds a
 *       full sign-in (an authentication with a role) that it did not hold before: a sign-in, also recorded as the
 *       user's last sign-in. A step that leaves the sign-in unfinished (a second factor still to come) records
 *       nothing;</li>
 *   <li>a POST to a {@code /login...} path sent back to itself with {@code ?error} or {@code ?throttled=…}: a
 *       failed sign-in, under the email that was typed (when what was typed is an email address) or, at the
 *       code step, the email whose password was right;</li>
 *   <li>an API call with HTTP Basic answered 401 or 429: a failed sign-in. Successful API calls are calls, not
 *       sign-ins, and are not recorded; changes they make are, where they are made.</li>
 * </ul>
 * A failure to write the log is logged and never turns a sign-in into an error.
 */
final class SignInAuditFilter implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(SignInAuditFilter.class);

    /** After the setup redirect (-200), before Spring Security (-100). */
    static final int ORDER = -150;

    private static final String LOGIN = "/login";
    private static final String BASIC = "Basic ";

    private final AuditLog audit;
    private final UserRepository users;
    private final Clock clock;

    SignInAuditFilter(AuditLog audit, UserRepository users, Clock clock) {
        this.audit = Objects.requireNonNull(audit, "audit");
        this.users = Objects.requireNonNull(users, "users");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        boolean api = path.startsWith("/api/");
        if (api) {
            String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
            if (authorization != null && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
                return chain.filter(exchange).then(Mono.defer(() -> afterBasic(exchange, authorization)));
            }
            return chain.filter(exchange);
        }
        if (!HttpMethod.POST.equals(exchange.getRequest().getMethod())) {
            return chain.filter(exchange);
        }
        // A sign-in ends with a POST: of the login form, or of a later step such as the second factor. Only a
        // request that starts without a full sign-in can make one, except on the login pages themselves
        // (signing in as someone else).
        boolean loginPage = path.startsWith(LOGIN);
        return signedInAs(exchange).defaultIfEmpty("").flatMap(before -> before.isEmpty() || loginPage
                ? chain.filter(exchange).then(Mono.defer(() -> afterSignInStep(exchange, before, loginPage)))
                : chain.filter(exchange));
    }

    private Mono<Void> afterSignInStep(ServerWebExchange exchange, String before, boolean loginPage) {
        return signedInAs(exchange).defaultIfEmpty("").flatMap(now -> {
            if (!now.isEmpty() && !now.equals(before)) {
                return Blocking.run(() -> users.recordSignIn(now, clock.instant()))
                        .onErrorResume(failure -> {
                            log.warn("Could not record the sign-in time of {}: {}", now, failure.toString());
                            return Mono.empty();
                        })
                        .then(audit.record(now, AuditLog.SIGN_IN, AuditLog.SESSION, null, "signed in to the dashboard"));
            }
            String failure = loginPage
                    ? failure(exchange.getResponse().getStatusCode(), exchange.getResponse().getHeaders().getLocation())
                    : null;
            if (failure == null) {
                return Mono.empty();
            }
            // the login form names the account; a later step (the code) belongs to the half-finished sign-in
            return exchange.getFormData()
                    .mapNotNull(form -> form.getFirst("username"))
                    .switchIfEmpty(exchange.getSession().mapNotNull(session -> {
                        SignInState.Pending pending = SignInState.pending(session, clock.instant());
                        return pending == null ? null : pending.email();
                    }))
                    .map(AuditLog::attemptedActor)
                    .defaultIfEmpty(AuditLog.attemptedActor(null))
                    .flatMap(actor -> audit.record(actor, AuditLog.SIGN_IN_FAILED, AuditLog.SESSION, null,
                            "dashboard sign-in refused: " + failure));
        });
    }

    /**
     * Why a sign-in step sent the browser back to itself ({@code /login?error}, {@code /login/two-factor?throttled=…}),
     * or null when it did not.
     */
    static String failure(HttpStatusCode status, URI location) {
        if (status == null || !status.is3xxRedirection() || location == null || location.getPath() == null
                || !(location.getPath().equals(LOGIN) || location.getPath().startsWith(LOGIN + "/"))) {
            return null;
        }
        String query = location.getQuery() == null ? "" : location.getQuery();
        if (query.startsWith("throttled")) {
            return "too many failed sign-ins, not checked";
        }
        if (query.startsWith("error")) {
            return location.getPath().equals(LOGIN) ? "wrong email or password" : "wrong code";
        }
        return null;
    }

    private Mono<Void> afterBasic(ServerWebExchange exchange, String authorization) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        String reason = HttpStatus.UNAUTHORIZED.isSameCodeAs(status == null ? HttpStatus.OK : status) ? "wrong email or password"
                : HttpStatus.TOO_MANY_REQUESTS.isSameCodeAs(status == null ? HttpStatus.OK : status)
                        ? "too many failed sign-ins, not checked" : null;
        if (reason == null) {
            return Mono.empty();
        }
        return audit.record(AuditLog.attemptedActor(basicUsername(authorization)), AuditLog.SIGN_IN_FAILED,
                AuditLog.SESSION, null, "API sign-in (HTTP Basic) refused: " + reason);
    }

    /** The user name of an HTTP Basic header; never the password, which is dropped here. */
    static String basicUsername(String authorization) {
        if (authorization == null || authorization.length() <= BASIC.length()) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).strip()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /** The email of the full sign-in (one with a role) the session holds; empty when none. */
    private static Mono<String> signedInAs(ServerWebExchange exchange) {
        return exchange.getSession()
                .flatMap(session -> Mono.justOrEmpty(session.<Object>getAttribute(
                        WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME)))
                .ofType(SecurityContext.class)
                .mapNotNull(SecurityContext::getAuthentication)
                .filter(Authentication::isAuthenticated)
                .filter(authentication -> Role.fromAuthorities(authentication.getAuthorities()).isPresent())
                .map(Authentication::getName);
    }
}
