package dev.gatehouse.engine.stream;

import dev.gatehouse.engine.ConfigError;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.ConfigSnapshot;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.engine.config.StreamDefinition;
import io.netty.util.NetUtil;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates the TCP streams of a {@link ConfigSnapshot}, next to {@code RoutingTableCompiler} which
 * validates its sites and backends. Every problem is reported, each as a {@link ConfigError} naming
 * the stream ({@code stream 3}, or {@code streams[2]} when it has no usable id), the field
 * ({@code listenPort}, {@code backend}...) and the bad value.
 *
 * <p>Ports are unique among all streams, enabled or not (the dashboard stores them that way, and
 * enabling a stream should never fail on a clash that could have been reported when it was saved),
 * and never one of the engine's own ports. Whether a port can actually be bound is only known by
 * binding it: see {@link StreamListeners#checkBindable}.
 */
public final class StreamCompiler {

    private StreamCompiler() {
    }

    /**
     * Every problem of the snapshot's streams; empty when they can be started.
     *
     * @param reservedPorts ports the engine listens on itself, each with what it is (e.g.
     *     {@code 8080 -> "the proxy's HTTP port"})
     */
    public static List<ConfigError> validate(ConfigSnapshot snapshot, Map<Integer, String> reservedPorts) {
        List<ConfigError> errors = new ArrayList<>();
        if (snapshot == null) {
            return errors;
        }
        Map<String, BackendDefinition> backends = new HashMap<>();
        for (BackendDefinition backend : snapshot.backends()) {
            if (backend.name() != null) {
                backends.putIfAbsent(backend.name(), backend);
            }
        }
        Set<String> ids = new HashSet<>();
        Map<Integer, String> portOwners = new HashMap<>();
        List<StreamDefinition> streams = snapshot.streams();
        for (int i = 0; i < streams.size(); i++) {
            StreamDefinition stream = streams.get(i);
            if (stream == null) {
                errors.add(new ConfigError("streams[" + i + "]", "streams", "stream is missing"));
                continue;
            }
            String object;
            if (stream.id() == null || stream.id().isBlank()) {
                object = "streams[" + i + "]";
                errors.add(new ConfigError(object, "id", "stream id is missing"));
            } else {
                object = "stream " + stream.id();
                if (!ids.add(stream.id())) {
                    errors.add(new ConfigError(object, "id", "stream id '" + stream.id() + "' is used by more than one stream"));
                }
            }
            validatePort(object, stream.listenPort(), reservedPorts, portOwners, errors);
            String host = stream.bindHost();
            if (host != null && !NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
                errors.add(new ConfigError(object, "bindHost", "bind address '" + host
                        + "' is not an IPv4 or IPv6 address of this machine, e.g. 0.0.0.0, 127.0.0.1 or ::"));
            }
            validateBackend(object, stream.backend(), backends, errors);
            validateTimeout(object, "idleTimeout", stream.idleTimeout(), errors);
            if (stream.connectTimeout() != null) {
                validateTimeout(object, "connectTimeout", stream.connectTimeout(), errors);
            }
        }
        return errors;
    }

    private static void validatePort(String object, int port, Map<Integer, String> reservedPorts,
                                     Map<Integer, String> portOwners, List<ConfigError> errors) {
        if (port < 1 || port > 65535) {
            errors.add(new ConfigError(object, "listenPort", "port " + port + " is out of range; ports are 1-65535"));
            return;
        }
        String reserved = reservedPorts.get(port);
        if (reserved != null) {
            errors.add(new ConfigError(object, "listenPort", "port " + port + " is " + reserved
                    + "; choose another port for the stream"));
            return;
        }
        String owner = portOwners.putIfAbsent(port, object);
        if (owner != null) {
            errors.add(new ConfigError(object, "listenPort", "port " + port + " is already used by " + owner));
        }
    }

    private static void validateBackend(String object, String name, Map<String, BackendDefinition> backends,
                                        List<ConfigError> errors) {
        if (name == null || name.isBlank()) {
            errors.add(new ConfigError(object, "backend", "backend is missing; pick the backend connections go to"));
            return;
        }
        BackendDefinition backend = backends.get(name);
        if (backend == null) {
            errors.add(new ConfigError(object, "backend", "backend '" + name + "' does not exist"));
            return;
        }
        for (ServerDefinition server : backend.servers()) {
            if (server.tls()) {
                errors.add(new ConfigError(object, "backend", "backend '" + name + "' reaches server "
                        + server.address() + " over https; a stream forwards raw TCP (TLS from the client passes "
                        + "through untouched), so its backend's servers must be plain host:port"));
                return;
            }
        }
    }

    private static void validateTimeout(String object, String field, Duration timeout, List<ConfigError> errors) {
        if (timeout.isZero() || timeout.isNegative()) {
            errors.add(new ConfigError(object, field, field + " must be more than zero, was " + timeout));
        }
    }
}
