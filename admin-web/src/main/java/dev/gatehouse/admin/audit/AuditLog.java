package dev.gatehouse.admin.audit;

import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.config.SnapshotJson;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.storage.audit.AuditEventDraft;
import dev.gatehouse.storage.audit.AuditEventRepository;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import reactor.core.publisher.Mono;

/**
 * Writes the audit log: who changed what and when, from which address, before and after.
 *
 * <ul>
 *   <li>Configuration changes, all of them, from {@code ConfigPublisher}: one entry per changed object with
 *       a field-level summary ({@link SnapshotDiff}), written in the transaction that stores the revision, so
 *       no change is ever live without its entry.</li>
 *   <li>Everything else that matters and is no configuration: sign-ins and failed sign-ins
 *       ({@link SignInAuditFilter}), user management, API tokens created and revoked. Changes are written in
 *       the same transaction as the change itself ({@link #change}).</li>
 * </ul>
 *
 * <p>Never a secret: summaries are built from names and settings, never from passwords, hashes, keys or
 * tokens; and as a last guard every summary is scrubbed of anything shaped like one (a PEM block, a bcrypt
 * hash, an API token) before it is stored.
 */
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    /** The actor of what the appliance does by itself (first start, restoring the configuration). */
    public static final String SYSTEM = "system";

    public static final String CREATE = "create";
    public static final String UPDATE = "update";
    public static final String DELETE = "delete";
    public static final String REVOKE = "revoke";
    public static final String RESET_PASSWORD = "reset-password";
    public static final String SIGN_IN = "sign-in";
    public static final String SIGN_IN_FAILED = "sign-in-failed";
    /** The appliance started serving a stored revision. */
    public static final String RESTORE = "restore";

    /** The whole configuration, when no single object is meant (the first revision, a restart). */
    public static final String CONFIG = "config";
    public static final String USER = "user";
    public static final String API_TOKEN = "api-token";
    /** A dashboard or API sign-in. */
    public static final String SESSION = "session";

    /** Every object type the log holds, for a filter's choices. */
    public static final List<String> OBJECT_TYPES = List.of("site", "backend", "stream", "certificate", "access-list",
            "default-site", "listener-settings", CONFIG, USER, API_TOKEN, SESSION);

    private static final String CUT = "…";

    /** Shapes of secrets, replaced before anything is stored whatever the caller put in. */
    private static final List<Scrub> SCRUBS = List.of(
            new Scrub(Pattern.compile("-----BEGIN [A-Z0-9 ]+-----.*?(-----END [A-Z0-9 ]+-----|$)", Pattern.DOTALL), "[PEM block]"),
            new Scrub(Pattern.compile("(\\{[a-z0-9]+})?\\$2[abxy]?\\$\\d{2}\\$[./A-Za-z0-9]{20,}"), "[hash]"),
            new Scrub(Pattern.compile("\\$argon2(id|i|d)\\$\\S+"), "[hash]"),
            new Scrub(Pattern.compile("ght_[A-Za-z0-9]{8}_[A-Za-z0-9]{20,}"), "[API token]"));

    private record Scrub(Pattern pattern, String replacement) {
    }

    private final AuditEventRepository events;
    private final TransactionTemplate transactions;

    public AuditLog(AuditEventRepository events, TransactionTemplate transactions) {
        this.events = Objects.requireNonNull(events, "events");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    /**
     * One entry to write.
     *
     * @param actor who: a user's email or {@link #SYSTEM}
     * @param clientIp from where; null for the appliance's own work
     * @param objectId the object's id or name; null for singletons
     * @param summary what changed, before and after, without secrets
     */
    public record Entry(String actor, String clientIp, String action, String objectType, String objectId,
                        String summary) {
    }

    /** The current request's client address (empty outside a request), for the blocking methods. */
    public static Mono<String> clientIp() {
        return Mono.deferContextual(context -> Mono.justOrEmpty(AuditContext.clientIp(context)));
    }

    /** Writes an entry now, in the caller's transaction if there is one. Blocking (JDBC). */
    public void recordNow(Entry entry) {
        recordNow(entry, null);
    }

    /**
     * Runs {@code change} and writes the entry {@code describe} makes of its result, in one transaction: the
     * change is not stored without its entry. Blocking (JDBC): call it on a bounded-elastic thread.
     */
    public <T> T change(Supplier<T> change, Function<T, Entry> describe) {
        return transactions.execute(status -> {
            T result = change.get();
            recordNow(describe.apply(result));
            return result;
        });
    }

    /** Writes an entry off the event loop, with the current request's client address; a failure is logged, not passed on. */
    public Mono<Void> record(String actor, String action, String objectType, String objectId, String summary) {
        return Mono.deferContextual(context -> {
            Entry entry = new Entry(actor, AuditContext.clientIp(context), action, objectType, objectId, summary);
            return Blocking.run(() -> recordNow(entry))
                    .onErrorResume(failure -> {
                        log.error("Could not write the audit log entry '{} {} {}' by {}: {}", action, objectType,
                                objectId, actor, failure.toString());
                        return Mono.empty();
                    });
        });
    }

    /**
     * Entries for a published configuration revision: one per changed object, with its fields before and
     * after. Called by {@code ConfigPublisher} inside the revision's transaction. Blocking (JDBC).
     *
     * @param before the previous revision's configuration; null when there is none (or it could not be read):
     *     then every object is logged as created
     * @param after the new revision's configuration
     * @param changeSummary the writer's own line ("updated site app.example.test"), used when the objects look
     *     the same in their stored form (a certificate's new key with the same chain)
     */
    public void configPublished(String actor, String clientIp, long revision, ConfigSnapshot before, ConfigSnapshot after,
                                String changeSummary) {
        List<SnapshotDiff.ObjectChange> changes;
        try {
            ChangedObjects.Json changed = before == null
                    ? new ChangedObjects.Json(null, SnapshotJson.write(after))
                    : ChangedObjects.between(before, after);
            changes = SnapshotDiff.between(changed.before(), changed.after());
        } catch (IllegalArgumentException unreadable) {
            // the previous revision is damaged: still say who changed what, just not field by field
            log.warn("Revision {} is logged without field changes: {}", revision, unreadable.getMessage());
            changes = List.of();
        }
        if (changes.isEmpty()) {
            recordNow(new Entry(actor, clientIp, UPDATE, CONFIG, null, changeSummary), revision);
            return;
        }
        for (SnapshotDiff.ObjectChange change : changes) {
            recordNow(new Entry(actor, clientIp, change.action(), change.objectType(), change.objectId(), change.summary()),
                    revision);
        }
    }

    /** Writes an entry about the configuration as a whole (first revision, restore at start). Blocking. */
    public void configEvent(String actor, String action, long revision, String summary) {
        recordNow(new Entry(actor, null, action, CONFIG, null, summary), revision);
    }

    private void recordNow(Entry entry, Long revision) {
        events.insert(new AuditEventDraft(
                fit(entry.actor() == null || entry.actor().isBlank() ? "(blank)" : entry.actor().strip(),
                        AuditEventRepository.MAX_ACTOR_LENGTH),
                entry.clientIp() == null ? null : fit(entry.clientIp(), AuditEventRepository.MAX_CLIENT_IP_LENGTH),
                entry.action(), entry.objectType(),
                entry.objectId() == null ? null : fit(entry.objectId(), AuditEventRepository.MAX_OBJECT_ID_LENGTH),
                fit(scrub(entry.summary() == null ? "" : entry.summary()), AuditEventRepository.MAX_SUMMARY_LENGTH),
                revision));
    }

    /** The text with anything shaped like a secret replaced. */
    static String scrub(String text) {
        String scrubbed = text;
        for (Scrub scrub : SCRUBS) {
            scrubbed = scrub.pattern().matcher(scrubbed).replaceAll(scrub.replacement().replace("$", "\\$"));
        }
        return scrubbed;
    }

    /** Cut to the column's length, saying so. */
    static String fit(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - CUT.length()) + CUT;
    }

    /**
     * The actor to log for a failed sign-in: the typed email, trimmed and lower-cased. Anything typed that is no
     * email address is not logged as typed: people type their password into the wrong box.
     */
    static String attemptedActor(String typed) {
        if (typed == null || typed.isBlank()) {
            return "(blank)";
        }
        String email = typed.strip().toLowerCase(Locale.ROOT);
        return email.indexOf('@') > 0 && email.chars().noneMatch(Character::isWhitespace) ? email : "(not an email address)";
    }
}
