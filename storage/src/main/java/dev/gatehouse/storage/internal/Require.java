package dev.gatehouse.storage.internal;

import java.util.List;

/**
 * Argument checks shared by the repositories. Not part of the storage API.
 *
 * <p>The repositories are not the place where user input is validated (admin-web does that with
 * field-level messages), but they refuse values the schema cannot hold, so that a programming
 * error fails with a message naming the field and the value instead of a bare SQL error.
 */
public final class Require {

    private static final int QUOTED_VALUE_LIMIT = 80;

    private Require() {
    }

    /** A non-null string that has a non-whitespace character and at most {@code maxLength} characters. */
    public static String text(String field, String value, int maxLength) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, got '" + value + "'");
        }
        return maxLength(field, value, maxLength);
    }

    /** A non-null string (possibly empty) of at most {@code maxLength} characters. */
    public static String maxLength(String field, String value, int maxLength) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(field + " '" + abbreviate(value) + "' is " + value.length()
                    + " characters long; at most " + maxLength + " are allowed");
        }
        return value;
    }

    /** A non-null, non-empty list whose elements each pass {@link #text}; fields are named {@code field[i]}. */
    public static List<String> texts(String field, List<String> values, int maxLength) {
        if (values == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(field + " must contain at least one entry");
        }
        for (int i = 0; i < values.size(); i++) {
            text(field + "[" + i + "]", values.get(i), maxLength);
        }
        return List.copyOf(values);
    }

    public static long atLeast(String field, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(field + " must be at least " + minimum + ", got " + value);
        }
        return value;
    }

    private static String abbreviate(String value) {
        return value.length() <= QUOTED_VALUE_LIMIT ? value : value.substring(0, QUOTED_VALUE_LIMIT) + "…";
    }
}
