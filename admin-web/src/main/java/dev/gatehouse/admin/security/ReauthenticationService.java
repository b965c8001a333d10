package dev.gatehouse.admin.security;

import dev.gatehouse.admin.common.ForbiddenException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import java.util.Objects;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * "Confirm it's you": sensitive actions need the password (and the code, with two-factor sign-in)
 * entered within the last {@link SessionSettings#reauthenticationWindow()} (default 5 minutes), not just
 * a signed-in session someone may have walked up to or stolen.
 *
 * <p>Every dashboard path under {@link #SENSITIVE_PATHS} ({@code /account/security/**} for two-factor
 * settings, {@code /users/**} for user management) is covered by {@link ReauthenticationFilter}: without
 * a recent confirmation a GET is sent to {@code /account/reauthenticate?next=<that page>}, anything else
 * to the page it was sent from. Controllers elsewhere can ask for the same with
 * {@link #requireRecent}. On the API, user management called with the session cookie needs the same
 * confirmation (a 403 problem without it); calls with a token or Basic credentials do not.
 */
public final class ReauthenticationService {

    /** Dashboard paths (and everything below them) that need a recent confirmation. */
    public static final List<String> SENSITIVE_PATHS = List.of("/account/security", "/users");
    private static final List<PathPattern> SENSITIVE = SENSITIVE_PATHS.stream()
            .map(path -> PathPatternParser.defaultInstance.parse(path + "/**")).toList();
    private static final PathPattern API_USERS = PathPatternParser.defaultInstance.parse("/api/v1/users/**");

    /** The page that asks for the password (and code). */
    public static final String PAGE = "/account/reauthenticate";

    private final DashboardSignIn signIn;
    private final Clock clock;
    private final Duration window;

    public ReauthenticationService(DashboardSignIn signIn, SessionSettings settings, Clock clock) {
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.window = Objects.requireNonNull(settings, "settings").reauthenticationWindow();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** How long a confirmation lasts. */
    public Duration window() {
        return window;
    }

    /** Whether the session's user entered the password (and code) within the window. */
    public Mono<Boolean> isRecent(ServerWebExchange exchange) {
        return exchange.getSession().map(session -> {
            Instant confirmed = session.getAttribute(SignInState.CONFIRMED_AT);
            return confirmed != null && clock.instant().isBefore(confirmed.plus(window));
        });
    }

    /**
     * Completes when the confirmation is recent; fails with {@link ReauthenticationRequiredException}
     * (a {@link ForbiddenException}: a 403 page or problem) otherwise. For controllers outside
     * {@link #SENSITIVE_PATHS}; the paths inside are covered already.
     */
    public Mono<Void> requireRecent(ServerWebExchange exchange) {
        return isRecent(exchange).flatMap(recent -> recent
                ? Mono.<Void>empty()
                : Mono.error(new ReauthenticationRequiredException(window)));
    }

    /**
     * Checks the signed-in user's password, and code when two-factor sign-in is on (a code is used up
     * like at sign-in), counting against the sign-in throttle; when both are right the confirmation is
     * recorded and lasts for the {@link #window()}.
     *
     * @return {@link DashboardSignIn.Confirmation#WRONG} without saying which part; fails with
     *     {@link LoginThrottledException} while attempts are refused
     */
    public Mono<DashboardSignIn.Confirmation> reauthenticate(ServerWebExchange exchange, String password, String code) {
        return exchange.getPrincipal()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("re-authentication needs a signed-in user")))
                .flatMap(principal -> signIn.confirm(principal.getName(), password, code))
                .flatMap(result -> result == DashboardSignIn.Confirmation.CONFIRMED
                        ? exchange.getSession()
                                .doOnNext(session -> session.getAttributes().put(SignInState.CONFIRMED_AT, clock.instant()))
                                .thenReturn(result)
                        : Mono.just(result));
    }

    /**
     * Whether {@code path} is one of the {@link #SENSITIVE_PATHS} or below one. Matched on decoded
     * segments, as the controllers and {@link RoleRules} see them: {@code /%75sers/5/role} is
     * {@code /users/5/role} here too.
     */
    public static boolean isSensitive(PathContainer path) {
        for (PathPattern sensitive : SENSITIVE) {
            if (sensitive.matches(path)) {
                return true;
            }
        }
        return false;
    }

    /** As {@link #isSensitive(PathContainer)}, for a raw path. */
    public static boolean isSensitive(String path) {
        return isSensitive(PathContainer.parsePath(path));
    }

    /**
     * Whether an API call is user management made with the dashboard's session cookie (no
     * Authorization header): the same power as the {@code /users} pages, so the same confirmation.
     * Scripts with a token or Basic credentials are not asked.
     */
    public static boolean isSensitiveApiCall(PathContainer path, boolean hasAuthorization) {
        return !hasAuthorization && API_USERS.matches(path);
    }

    /** The re-authentication page that returns to {@code next} (a local path) afterwards. */
    public static URI pageReturningTo(String next) {
        return UriComponentsBuilder.fromPath(PAGE).queryParam("next", safeNext(next)).encode().build().toUri();
    }

    /**
     * {@code next} if it is a path on this server, else {@code /account}: the page is never a way to
     * send someone elsewhere ({@code //evil.example}, {@code https://...}, {@code /\evil}).
     */
    public static String safeNext(String next) {
        if (next == null || next.isEmpty() || next.length() > 2000 || !next.startsWith("/") || next.startsWith("//")
                || next.contains("\\") || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "/account";
        }
        return next;
    }

    /** A sensitive action without a recent confirmation of the password. */
    public static final class ReauthenticationRequiredException extends ForbiddenException {

        ReauthenticationRequiredException(Duration window) {
            super("confirm your password first: this needs it entered within the last " + window.toMinutes() + " minutes ("
                    + PAGE + ")");
        }
    }
}
