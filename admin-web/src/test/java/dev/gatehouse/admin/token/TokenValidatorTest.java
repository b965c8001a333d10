package dev.gatehouse.admin.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.token.TokenValidator.ValidToken;
import java.time.Instant;
import java.time.LocalDate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: what a new token request becomes, or which field is wrong and why. */
class TokenValidatorTest {

    private static final LocalDate TODAY = LocalDate.parse("2026-03-10");

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of(new TokenCommand("CI deploy", "read-only", ""), new ValidToken("CI deploy", "read-only", null)),
                Arguments.of(new TokenCommand("  monitoring ", " Read-Write ", null),
                        new ValidToken("monitoring", "read-write", null)),
                Arguments.of(new TokenCommand("n".repeat(64), "read-only", "2026-03-10"),
                        new ValidToken("n".repeat(64), "read-only", Instant.parse("2026-03-11T00:00:00Z"))),
                Arguments.of(new TokenCommand("ci", "read-write", " 2036-03-10 "),
                        new ValidToken("ci", "read-write", Instant.parse("2036-03-11T00:00:00Z"))),
                Arguments.of(new TokenCommand("Déploiement ✓", "read-only", "2026-12-31"),
                        new ValidToken("Déploiement ✓", "read-only", Instant.parse("2027-01-01T00:00:00Z"))));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("accepted")
    void acceptedRequestsAreNormalisedAndExpireAtTheEndOfTheirLastDay(TokenCommand command, ValidToken expected) {
        assertThat(TokenValidator.validate(command, TODAY)).isEqualTo(expected);
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of(new TokenCommand("", "read-only", ""), "name", "name must not be empty"),
                Arguments.of(new TokenCommand(null, "read-only", ""), "name", "name must not be empty"),
                Arguments.of(new TokenCommand("   ", "read-only", ""), "name", "name must not be empty"),
                Arguments.of(new TokenCommand("n".repeat(65), "read-only", ""), "name",
                        "name is 65 characters long; at most 64 are allowed"),
                Arguments.of(new TokenCommand("two\nlines", "read-only", ""), "name", "must not contain control characters"),
                Arguments.of(new TokenCommand("ci", "admin", ""), "scope", "scope 'admin' must be read-only or read-write"),
                Arguments.of(new TokenCommand("ci", null, ""), "scope", "scope '' must be read-only or read-write"),
                Arguments.of(new TokenCommand("ci", "read-only", "tomorrow"), "expiresOn",
                        "expiry date 'tomorrow' is not a date; use YYYY-MM-DD"),
                Arguments.of(new TokenCommand("ci", "read-only", "2026-02-30"), "expiresOn",
                        "expiry date '2026-02-30' is not a date"),
                Arguments.of(new TokenCommand("ci", "read-only", "10/03/2026"), "expiresOn",
                        "expiry date '10/03/2026' is not a date"),
                Arguments.of(new TokenCommand("ci", "read-only", "2026-03-09"), "expiresOn",
                        "expiry date 2026-03-09 is in the past; choose today (2026-03-10) or a later day"),
                Arguments.of(new TokenCommand("ci", "read-only", "2036-03-11"), "expiresOn",
                        "expiry date 2036-03-11 is more than 10 years ahead"),
                Arguments.of(new TokenCommand("ci", "read-only", "+10000-01-01"), "expiresOn",
                        "is more than 10 years ahead"));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("rejected")
    void rejectedRequestsNameTheFieldAndTheValue(TokenCommand command, String field, String message) {
        assertThatThrownBy(() -> TokenValidator.validate(command, TODAY))
                .isInstanceOfSatisfying(ValidationException.class, rejected -> assertThat(rejected.problems())
                        .singleElement()
                        .satisfies(problem -> {
                            assertThat(problem.field()).isEqualTo(field);
                            assertThat(problem.message()).contains(message);
                        }));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> TokenValidator.validate(new TokenCommand("", "owner", "soon"), TODAY))
                .isInstanceOfSatisfying(ValidationException.class, rejected -> assertThat(rejected.problems())
                        .extracting(problem -> problem.field())
                        .containsExactly("name", "scope", "expiresOn"));
    }
}
