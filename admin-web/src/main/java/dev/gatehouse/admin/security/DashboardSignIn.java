package dev.gatehouse.admin.security;

import dev.gatehouse.admin.twofactor.TwoFactorService;
import dev.gatehouse.admin.twofactor.TwoFactorService.CodeCheck;
import java.time.Clock;
import java.util.Objects;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Signing in to the dashboard, in one or two steps, all behind the {@link LoginThrottle}.
 *
 * <ol>
 *   <li>{@link #passwordStep()}, the login form's authentication manager: the email and password. For
 *       a user with two-factor sign-in a right password yields only a {@link PasswordVerified}, kept as
 *       {@link SignInState.Pending} in the session, which grants nothing.</li>
 *   <li>{@link #secondFactor}: the authenticator's code or a recovery code. Each code counts as an
 *       attempt for the account and address like a password does, and the password's own attempt stays
 *       counted until a code is right, so code guessing is throttled exactly like password guessing.</li>
 *   <li>{@link #complete}: the full sign-in, stored in the session under a new session id.</li>
 * </ol>
 * HTTP Basic on the API does not come here: it stays one factor (see {@link SecurityConfiguration}).
 */
public final class DashboardSignIn {

    /** The outcome of {@link #confirm}. */
    public enum Confirmation {
        CONFIRMED, WRONG
    }

    private final ReactiveAuthenticationManager passwordStep;
    private final LoginThrottle throttle;
    private final TwoFactorService twoFactor;
    private final ReactiveUserDetailsService users;
    private final ServerSecurityContextRepository contexts;
    private final Clock clock;

    /**
     * @param passwords the unthrottled email-and-password check
     */
    DashboardSignIn(ReactiveAuthenticationManager passwords, LoginThrottle throttle, TwoFactorService twoFactor,
                    ReactiveUserDetailsService users, ServerSecurityContextRepository contexts, UserSessions userSessions,
                    Clock clock) {
        Objects.requireNonNull(passwords, "passwords");
        Objects.requireNonNull(userSessions, "userSessions");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.twoFactor = Objects.requireNonNull(twoFactor, "twoFactor");
        this.users = Objects.requireNonNull(users, "users");
        this.contexts = Objects.requireNonNull(contexts, "contexts");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.passwordStep = new ThrottledAuthenticationManager(attempt -> {
            // before the stored hash is read: a reset committed after this ends the session this sign-in makes
            long stamp = userSessions.stamp();
            return passwords.authenticate(attempt)
                    .flatMap(signedIn -> twoFactor.isOn(signedIn.getName())
                            .map(on -> on ? new PasswordVerified(signedIn.getName(), null) : signedIn))
                    .map(result -> TwoStepSecurityContextRepository.stamped(result, stamp));
        }, throttle);
    }

    /** Email and password, throttled; a {@link PasswordVerified} when a code must follow. */
    ReactiveAuthenticationManager passwordStep() {
        return passwordStep;
    }

    /**
     * Checks the second factor of a half-finished sign-in, counting it against the throttle. An accepted
     * code settles the password's attempt too; a recovery code is used up.
     *
     * @return the check's outcome; fails with {@link LoginThrottledException} (nothing checked) while
     *     attempts for this account from this address are refused
     */
    public Mono<CodeCheck> secondFactor(SignInState.Pending pending, String code) {
        return Mono.deferContextual(context -> {
            LoginThrottle.Attempt counted = throttle.begin(LoginThrottle.account(pending.email()), ClientAddress.from(context));
            if (counted.refused()) {
                return Mono.error(new LoginThrottledException(counted.retryAfter()));
            }
            return twoFactor.check(pending.email(), code)
                    .doOnNext(check -> {
                        if (check.accepted()) {
                            throttle.succeeded(counted);
                            if (pending.passwordAttempt() != null) {
                                throttle.succeeded(pending.passwordAttempt());
                            }
                        }
                    })
                    // a database failure proved nothing about the code
                    .doOnError(failure -> throttle.abandoned(counted));
        });
    }

    /**
     * Finishes a sign-in: the user's full authentication (current role) is stored in the session, whose
     * id changes, and the half-finished step is forgotten.
     */
    public Mono<Void> complete(ServerWebExchange exchange, String email) {
        return users.findByUsername(email)
                .switchIfEmpty(Mono.error(() -> new BadCredentialsException("the account was deleted while signing in")))
                .map(user -> (Authentication) UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities()))
                .flatMap(authentication -> contexts.save(exchange, new SecurityContextImpl(authentication)));
    }

    /**
     * Checks a signed-in user's password, and code when two-factor sign-in is on, for re-authentication;
     * throttled like a sign-in.
     *
     * @return {@link Confirmation#WRONG} without saying which part was wrong; fails with
     *     {@link LoginThrottledException} while attempts are refused
     */
    public Mono<Confirmation> confirm(String email, String password, String code) {
        return passwordStep.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(email, password == null ? "" : password))
                .flatMap(result -> result instanceof PasswordVerified half
                        ? secondFactor(new SignInState.Pending(email, half.attempt(), clock.instant()), code)
                                .map(check -> check.accepted() ? Confirmation.CONFIRMED : Confirmation.WRONG)
                        : Mono.just(Confirmation.CONFIRMED))
                .onErrorResume(BadCredentialsException.class, wrong -> Mono.just(Confirmation.WRONG));
    }
}
