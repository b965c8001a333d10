package dev.gatehouse.storage.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the audit log, as stored: immutable once written. Holds no secret: whoever writes it
 * leaves passwords, hashes, keys and tokens out of the summary.
 *
 * @param id             database identity, increasing with time
 * @param occurredAt     when it happened (UTC)
 * @param actor          who did it, in lower case: a user's email, the email tried at a failed sign-in, or
 *                       {@code "system"}
 * @param clientIp       the client's address as the admin server saw it; null for the appliance's own work
 * @param action         what happened, e.g. {@code "update"}, {@code "sign-in-failed"}
 * @param objectType     what it happened to, e.g. {@code "site"}, {@code "user"}
 * @param objectId       the object's id or name within its type; null for singletons such as settings
 * @param summary        before and after, e.g. {@code "hostnames [a] → [a, b]"}
 * @param configRevision the configuration revision the change was published as; null outside the configuration
 */
public record AuditEvent(long id, Instant occurredAt, String actor, String clientIp, String action, String objectType,
                         String objectId, String summary, Long configRevision) {

    public AuditEvent {
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(summary, "summary");
    }
}
