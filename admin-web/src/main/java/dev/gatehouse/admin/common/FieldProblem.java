package dev.gatehouse.admin.common;

import java.util.Objects;

/**
 * One thing wrong with one field of a command, phrased for the person who filled it in.
 *
 * @param field the field as the form and the API name it, e.g. {@code hostnames[1]} or {@code servers}
 * @param message a sentence naming the field and the bad value, e.g. "hostnames[0] 'a b' must not contain spaces"
 */
public record FieldProblem(String field, String message) {

    public FieldProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }
}
