package dev.gatehouse.storage.stream;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored TCP stream.
 *
 * @param id        database identity
 * @param settings  its port, address, backend and options
 * @param createdAt when the stream was first stored (UTC)
 * @param updatedAt when the stream was last changed (UTC); equals {@code createdAt} until then
 */
public record TcpStream(long id, StreamSettings settings, Instant createdAt, Instant updatedAt) {

    public TcpStream {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
