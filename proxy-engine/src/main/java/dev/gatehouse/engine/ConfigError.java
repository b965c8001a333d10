package dev.gatehouse.engine;

/**
 * One reason a snapshot cannot be applied.
 *
 * @param object the offending object, e.g. {@code site 3} or {@code backend app}
 * @param field the offending field, e.g. {@code hostnames[1]} or {@code servers}
 * @param message a sentence a dashboard user can act on, naming the bad value
 */
public record ConfigError(String object, String field, String message) {

    @Override
    public String toString() {
        return object + " " + field + ": " + message;
    }
}
