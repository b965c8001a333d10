package dev.gatehouse.storage.user;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's two-factor sign-in, as far as it may be shown: never the secret nor a recovery code.
 *
 * @param userId             the user
 * @param enabledAt          when it was turned on (UTC)
 * @param recoveryCodesLeft  recovery codes not used yet
 */
public record TwoFactorStatus(long userId, Instant enabledAt, int recoveryCodesLeft) {

    public TwoFactorStatus {
        Objects.requireNonNull(enabledAt, "enabledAt");
    }
}
