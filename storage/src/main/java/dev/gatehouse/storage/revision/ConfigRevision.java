package dev.gatehouse.storage.revision;

import java.time.Instant;
import java.util.Objects;

/**
 * One applied configuration, as stored: immutable once written.
 *
 * @param number       revision number, unique, increasing with each apply
 * @param snapshotJson the complete ConfigSnapshot serialised as JSON
 * @param createdBy    who made the change: an administrator's e-mail or a system actor
 * @param summary      one line for the history, e.g. {@code "site app.example.test created"}
 * @param createdAt    when the revision was stored (UTC)
 */
public record ConfigRevision(long number, String snapshotJson, String createdBy, String summary, Instant createdAt) {

    public ConfigRevision {
        Objects.requireNonNull(snapshotJson, "snapshotJson");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
