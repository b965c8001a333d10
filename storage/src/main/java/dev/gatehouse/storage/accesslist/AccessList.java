package dev.gatehouse.storage.accesslist;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored access list.
 *
 * @param id        database identity
 * @param settings  its name, address rules, users (with password hashes) and options
 * @param createdAt when the list was first stored (UTC)
 * @param updatedAt when the list was last changed (UTC); equals {@code createdAt} until then
 */
public record AccessList(long id, AccessListSettings settings, Instant createdAt, Instant updatedAt) {

    public AccessList {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public String name() {
        return settings.name();
    }
}
