package dev.gatehouse.storage.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.transaction.support.TransactionTemplate;

import dev.gatehouse.storage.MutableClock;
import dev.gatehouse.storage.TestDatabase;
import dev.gatehouse.storage.internal.JdbcSupport;

class AuditEventRepositoryTest {

    @TempDir
    Path tempDir;

    private TestDatabase database;
    private MutableClock clock;
    private AuditEventRepository audit;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open(tempDir);
        clock = MutableClock.startingAt("2026-03-01T09:30:00.000001Z");
        audit = new AuditEventRepository(database.dataSource(), clock);
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void anInsertedEntryReadsBackAsWritten() {
        AuditEvent written = audit.insert(new AuditEventDraft("Alice@Example.TEST", "2001:db8::7", "update", "site", "12",
                "site 12 app.example.test: hostnames [a] → [a, b]", 7L));

        assertThat(written.id()).isPositive();
        assertThat(written.actor()).as("stored in lower case").isEqualTo("alice@example.test");
        assertThat(written.occurredAt()).isEqualTo(clock.instant());
        assertThat(audit.find(AuditFilter.ANY, 0, 10)).containsExactly(written);
    }

    @Test
    void optionalValuesMayBeAbsent() {
        AuditEvent written = audit.insert(new AuditEventDraft("system", null, "update", "default-site", null, "", null));

        AuditEvent read = audit.find(AuditFilter.ANY, 0, 1).get(0);
        assertThat(read).isEqualTo(written);
        assertThat(read.clientIp()).isNull();
        assertThat(read.objectId()).isNull();
        assertThat(read.configRevision()).isNull();
    }

    @Test
    void entriesComeNewestFirstAndPageByOffset() {
        for (int i = 0; i < 5; i++) {
            audit.insert(draft("a@example.test", "site", "entry " + i));
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(audit.find(AuditFilter.ANY, 0, 2)).extracting(AuditEvent::summary).containsExactly("entry 4", "entry 3");
        assertThat(audit.find(AuditFilter.ANY, 2, 2)).extracting(AuditEvent::summary).containsExactly("entry 2", "entry 1");
        assertThat(audit.find(AuditFilter.ANY, 4, 2)).extracting(AuditEvent::summary).containsExactly("entry 0");
        assertThat(audit.find(AuditFilter.ANY, 5, 2)).isEmpty();
        assertThat(audit.count(AuditFilter.ANY)).isEqualTo(5);
    }

    @Test
    void entriesOfTheSameInstantKeepTheirOrder() {
        audit.insert(draft("a@example.test", "site", "first"));
        audit.insert(draft("a@example.test", "site", "second"));

        assertThat(audit.find(AuditFilter.ANY, 0, 10)).extracting(AuditEvent::summary).containsExactly("second", "first");
    }

    @Test
    void filtersByActorObjectTypeAndTimeRange() {
        Instant start = clock.instant();
        audit.insert(draft("alice@example.test", "site", "alice site"));
        clock.advance(Duration.ofHours(1));
        audit.insert(draft("bob@example.test", "site", "bob site"));
        clock.advance(Duration.ofHours(1));
        audit.insert(draft("alice@example.test", "backend", "alice backend"));

        assertThat(summaries(new AuditFilter("ALICE@example.test", null, null, null)))
                .containsExactly("alice backend", "alice site");
        assertThat(summaries(new AuditFilter(null, "site", null, null))).containsExactly("bob site", "alice site");
        assertThat(summaries(new AuditFilter("alice@example.test", "site", null, null))).containsExactly("alice site");
        assertThat(summaries(new AuditFilter(null, null, start.plus(Duration.ofHours(1)), null)))
                .as("from is inclusive").containsExactly("alice backend", "bob site");
        assertThat(summaries(new AuditFilter(null, null, null, start.plus(Duration.ofHours(1)))))
                .as("until is exclusive").containsExactly("alice site");
        assertThat(audit.count(new AuditFilter(null, "site", start, start.plus(Duration.ofMinutes(90))))).isEqualTo(2);
        assertThat(audit.count(new AuditFilter("nobody@example.test", null, null, null))).isZero();
    }

    @Test
    void filterValuesAreBoundNotPastedIntoTheQuery() {
        audit.insert(draft("alice@example.test", "site", "one"));

        assertThat(audit.find(new AuditFilter("' OR '1'='1", null, null, null), 0, 10)).isEmpty();
        assertThat(audit.count(new AuditFilter(null, "site' OR 'x'='x", null, null))).isZero();
    }

    @Test
    void actorsAreListedOnceInOrder() {
        audit.insert(draft("bob@example.test", "site", "1"));
        audit.insert(draft("alice@example.test", "site", "2"));
        audit.insert(draft("bob@example.test", "site", "3"));

        assertThat(audit.actors()).containsExactly("alice@example.test", "bob@example.test");
    }

    @Test
    void anEntryWrittenInARolledBackTransactionIsGone() {
        TransactionTemplate transactions = JdbcSupport.transactions(database.dataSource());

        transactions.executeWithoutResult(status -> {
            audit.insert(draft("alice@example.test", "site", "rolled back"));
            status.setRollbackOnly();
        });

        assertThat(audit.count(AuditFilter.ANY)).isZero();
    }

    @Test
    void refusesWhatTheSchemaCannotHold() {
        assertThatThrownBy(() -> audit.insert(new AuditEventDraft(" ", null, "update", "site", null, "", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audit actor");
        assertThatThrownBy(() -> audit.insert(new AuditEventDraft("a", null, "update", "site", null,
                "x".repeat(AuditEventRepository.MAX_SUMMARY_LENGTH + 1), null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audit summary");
        assertThatThrownBy(() -> audit.insert(new AuditEventDraft("a", "1".repeat(65), "update", "site", null, "", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audit client IP");
        assertThatThrownBy(() -> audit.find(AuditFilter.ANY, 0, AuditEventRepository.MAX_PAGE_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> audit.find(AuditFilter.ANY, -1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
        assertThat(audit.count(AuditFilter.ANY)).isZero();
    }

    @Test
    void theLongestSummaryFits() {
        String longest = "é".repeat(AuditEventRepository.MAX_SUMMARY_LENGTH);

        audit.insert(new AuditEventDraft("a", null, "update", "site", null, longest, null));

        assertThat(audit.find(AuditFilter.ANY, 0, 1).get(0).summary()).isEqualTo(longest);
    }

    private List<String> summaries(AuditFilter filter) {
        return audit.find(filter, 0, 100).stream().map(AuditEvent::summary).toList();
    }

    private static AuditEventDraft draft(String actor, String objectType, String summary) {
        return new AuditEventDraft(actor, "192.0.2.7", "update", objectType, "1", summary, null);
    }
}
