package dev.gatehouse.storage.settings;

import java.util.List;

import dev.gatehouse.storage.internal.Require;

/**
 * How the proxy's HTTP and HTTPS listeners treat connections (table {@code listener_proxy_protocol_source}).
 *
 * @param proxyProtocolFrom IP addresses or CIDR blocks of load balancers in front whose connections may
 *                          start with a PROXY protocol header, trimmed, at most {@value #MAX_ADDRESS_LENGTH}
 *                          characters each, in the order entered; default (null) none. Which entries are
 *                          valid is the admin application's business (it asks the engine)
 */
public record ListenerSettings(List<String> proxyProtocolFrom) {

    public static final int MAX_ADDRESS_LENGTH = 64;

    /** No PROXY protocol header believed from anyone: what a fresh installation does. */
    public static final ListenerSettings DEFAULT = new ListenerSettings(List.of());

    /** @throws IllegalArgumentException if an entry is blank or too long */
    public ListenerSettings {
        proxyProtocolFrom = proxyProtocolFrom == null ? List.of()
                : proxyProtocolFrom.stream().map(entry -> Require.text("PROXY protocol source", entry, MAX_ADDRESS_LENGTH)
                        .strip()).toList();
    }
}
