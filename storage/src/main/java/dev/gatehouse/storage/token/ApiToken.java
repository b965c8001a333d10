package dev.gatehouse.storage.token;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A stored API token: everything about it except the secret, which is never stored, and its hash,
 * which only the lookup needs.
 *
 * @param id         database identity
 * @param userId     the user who created it; the token acts as this user
 * @param userEmail  that user's email (the principal name of calls made with the token)
 * @param userRole   that user's role (the token has this user's rights, further limited by its scope)
 * @param name       what the token is for, as typed
 * @param scope      {@link #READ_ONLY} or {@link #READ_WRITE}
 * @param keyId      the public part of the token after {@code ght_}, shown in lists; not secret
 * @param createdAt  when it was created (UTC)
 * @param expiresAt  the first instant it no longer works; null = never expires
 * @param lastUsedAt when it last authenticated a call, to about a minute; null = never used
 * @param revokedAt  when it was revoked; null = not revoked
 */
public record ApiToken(long id, long userId, String userEmail, String userRole, String name, String scope,
                       String keyId, Instant createdAt, Instant expiresAt, Instant lastUsedAt, Instant revokedAt) {

    /** May only read: GET and HEAD. */
    public static final String READ_ONLY = "read-only";
    /** May do whatever its user may. */
    public static final String READ_WRITE = "read-write";
    /** Every scope the schema accepts. */
    public static final Set<String> SCOPES = Set.of(READ_ONLY, READ_WRITE);

    public ApiToken {
        Objects.requireNonNull(userEmail, "userEmail");
        Objects.requireNonNull(userRole, "userRole");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether the token authenticates calls at {@code now}: neither revoked nor expired. */
    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
