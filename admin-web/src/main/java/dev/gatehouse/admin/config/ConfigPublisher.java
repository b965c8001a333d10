package dev.gatehouse.admin.config;

import dev.gatehouse.admin.audit.AuditContext;
import dev.gatehouse.admin.audit.AuditLog;
import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.engine.ApplyResult;
import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.ProxyEngine;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.storage.revision.ConfigRevision;
import dev.gatehouse.storage.revision.ConfigRevisionRepository;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import reactor.core.publisher.Mono;

/**
 * The one way configuration changes: every write of sites or backends goes through
 * {@link #publish}, which makes "validated, stored and live" a single step.
 *
 * <p>Per write, serialized by one lock so revision numbers never race: in one transaction, run the
 * write (which validates its command and changes the tables), build the whole snapshot from the
 * database at revision latest+1, let the engine validate it (a rejection rolls everything back and
 * becomes a {@link ValidationException}), store the revision; after the commit, swap it into the
 * engine. So a rejected form stores nothing and the engine only ever runs a stored revision.
 * A write that leaves the routing unchanged stores no revision and touches no live traffic.
 *
 * <p>Every stored revision is also written to the audit log in its transaction ({@link AuditLog#configPublished}):
 * who (the actor), from where (the client address the request's Reactor context carries; none for the
 * appliance's own work at start, logged as {@value #SYSTEM_ACTOR}) and what, object by object, before and after.
 */
@Component
public class ConfigPublisher {

    private static final Logger log = LoggerFactory.getLogger(ConfigPublisher.class);

    /** Creator of the revisions the appliance writes by itself (first start). */
    public static final String SYSTEM_ACTOR = "system";

    private static final Pattern ROUTE_FIELD = Pattern.compile("routes\\[\\d+]\\.backend");

    private final ProxyEngine engine;
    private final ConfigRevisionRepository revisions;
    private final SnapshotBuilder snapshotBuilder;
    private final TransactionTemplate transactions;
    private final AuditLog audit;
    private final ReentrantLock writeLock = new ReentrantLock(true);

    /** The newest stored revision's snapshot; read and written under {@link #writeLock}. */
    private ConfigSnapshot latestStored;

    public ConfigPublisher(ProxyEngine engine, ConfigRevisionRepository revisions, SnapshotBuilder snapshotBuilder,
                           TransactionTemplate transactions, AuditLog audit) {
        this.engine = engine;
        this.revisions = revisions;
        this.snapshotBuilder = snapshotBuilder;
        this.transactions = transactions;
        this.audit = audit;
    }

    /**
     * What a write produced: its result for the caller and a one-line summary for the revision
     * history, e.g. "created site app.example.test".
     */
    public record Change<T>(T result, String summary) {
    }

    /**
     * Runs {@code write} and publishes the resulting configuration, off the event loop.
     *
     * @param actor who made the change (the administrator's email), stored as the revision's creator
     * @param write validates its command and writes the tables, throwing ValidationException,
     *     ConflictException or NotFoundException to abort; runs inside the transaction
     */
    public <T> Mono<T> publish(String actor, Supplier<Change<T>> write) {
        return Mono.deferContextual(context -> {
            String clientIp = AuditContext.clientIp(context);
            return Blocking.mono(() -> publishNow(actor, clientIp, write));
        });
    }

    private <T> T publishNow(String actor, String clientIp, Supplier<Change<T>> write) {
        long started = System.nanoTime();
        writeLock.lock();
        try {
            Prepared<T> prepared = transactions.execute(status -> prepare(actor, clientIp, write));
            if (prepared.snapshot() == null) {
                log.debug("'{}' by {} left the routing unchanged; no new revision", prepared.summary(), actor);
                return prepared.result();
            }
            long committed = System.nanoTime();
            latestStored = prepared.snapshot();
            ApplyResult applied = engine.apply(prepared.snapshot());
            if (!applied.ok()) {
                // validate() accepted this very snapshot a moment ago; only an engine bug gets here.
                log.error("Stored revision {} was rejected by the engine on apply, revision {} keeps serving: {}",
                        prepared.snapshot().revision(), applied.liveRevision(), applied.errors());
            }
            if (log.isDebugEnabled()) {
                long done = System.nanoTime();
                log.debug("Published revision {} ('{}' by {}) in {} ms: transaction {} ms, swap {} ms, outcome {}",
                        prepared.snapshot().revision(), prepared.summary(), actor,
                        millis(done - started), millis(committed - started), millis(done - committed),
                        applied.outcome());
            }
            return prepared.result();
        } finally {
            writeLock.unlock();
        }
    }

    private <T> Prepared<T> prepare(String actor, String clientIp, Supplier<Change<T>> write) {
        Change<T> change = write.get();
        Optional<ConfigRevision> previous = revisions.latest();
        long next = previous.map(ConfigRevision::number).orElse(0L) + 1;
        ConfigSnapshot snapshot = snapshotBuilder.build(next);
        if (latestStored != null && latestStored.sameContentAs(snapshot)
                && engine.status().liveRevision() == latestStored.revision()) {
            return new Prepared<>(change.result(), change.summary(), null);
        }
        ApplyResult check = engine.validate(snapshot);
        if (!check.ok()) {
            throw new ValidationException(toProblems(check.errors()));
        }
        revisions.insert(next, SnapshotJson.write(snapshot), actor, change.summary());
        audit.configPublished(actor, clientIp, next, latestStored != null ? latestStored : readable(previous), snapshot,
                change.summary());
        return new Prepared<>(change.result(), change.summary(), snapshot);
    }

    /**
     * At start: runs the newest stored revision, or on an empty database stores the current state as
     * revision 1 and runs that. A stored revision that cannot be read or applied is logged and the
     * engine keeps serving the empty configuration, so the dashboard still comes up to fix it.
     */
    public void restoreAtStartup() {
        writeLock.lock();
        try {
            Optional<ConfigRevision> latest = revisions.latest();
            if (latest.isEmpty()) {
                ConfigSnapshot first = transactions.execute(status -> {
                    ConfigSnapshot snapshot = snapshotBuilder.build(1);
                    revisions.insert(1, SnapshotJson.write(snapshot), SYSTEM_ACTOR, "initial configuration");
                    audit.configEvent(SYSTEM_ACTOR, AuditLog.CREATE, 1, "initial configuration (revision 1)");
                    return snapshot;
                });
                latestStored = first;
                report(first, engine.apply(first));
                return;
            }
            ConfigRevision revision = latest.get();
            ConfigSnapshot snapshot;
            try {
                snapshot = snapshotBuilder.withPrivateKeys(SnapshotJson.read(revision.number(), revision.snapshotJson()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                log.error("Proxy serves no sites: {}. Save any site or backend in the dashboard to write a fresh "
                        + "revision.", e.getMessage());
                restored(revision.number(), "could not run stored revision " + revision.number() + " at start: "
                        + e.getMessage());
                return;
            }
            latestStored = snapshot;
            ApplyResult result = engine.apply(snapshot);
            report(snapshot, result);
            restored(revision.number(), result.ok()
                    ? "serving stored revision " + revision.number() + " at start (" + snapshot.sites().size()
                            + " site(s), " + snapshot.backends().size() + " backend(s))"
                    : "stored revision " + revision.number() + " was rejected by the engine at start: " + result.errors());
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * The previous revision for the audit log's before-and-after when it is not the one in memory (it could not
     * be run at start); null when there is none or it cannot be read either.
     */
    private static ConfigSnapshot readable(Optional<ConfigRevision> previous) {
        try {
            return previous.map(revision -> SnapshotJson.read(revision.number(), revision.snapshotJson())).orElse(null);
        } catch (IllegalArgumentException unreadable) {
            return null;
        }
    }

    /** The start in the audit log; a log that cannot be written must not keep the proxy from serving. */
    private void restored(long revision, String summary) {
        try {
            audit.configEvent(SYSTEM_ACTOR, AuditLog.RESTORE, revision, summary);
        } catch (RuntimeException e) {
            log.error("Could not write the start to the audit log: {}", e.toString());
        }
    }

    private static void report(ConfigSnapshot snapshot, ApplyResult result) {
        if (result.ok()) {
            log.info("Proxy is serving config revision {} ({} site(s), {} backend(s))",
                    snapshot.revision(), snapshot.sites().size(), snapshot.backends().size());
        } else {
            log.error("Proxy serves no sites: stored config revision {} was rejected by the engine: {}. "
                    + "Fix the named objects in the dashboard.", snapshot.revision(), result.errors());
        }
    }

    /**
     * The engine names objects ("site 3") and its own fields ("routes[0].backend"); a form only knows
     * its own fields, so the route's backend becomes "backend" and the object is named in the message.
     */
    static List<FieldProblem> toProblems(List<ConfigError> errors) {
        if (errors.isEmpty()) {
            return List.of(new FieldProblem("", "the proxy engine rejected the configuration without a reason"));
        }
        return errors.stream().map(error -> {
            String field = error.field() == null ? "" : error.field();
            Matcher route = ROUTE_FIELD.matcher(field);
            String formField = route.matches() ? "backend" : field;
            String message = error.object() == null || error.object().isBlank()
                    ? error.message()
                    : error.object() + ": " + error.message();
            return new FieldProblem(formField, message);
        }).toList();
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1_000_000.0);
    }

    private record Prepared<T>(T result, String summary, ConfigSnapshot snapshot) {
    }
}
