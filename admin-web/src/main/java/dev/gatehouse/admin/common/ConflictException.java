package dev.gatehouse.admin.common;

import java.util.Objects;

/**
 * The command is well-formed but clashes with stored state, e.g. a hostname another site already
 * uses or a backend still in use: API 409, dashboard shows the message next to {@link #field()}.
 */
public class ConflictException extends RuntimeException {

    private final String field;

    public ConflictException(String field, String message) {
        super(message);
        this.field = Objects.requireNonNull(field, "field");
    }

    public String field() {
        return field;
    }
}
