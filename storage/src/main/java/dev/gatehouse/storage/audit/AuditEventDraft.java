package dev.gatehouse.storage.audit;

import java.util.Objects;

/**
 * An audit entry to store; the repository adds the id and the time.
 *
 * @param actor          who did it (required)
 * @param clientIp       the client's address; null for the appliance's own work
 * @param action         what happened (required)
 * @param objectType     what it happened to (required)
 * @param objectId       the object's id or name; null for singletons
 * @param summary        before and after, without secrets (required, may be empty)
 * @param configRevision the revision the change was published as; null outside the configuration
 */
public record AuditEventDraft(String actor, String clientIp, String action, String objectType, String objectId,
                              String summary, Long configRevision) {

    public AuditEventDraft {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(summary, "summary");
    }
}
