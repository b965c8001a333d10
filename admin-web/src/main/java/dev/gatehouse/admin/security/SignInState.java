package dev.gatehouse.admin.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.springframework.web.server.WebSession;

/**
 * What the dashboard keeps in a session besides Spring Security's context: when the user signed in,
 * last did something and last entered the password, a half-finished two-factor sign-in, and how recent
 * the checked password is ({@link UserSessions}).
 * {@link TwoStepSecurityContextRepository} writes them, {@link SessionTimeouts} and
 * {@link ReauthenticationService} read them.
 */
public final class SignInState {

    private static final String PREFIX = SignInState.class.getName() + ".";
    /** {@link Instant}: when the sign-in finished (password, and code with two-factor sign-in). */
    static final String SIGNED_IN_AT = PREFIX + "signedInAt";
    /** {@link Instant}: the last request that was not a background refresh. */
    static final String LAST_ACTIVITY = PREFIX + "lastActivity";
    /** {@link Instant}: when the password (and code) was last entered: at sign-in or to re-authenticate. */
    static final String CONFIRMED_AT = PREFIX + "confirmedAt";
    /** {@link Pending}: the password was right, the code is awaited. */
    static final String PENDING = PREFIX + "pending";
    /**
     * {@link Long}: {@link UserSessions#stamp()} when the password of this session's sign-in (full or
     * pending) was checked; the session ends once the user's credentials change after that.
     */
    static final String CREDENTIALS_STAMP = PREFIX + "credentialsStamp";

    /** How long after the password the code may be entered; then the sign-in starts over. */
    public static final Duration PENDING_FOR = Duration.ofMinutes(5);

    private SignInState() {
    }

    /**
     * A sign-in waiting for its second factor.
     *
     * @param email           the user whose password was right
     * @param passwordAttempt the password's throttle attempt, still counted as a failure
     * @param verifiedAt      when the password was checked
     */
    public record Pending(String email, LoginThrottle.Attempt passwordAttempt, Instant verifiedAt) {

        public Pending {
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(verifiedAt, "verifiedAt");
        }

        boolean expired(Instant now) {
            return !now.isBefore(verifiedAt.plus(PENDING_FOR));
        }
    }

    /** The session's half-finished sign-in that has not expired, or null. */
    public static Pending pending(WebSession session, Instant now) {
        Object value = session.getAttributes().get(PENDING);
        if (value instanceof Pending pending && !pending.expired(now)) {
            return pending;
        }
        return null;
    }

    /** Forgets a half-finished sign-in (after too long, or when the user starts over). */
    public static void clearPending(WebSession session) {
        session.getAttributes().remove(PENDING);
    }

    /** When the session's user signed in, or null for a session nobody signed in to. */
    public static Instant signedInAt(WebSession session) {
        return session.getAttribute(SIGNED_IN_AT);
    }
}
