package dev.gatehouse.admin.token;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.storage.token.ApiToken;
import dev.gatehouse.storage.token.ApiTokenRepository;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a {@link TokenCommand}: every problem at once, each naming its field ({@code name},
 * {@code scope}, {@code expiresOn}) and the value.
 */
public final class TokenValidator {

    /** Longest expiry accepted; further than this is almost surely a typo (leave it empty for "never"). */
    static final int MAX_YEARS_AHEAD = 10;

    /** A token as it will be stored. {@code expiresAt} is the first instant it no longer works, null for never. */
    record ValidToken(String name, String scope, Instant expiresAt) {
    }

    private TokenValidator() {
    }

    /**
     * @param today the current day in UTC: an expiry day may be today or later
     * @throws ValidationException naming each bad field
     */
    static ValidToken validate(TokenCommand command, LocalDate today) {
        List<FieldProblem> problems = new ArrayList<>();
        String name = command.name() == null ? "" : command.name().strip();
        if (name.isEmpty()) {
            problems.add(new FieldProblem("name", "name must not be empty: say what the token is for, e.g. 'CI deploy'"));
        } else if (name.length() > ApiTokenRepository.MAX_NAME_LENGTH) {
            problems.add(new FieldProblem("name", "name is " + name.length() + " characters long; at most "
                    + ApiTokenRepository.MAX_NAME_LENGTH + " are allowed"));
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            problems.add(new FieldProblem("name", "name must not contain control characters such as line breaks"));
        }
        String scope = command.scope() == null ? "" : command.scope().strip().toLowerCase(Locale.ROOT);
        if (!ApiToken.SCOPES.contains(scope)) {
            problems.add(new FieldProblem("scope", "scope '" + (command.scope() == null ? "" : command.scope())
                    + "' must be read-only or read-write"));
        }
        Instant expiresAt = null;
        String expiresOn = command.expiresOn() == null ? "" : command.expiresOn().strip();
        if (!expiresOn.isEmpty()) {
            LocalDate day = parse(expiresOn);
            if (day == null) {
                problems.add(new FieldProblem("expiresOn", "expiry date '" + expiresOn
                        + "' is not a date; use YYYY-MM-DD, or leave it empty for a token that never expires"));
            } else if (day.isBefore(today)) {
                problems.add(new FieldProblem("expiresOn", "expiry date " + day + " is in the past; choose today ("
                        + today + ") or a later day"));
            } else if (day.isAfter(today.plusYears(MAX_YEARS_AHEAD))) {
                problems.add(new FieldProblem("expiresOn", "expiry date " + day + " is more than " + MAX_YEARS_AHEAD
                        + " years ahead; leave it empty for a token that never expires"));
            } else {
                // The token works through the whole chosen day, UTC.
                expiresAt = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new ValidToken(name, scope, expiresAt);
    }

    private static LocalDate parse(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException notADate) {
            return null;
        }
    }
}
