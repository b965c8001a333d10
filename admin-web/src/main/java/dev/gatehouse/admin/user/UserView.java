package dev.gatehouse.admin.user;

import dev.gatehouse.storage.user.User;
import java.time.Instant;

/**
 * A user as the dashboard and the API show them: never a password, hash or second-factor secret.
 *
 * @param lastSignInAt the last dashboard sign-in; null = none recorded
 * @param twoFactor whether the user signs in with a second factor (authenticator code)
 */
public record UserView(long id, String email, Role role, Instant createdAt, Instant lastSignInAt, boolean twoFactor) {

    static UserView of(User user, Instant lastSignInAt, boolean twoFactor) {
        return new UserView(user.id(), user.email(), Role.fromStored(user.role()).orElseThrow(() -> new IllegalStateException(
                "user " + user.id() + " has the unknown role '" + user.role() + "'")), user.createdAt(), lastSignInAt, twoFactor);
    }
}
