package dev.gatehouse.admin.token;

import java.util.Objects;

/**
 * A token just created: its view and the token itself, which exists nowhere else (only its hash is
 * stored) and is shown to its creator exactly once.
 */
public record NewToken(TokenView view, String secret) {

    public NewToken {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(secret, "secret");
    }

    /** Keeps the token out of logs and exception messages. */
    @Override
    public String toString() {
        return "NewToken[" + view + ", secret=" + view.hint() + "]";
    }
}
