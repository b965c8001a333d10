package dev.gatehouse.admin.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.storage.audit.AuditFilter;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The audit log's filter parameters, as the page and the API send them. */
class AuditQueryTest {

    @Test
    void nothingGivenIsEverythingNewestFirstFiftyAPage() {
        AuditQuery.Valid valid = new AuditQuery(null, " ", "", null, null, null).validate();

        assertThat(valid.filter()).isEqualTo(AuditFilter.ANY);
        assertThat(valid.page()).isEqualTo(1);
        assertThat(valid.size()).isEqualTo(AuditQuery.DEFAULT_SIZE);
        assertThat(valid.offset()).isZero();
    }

    @Test
    void daysIncludeBothEndsAndInstantsAreTakenAsGiven() {
        AuditQuery.Valid days = new AuditQuery(" a@example.test ", "site", "2026-11-01", "2026-11-02", "3", "20").validate();
        AuditQuery.Valid instants = new AuditQuery(null, null, "2026-11-01T10:00:00Z", "2026-11-01T11:00:00Z", null, null).validate();

        assertThat(days.filter()).isEqualTo(new AuditFilter("a@example.test", "site",
                Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-03T00:00:00Z")));
        assertThat(days.offset()).isEqualTo(40);
        assertThat(instants.filter().from()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
        assertThat(instants.filter().until()).isEqualTo(Instant.parse("2026-11-01T11:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "from       | yesterday  |            |     |     | from must be a day like 2026-11-26 or a time like 2026-11-26T12:00:00Z, was 'yesterday'",
            "to         |            | 2026-13-01 |     |     | to must be a day like 2026-11-26 or a time like 2026-11-26T12:00:00Z, was '2026-13-01'",
            "to         | 2026-11-05 | 2026-11-01 |     |     | to must be after from (2026-11-05), was 2026-11-01",
            "page       |            |            | 0   |     | page must be a whole number from 1 to",
            "page       |            |            | two |     | page must be a whole number from 1 to",
            "size       |            |            |     | 501 | size must be a whole number from 1 to 500, was '501'",
    })
    void aBadParameterIsNamed(String field, String from, String to, String page, String size, String message) {
        assertThatThrownBy(() -> new AuditQuery(null, null, from, to, page, size).validate())
                .isInstanceOfSatisfying(ValidationException.class, rejected -> assertThat(rejected.problems())
                        .singleElement().satisfies(problem -> {
                            assertThat(problem.field()).isEqualTo(field);
                            assertThat(problem.message()).startsWith(message);
                        }));
    }

    @Test
    void anObjectTypeIsAWordNotAnExpression() {
        assertThatThrownBy(() -> new AuditQuery(null, "site' OR '1'='1", null, null, null, null).validate())
                .isInstanceOfSatisfying(ValidationException.class, rejected -> assertThat(rejected.problems())
                        .extracting(FieldProblem::field).containsExactly("objectType"));
    }
}
