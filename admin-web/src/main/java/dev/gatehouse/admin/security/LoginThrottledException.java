package dev.gatehouse.admin.security;

import java.time.Duration;
import org.springframework.security.core.AuthenticationException;

/**
 * A sign-in attempt refused without checking the password, because of earlier failures for the account
 * or from the client ({@link LoginThrottle}). Says when to try again, never whether the account exists.
 */
public final class LoginThrottledException extends AuthenticationException {

    private final long retryAfterSeconds;

    LoginThrottledException(Duration wait) {
        super("too many failed sign-ins; try again in " + seconds(wait) + (seconds(wait) == 1 ? " second" : " seconds"));
        this.retryAfterSeconds = seconds(wait);
    }

    /** Whole seconds until an attempt is accepted again, at least 1 (the value of {@code Retry-After}). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    private static long seconds(Duration wait) {
        long millis = Math.max(1, wait.toMillis());
        return (millis + 999) / 1000;
    }
}
