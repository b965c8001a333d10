package dev.gatehouse.admin.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a form or API call asks a backend to be. Values are raw user input; {@link BackendValidator}
 * checks and normalizes them.
 *
 * @param name unique name sites refer to
 * @param servers {@code host:port} entries, in order; null elements are kept so the validator can
 *     point at {@code servers[i]}
 */
public record BackendCommand(String name, List<String> servers) {

    public BackendCommand {
        servers = servers == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(servers));
    }
}
