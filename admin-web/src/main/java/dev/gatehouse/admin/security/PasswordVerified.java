package dev.gatehouse.admin.security;

import java.util.List;
import java.util.Objects;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * Half a sign-in: the password of a user with two-factor sign-in was right, the code is still to come.
 * Never authenticated and without authorities: {@link TwoStepSecurityContextRepository} keeps it apart
 * from the session's security context, so no page and no API call sees a signed-in user until
 * {@link DashboardSignIn#secondFactor} accepts the code.
 *
 * <p>It carries the password's throttle attempt, which stays counted as a failure until the code is
 * right: knowing the password does not reset the count the code guesses add to.
 */
public final class PasswordVerified extends AbstractAuthenticationToken {

    private final String email;
    private final transient LoginThrottle.Attempt attempt;

    PasswordVerified(String email, LoginThrottle.Attempt attempt) {
        super(List.of());
        this.email = Objects.requireNonNull(email, "email");
        this.attempt = attempt;
        super.setAuthenticated(false);
    }

    /** The same half sign-in, with the throttle attempt that checked its password. */
    PasswordVerified counted(LoginThrottle.Attempt passwordAttempt) {
        PasswordVerified counted = new PasswordVerified(email, passwordAttempt);
        counted.setDetails(getDetails());
        return counted;
    }

    /** The password's throttle attempt; null before {@link ThrottledAuthenticationManager} attached it. */
    LoginThrottle.Attempt attempt() {
        return attempt;
    }

    @Override
    public void setAuthenticated(boolean authenticated) {
        if (authenticated) {
            throw new IllegalArgumentException("a password without its second factor is never an authenticated sign-in");
        }
        super.setAuthenticated(false);
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return email;
    }

    @Override
    public String getName() {
        return email;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PasswordVerified that && email.equals(that.email) && Objects.equals(attempt, that.attempt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(email, attempt);
    }
}
