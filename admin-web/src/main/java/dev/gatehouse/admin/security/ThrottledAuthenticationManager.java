package dev.gatehouse.admin.security;

import java.util.Objects;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import reactor.core.publisher.Mono;

/**
 * Email-and-password sign-in (the login form and HTTP Basic on the API) behind {@link LoginThrottle}:
 * a throttled attempt fails with {@link LoginThrottledException} before the password is looked at, so
 * it neither costs a bcrypt nor tells the caller whether the password was right.
 *
 * <p>Every attempt counts as a failure from the moment it starts until it succeeds: attempts sent in
 * parallel cannot all pass the check before the first failure is recorded. A right password of a user
 * with two-factor sign-in ({@link PasswordVerified}) is not a success yet: the attempt travels with it
 * and is settled by {@link DashboardSignIn#secondFactor} when the code is right.
 */
final class ThrottledAuthenticationManager implements ReactiveAuthenticationManager {

    private final ReactiveAuthenticationManager passwords;
    private final LoginThrottle throttle;

    ThrottledAuthenticationManager(ReactiveAuthenticationManager passwords, LoginThrottle throttle) {
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
    }

    @Override
    public Mono<Authentication> authenticate(Authentication attempt) {
        return Mono.deferContextual(context -> {
            String client = ClientAddress.from(context);
            String account = LoginThrottle.account(attempt.getName());
            LoginThrottle.Attempt counted = throttle.begin(account, client);
            if (counted.refused()) {
                return Mono.error(new LoginThrottledException(counted.retryAfter()));
            }
            return passwords.authenticate(attempt)
                    .map(signedIn -> {
                        if (signedIn instanceof PasswordVerified half) {
                            // Only half a sign-in: the attempt stays counted until the second factor is right.
                            return half.counted(counted);
                        }
                        throttle.succeeded(counted);
                        return signedIn;
                    })
                    .doOnError(failure -> {
                        if (!(failure instanceof BadCredentialsException)) {
                            // Not a wrong password (the database is down, say): the attempt proved nothing.
                            throttle.abandoned(counted);
                        }
                    });
        });
    }
}
