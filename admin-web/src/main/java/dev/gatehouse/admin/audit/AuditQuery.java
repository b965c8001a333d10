package dev.gatehouse.admin.audit;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.storage.audit.AuditEventRepository;
import dev.gatehouse.storage.audit.AuditFilter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which page of the audit log to show, as the page's filter form and the API's query send it; all text, so
 * that a bad value gets a message naming the parameter.
 *
 * <ul>
 *   <li>{@code actor}: a user's email (or {@code system}); default any</li>
 *   <li>{@code objectType}: e.g. {@code site}, {@code user}; default any</li>
 *   <li>{@code from}, {@code to}: a day ({@code 2026-11-26}, UTC, both days included) or an instant
 *       ({@code 2026-11-26T12:00:00Z}; {@code from} included, {@code to} not); default unbounded</li>
 *   <li>{@code page}: 1 for the newest entries; default 1</li>
 *   <li>{@code size}: entries per page, 1 to {@value #MAX_SIZE}; default {@value #DEFAULT_SIZE}</li>
 * </ul>
 */
public record AuditQuery(String actor, String objectType, String from, String to, String page, String size) {

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = AuditEventRepository.MAX_PAGE_SIZE;

    private static final Pattern OBJECT_TYPE = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** The parameters as a filter, page number and size. */
    public record Valid(AuditFilter filter, int page, int size) {

        /** Entries to skip for this page. */
        long offset() {
            return (long) (page - 1) * size;
        }
    }

    /** From request parameters; absent ones are null. */
    public static AuditQuery of(Map<String, String> parameters) {
        return new AuditQuery(parameters.get("actor"), parameters.get("objectType"), parameters.get("from"),
                parameters.get("to"), parameters.get("page"), parameters.get("size"));
    }

    /** @throws ValidationException naming each bad parameter */
    public Valid validate() {
        List<FieldProblem> problems = new ArrayList<>();
        String actorFilter = blankToNull(actor);
        if (actorFilter != null && actorFilter.length() > AuditEventRepository.MAX_ACTOR_LENGTH) {
            problems.add(new FieldProblem("actor", "actor must be at most " + AuditEventRepository.MAX_ACTOR_LENGTH
                    + " characters, was " + actorFilter.length()));
        }
        String typeFilter = blankToNull(objectType);
        if (typeFilter != null && !OBJECT_TYPE.matcher(typeFilter).matches()) {
            problems.add(new FieldProblem("objectType", "objectType must be an object type such as site or user, was '"
                    + abbreviate(typeFilter) + "'"));
        }
        Instant start = instant("from", from, false, problems);
        Instant end = instant("to", to, true, problems);
        if (start != null && end != null && !start.isBefore(end)) {
            problems.add(new FieldProblem("to", "to must be after from (" + from.strip() + "), was " + to.strip()));
        }
        int pageNumber = number("page", page, 1, 1, Integer.MAX_VALUE / MAX_SIZE, problems);
        int pageSize = number("size", size, DEFAULT_SIZE, 1, MAX_SIZE, problems);
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new Valid(new AuditFilter(actorFilter, typeFilter, start, end), pageNumber, pageSize);
    }

    /** A day (the start of it, or with {@code endOfDay} the start of the next) or an instant. */
    private static Instant instant(String field, String text, boolean endOfDay, List<FieldProblem> problems) {
        String value = blankToNull(text);
        if (value == null) {
            return null;
        }
        try {
            LocalDate day = LocalDate.parse(value);
            return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADay) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException notAnInstant) {
                problems.add(new FieldProblem(field, field + " must be a day like 2026-11-26 or a time like "
                        + "2026-11-26T12:00:00Z, was '" + abbreviate(value) + "'"));
                return null;
            }
        }
    }

    private static int number(String field, String text, int fallback, int min, int max, List<FieldProblem> problems) {
        String value = blankToNull(text);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, like a number out of range
        }
        problems.add(new FieldProblem(field, field + " must be a whole number from " + min + " to " + max + ", was '"
                + abbreviate(value) + "'"));
        return fallback;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 39) + "…";
    }
}
