package dev.gatehouse.admin.settings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How the proxy's HTTP and HTTPS listeners should treat connections, as a form or API call asks it.
 *
 * @param proxyProtocolFrom IP addresses or CIDR blocks of load balancers in front (HAProxy, an AWS NLB) whose
 *     connections may start with a PROXY protocol v1/v2 header naming the real client; default (null) none
 */
public record ListenerCommand(List<String> proxyProtocolFrom) {

    public ListenerCommand {
        // null entries stay, for the validator to name
        proxyProtocolFrom = proxyProtocolFrom == null ? List.of()
                : Collections.unmodifiableList(new ArrayList<>(proxyProtocolFrom));
    }
}
