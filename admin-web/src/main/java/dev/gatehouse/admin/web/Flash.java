package dev.gatehouse.admin.web;

import java.util.Objects;

/**
 * A one-time message shown on the next page after a redirect (see {@link FlashMessages}).
 *
 * @param level the Tabler alert colour: {@code success} or {@code danger}
 * @param message plain text, printed escaped
 */
public record Flash(String level, String message) {

    public Flash {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
    }

    public static Flash success(String message) {
        return new Flash("success", message);
    }

    public static Flash danger(String message) {
        return new Flash("danger", message);
    }
}
