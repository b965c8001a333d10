package dev.gatehouse.admin.web;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Converts between a textarea and a list: one entry per line or comma-separated, as people paste
 * them. Entries are only trimmed; judging them (spaces inside, schemes, ports) is the services' job,
 * so that the user sees the service's precise message instead of a silently "fixed" value.
 */
public final class FormLists {

    private static final Pattern SEPARATORS = Pattern.compile("[,\\r\\n]+");

    private FormLists() {
    }

    /** The non-blank entries of {@code text}, trimmed, in order; empty for null or blank text. */
    public static List<String> split(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(SEPARATORS.split(text))
                .map(String::trim)
                .filter(entry -> !entry.isEmpty())
                .toList();
    }

    /** One entry per line, the way {@link #split} reads them back. */
    public static String join(List<String> entries) {
        return String.join("\n", entries);
    }
}
