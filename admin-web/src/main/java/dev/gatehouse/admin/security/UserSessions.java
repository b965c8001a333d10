package dev.gatehouse.admin.security;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.web.server.WebSession;

/**
 * Ends a user's dashboard sessions when their password is reset or changed, their role changes or they
 * are deleted ({@link #endSessions}): every session of theirs signed in before that stops working at its
 * next request (a page goes to the login form, the API answers 401), except the one that made the change
 * when it is the user's own.
 *
 * <p>How: a counter that only grows. A sign-in takes its value before the password is checked
 * ({@link #stamp()}) and keeps it in the session ({@link TwoStepSecurityContextRepository}); ending a
 * user's sessions moves the counter on and notes the new value for that user. A session whose value is
 * below its user's note is over, checked when the session is loaded: a map lookup, nothing stored per
 * session besides one number. Taking the value before the password check means a sign-in that raced a
 * reset with the old password loses. Sessions live in memory and do not outlive the process, and neither
 * need the notes.
 */
public final class UserSessions {

    private final AtomicLong counter = new AtomicLong();
    /** Email (lower case) to the counter value its sessions must have reached. */
    private final Map<String, Long> endedBelow = new ConcurrentHashMap<>();

    /** The value a sign-in starting now records. */
    long stamp() {
        return counter.get();
    }

    /**
     * Ends every session of {@code email} signed in so far. {@code current}, the session of the request
     * making the change, stays signed in when it is {@code email}'s own (a user changing their own password
     * or role); any other session, or none, is simply not spared.
     */
    public void endSessions(String email, WebSession current) {
        String user = key(email);
        long ended = counter.incrementAndGet();
        // the kept session first: once the note is written, a concurrent request of it must already pass
        String owner = current == null ? null : signedInAs(current);
        if (owner != null && user.equals(key(owner))) {
            current.getAttributes().put(SignInState.CREDENTIALS_STAMP, ended);
        }
        endedBelow.merge(user, ended, Math::max);
    }

    /** Whether a session of {@code email} that recorded {@code stamp} at its sign-in is over. */
    boolean ended(String email, long stamp) {
        Long below = endedBelow.get(key(email));
        return below != null && stamp < below;
    }

    /** The email of the full sign-in the session holds, or null. */
    static String signedInAs(WebSession session) {
        Object context = session.getAttributes()
                .get(WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME);
        if (context instanceof SecurityContext security) {
            Authentication authentication = security.getAuthentication();
            return authentication != null && authentication.isAuthenticated() ? authentication.getName() : null;
        }
        return null;
    }

    private static String key(String email) {
        return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    }
}
