package dev.gatehouse.storage.audit;

import java.time.Instant;

/**
 * Which audit entries to read; every criterion is optional (null = any).
 *
 * @param actor      exactly this actor, ignoring letter case
 * @param objectType exactly this object type
 * @param from       entries at or after this instant
 * @param until      entries strictly before this instant
 */
public record AuditFilter(String actor, String objectType, Instant from, Instant until) {

    /** Every entry. */
    public static final AuditFilter ANY = new AuditFilter(null, null, null, null);
}
