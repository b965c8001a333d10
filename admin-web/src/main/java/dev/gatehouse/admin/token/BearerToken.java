package dev.gatehouse.admin.token;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A token as presented in {@code Authorization: Bearer ...}, not yet checked. Its string is the
 * credential: never logged ({@link #toString()} hides it), erased once checked.
 */
public final class BearerToken extends AbstractAuthenticationToken {

    private String token;

    BearerToken(String token) {
        super(List.of());
        this.token = token;
    }

    String token() {
        return token;
    }

    @Override
    public Object getCredentials() {
        return token;
    }

    @Override
    public Object getPrincipal() {
        return null;
    }

    @Override
    public void eraseCredentials() {
        token = null;
    }

    @Override
    public String toString() {
        return "BearerToken[not yet checked]";
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
