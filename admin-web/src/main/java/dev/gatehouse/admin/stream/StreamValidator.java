package dev.gatehouse.admin.stream;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.engine.config.StreamDefinition;
import dev.gatehouse.engine.config.StreamDefinition.ProxyProtocol;
import dev.gatehouse.storage.stream.StreamSettings;
import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link StreamCommand} field by field and normalizes it: the bind address trimmed (brackets
 * around an IPv6 address dropped, blank = the proxy's address), the PROXY protocol by the engine's own
 * {@link ProxyProtocol#fromName} and written back by its name, the backend name trimmed. The timeouts
 * stay null when not given, meaning "the default", so a later change of that default reaches them.
 *
 * <p>The port must not be one the appliance listens on itself (the dashboard, the proxy's HTTP and
 * HTTPS ports): the caller passes those. Whether the port is free on the machine, and whether the
 * backend exists and is not already another stream's port, is for {@link StreamService} and the engine.
 * The idle timeout is 1 s to 7 days: an SSH or database session may sit quiet for hours, and a stream
 * that should never time out is better served by keep-alives than by no limit. The connect timeout has
 * the backends' range.
 *
 * <p>Problems name the field as the API does ({@code listenPort}, {@code idleTimeoutMs}) and the bad value.
 */
public final class StreamValidator {

    public static final long MIN_IDLE_TIMEOUT_MS = 1_000;
    public static final long MAX_IDLE_TIMEOUT_MS = 7 * 24 * 3_600_000L;
    /** What a stream without a timeout of its own gets: the engine's default, 10 minutes. */
    public static final long DEFAULT_IDLE_TIMEOUT_MS = StreamDefinition.DEFAULT_IDLE_TIMEOUT.toMillis();
    public static final long MIN_CONNECT_TIMEOUT_MS = 100;
    public static final long MAX_CONNECT_TIMEOUT_MS = 5 * 60_000;

    /**
     * A command that passed: every value checked, the bind address and backend name trimmed.
     *
     * @param bindHost null = the proxy's address
     * @param proxyProtocol the engine's name: {@code none}, {@code v1} or {@code v2}
     */
    public record Valid(int listenPort, String bindHost, String backend, String proxyProtocol, Long idleTimeoutMs,
                        Long connectTimeoutMs) {
    }

    private StreamValidator() {
    }

    /**
     * @param reservedPorts the appliance's own ports, each with what it is (e.g. {@code 8081 -> "the
     *     dashboard's port"})
     * @throws ValidationException listing every problem found, in field order
     */
    public static Valid normalize(StreamCommand command, Map<Integer, String> reservedPorts) {
        List<FieldProblem> problems = new ArrayList<>();
        Integer port = command.listenPort();
        if (port == null) {
            problems.add(new FieldProblem("listenPort", "listenPort is required: the port on the appliance clients "
                    + "connect to, 1-65535, e.g. 5432"));
        } else if (port < 1 || port > 65535) {
            problems.add(new FieldProblem("listenPort", "listenPort " + port + " is out of range; ports are 1-65535"));
        } else if (reservedPorts.containsKey(port)) {
            problems.add(new FieldProblem("listenPort", "listenPort " + port + " is " + reservedPorts.get(port)
                    + "; choose another port"));
        }
        String bindHost = bindHost(command.bindHost(), problems);
        String backend = command.backend() == null ? "" : command.backend().trim();
        if (backend.isEmpty()) {
            problems.add(new FieldProblem("backend", "backend is required: the name of the backend whose servers "
                    + "take the connections"));
        }
        String proxyProtocol = ProxyProtocol.NONE.configName();
        if (command.proxyProtocol() != null && !command.proxyProtocol().isBlank()) {
            try {
                proxyProtocol = ProxyProtocol.fromName(command.proxyProtocol()).configName();
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("proxyProtocol", "proxyProtocol '" + command.proxyProtocol().trim()
                        + "' is not one of none, v1, v2"));
            }
        }
        Long idle = command.idleTimeoutMs();
        if (idle != null && (idle < MIN_IDLE_TIMEOUT_MS || idle > MAX_IDLE_TIMEOUT_MS)) {
            problems.add(new FieldProblem("idleTimeoutMs", "idleTimeoutMs must be between " + duration(MIN_IDLE_TIMEOUT_MS)
                    + " and " + duration(MAX_IDLE_TIMEOUT_MS) + ", was " + duration(idle)));
        }
        Long connect = command.connectTimeoutMs();
        if (connect != null && (connect < MIN_CONNECT_TIMEOUT_MS || connect > MAX_CONNECT_TIMEOUT_MS)) {
            problems.add(new FieldProblem("connectTimeoutMs", "connectTimeoutMs must be between "
                    + duration(MIN_CONNECT_TIMEOUT_MS) + " and " + duration(MAX_CONNECT_TIMEOUT_MS) + ", was "
                    + duration(connect)));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new Valid(port, bindHost, backend, proxyProtocol, idle, connect);
    }

    /** Every problem with {@code command}; empty when it is valid. */
    public static List<FieldProblem> problems(StreamCommand command, Map<Integer, String> reservedPorts) {
        try {
            normalize(command, reservedPorts);
            return List.of();
        } catch (ValidationException e) {
            return e.problems();
        }
    }

    private static String bindHost(String raw, List<FieldProblem> problems) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String host = raw.trim();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.length() > StreamSettings.MAX_BIND_HOST_LENGTH
                || !(NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host))) {
            problems.add(new FieldProblem("bindHost", "bindHost '" + abbreviate(raw.trim()) + "' is not an IPv4 or IPv6 "
                    + "address, e.g. 127.0.0.1 or ::1; leave it empty to listen on the proxy's own address"));
            return null;
        }
        return host;
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 60) + "…";
    }

    /** 300000 -> "5 min", 2000 -> "2 s", 1500 -> "1500 ms", in the words the other validators use. */
    static String duration(long millis) {
        if (millis != 0 && millis % 86_400_000 == 0) {
            return millis / 86_400_000 + (millis == 86_400_000 ? " day" : " days");
        }
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + " h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        if (millis != 0 && millis % 1_000 == 0) {
            return millis / 1_000 + " s";
        }
        return millis + " ms";
    }
}
