package dev.gatehouse.admin.token;

import dev.gatehouse.storage.token.ApiToken;
import java.util.List;
import java.util.Objects;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A call authenticated by an API token: it acts as the token's user (the principal's name is the
 * user's email, its authority the user's role), limited by the token's scope. Holds no secret.
 */
public final class ApiTokenAuthentication extends AbstractAuthenticationToken {

    private final long tokenId;
    private final String tokenName;
    private final String scope;
    private final String email;

    ApiTokenAuthentication(ApiToken token) {
        super(List.of(new SimpleGrantedAuthority("ROLE_" + token.userRole())));
        this.tokenId = token.id();
        this.tokenName = token.name();
        this.scope = token.scope();
        this.email = token.userEmail();
        setAuthenticated(true);
    }

    public long tokenId() {
        return tokenId;
    }

    public String tokenName() {
        return tokenName;
    }

    /** {@link ApiToken#READ_ONLY} or {@link ApiToken#READ_WRITE}. */
    public String scope() {
        return scope;
    }

    /** Whether the token's scope lets it make a call with this method: read-only tokens only GET and HEAD. */
    public boolean permits(HttpMethod method) {
        return ApiToken.READ_WRITE.equals(scope) || HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
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
        return other instanceof ApiTokenAuthentication that && super.equals(that) && tokenId == that.tokenId
                && Objects.equals(scope, that.scope);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), tokenId);
    }
}
