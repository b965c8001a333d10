package dev.gatehouse.storage.user;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored user account.
 *
 * @param id           database identity
 * @param email        login name, stored stripped and lower-cased
 * @param passwordHash the password encoder's output (e.g. {@code {bcrypt}$2a$...}); never the password
 * @param role         {@code "ADMIN"}, {@code "OPERATOR"} or {@code "VIEWER"} (checked by the schema)
 * @param createdAt    when the account was created (UTC)
 */
public record User(long id, String email, String passwordHash, String role, Instant createdAt) {

    public User {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Keeps the password hash out of logs and exception messages. */
    @Override
    public String toString() {
        return "User[id=" + id + ", email=" + email + ", role=" + role + ", createdAt=" + createdAt + "]";
    }
}
