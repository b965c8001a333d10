package dev.gatehouse.storage.backend;

import java.util.Arrays;
import java.util.List;

import dev.gatehouse.storage.internal.Require;

/**
 * One stored server of a backend.
 *
 * @param address {@code host:port} as the application normalized it, e.g. {@code 10.0.0.1:8080} or {@code [::1]:8080}
 * @param weight  relative share of requests under the weighted policies, at least 1; default 1
 * @param backup  used only while no primary server of the backend is eligible; default false
 * @param drained takes no new requests (those in flight finish); default false
 */
public record BackendServer(String address, int weight, boolean backup, boolean drained) {

    /** Default of {@link #weight()}, as the schema's column default. */
    public static final int DEFAULT_WEIGHT = 1;

    /**
     * @throws IllegalArgumentException if the address is blank or longer than the schema holds, or the weight is below 1
     */
    public BackendServer {
        Require.text("backend server address", address, BackendRepository.MAX_SERVER_LENGTH);
        Require.atLeast("backend server weight", weight, 1);
    }

    /** A primary server of weight 1, not drained: a server as it was before servers had settings. */
    public static BackendServer of(String address) {
        return new BackendServer(address, DEFAULT_WEIGHT, false, false);
    }

    /** {@link #of(String)} for each address, in order. */
    public static List<BackendServer> list(String... addresses) {
        return Arrays.stream(addresses).map(BackendServer::of).toList();
    }

    public BackendServer withDrained(boolean drained) {
        return new BackendServer(address, weight, backup, drained);
    }
}
