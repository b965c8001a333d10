package dev.gatehouse.admin.token;

import dev.gatehouse.storage.token.ApiToken;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * A token as the dashboard lists it: never the secret, only its public start ({@link #hint}).
 *
 * @param owner the email of the user the token acts as
 * @param status {@code active}, {@code expired} or {@code revoked}, at the time the view was made
 */
public record TokenView(long id, String name, String scope, String owner, String hint, Instant createdAt,
                        Instant lastUsedAt, Instant expiresAt, Instant revokedAt, String status) {

    public static final String ACTIVE = "active";
    public static final String EXPIRED = "expired";
    public static final String REVOKED = "revoked";

    static TokenView of(ApiToken token, Instant now) {
        String status = token.revokedAt() != null ? REVOKED : token.usableAt(now) ? ACTIVE : EXPIRED;
        return new TokenView(token.id(), token.name(), token.scope(), token.userEmail(), TokenSecrets.hint(token.keyId()),
                token.createdAt(), token.lastUsedAt(), token.expiresAt(), token.revokedAt(), status);
    }

    /** The last day (UTC) the token works, as chosen when it was created; null when it never expires. */
    public LocalDate lastDay() {
        return expiresAt == null ? null : expiresAt.minusNanos(1).atZone(ZoneOffset.UTC).toLocalDate();
    }

    public boolean active() {
        return ACTIVE.equals(status);
    }
}
