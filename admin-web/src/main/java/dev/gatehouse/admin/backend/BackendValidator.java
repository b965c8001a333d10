package dev.gatehouse.admin.backend;

import dev.gatehouse.admin.backend.BackendCommand.HealthCheckCommand;
import dev.gatehouse.admin.backend.BackendCommand.LimitsCommand;
import dev.gatehouse.admin.backend.BackendCommand.PassiveHealthCommand;
import dev.gatehouse.admin.backend.BackendCommand.ServerCommand;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.engine.balancing.Balancer;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.storage.backend.BackendHealthCheck;
import dev.gatehouse.storage.backend.BackendRepository;
import dev.gatehouse.storage.backend.BackendServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a {@link BackendCommand} field by field and normalizes it: the name trimmed, each server
 * parsed by the engine's own {@link ServerDefinition#parse} (so the dashboard accepts exactly what
 * the engine accepts) and written back in its canonical {@code host:port} form, with the scheme of
 * an {@code https://host:port} entry moved to {@code scheme}, the policy by the engine's
 * {@link LoadBalancing#fromName} and the protocol by its {@link BackendProtocol#fromName} (each
 * written back by its engine name), and every missing setting filled in with the engine's default.
 * The connect, response and idle timeouts stay null when not given, meaning "the engine's default",
 * so a later change of that default reaches them.
 *
 * <p>Certificate verification and the TLS server name only mean something for an https server: an
 * http server saying {@code verifyTls: false} or naming a TLS server name is refused rather than
 * stored to no effect, since it most likely means the scheme was forgotten.
 *
 * <p>Problems name the field as the API does ({@code servers[1].weight}, {@code healthCheck.timeoutMs})
 * and the bad value.
 */
public final class BackendValidator {

    /** Longest backend name. */
    public static final int MAX_NAME_LENGTH = 64;

    /** Longest {@code host:port} entry: a 253-character DNS name plus port, with room to spare. */
    public static final int MAX_SERVER_LENGTH = BackendRepository.MAX_SERVER_LENGTH;

    public static final long MIN_CONNECT_TIMEOUT_MS = 100;
    public static final long MAX_CONNECT_TIMEOUT_MS = 5 * 60_000;
    public static final long MIN_RESPONSE_TIMEOUT_MS = 1_000;
    public static final long MAX_RESPONSE_TIMEOUT_MS = 3_600_000;
    public static final int MAX_PASSIVE_FAILURES = 100;
    public static final int MAX_EJECT_SECONDS = 3_600;
    public static final long MIN_HEALTH_INTERVAL_MS = 1_000;
    public static final long MAX_HEALTH_INTERVAL_MS = 3_600_000;
    public static final long MIN_HEALTH_TIMEOUT_MS = 100;
    public static final int MIN_STATUS = 100;
    public static final int MAX_STATUS = 599;
    public static final int MAX_THRESHOLD = 10;
    public static final int MAX_PATH_LENGTH = BackendHealthCheck.MAX_PATH_LENGTH;
    /** Most servers in one backend: the engine keeps the servers a request tried in a 64-bit mask. */
    public static final int MAX_SERVERS = Balancer.MAX_SERVERS;
    public static final int MAX_TLS_SERVER_NAME_LENGTH = BackendServer.MAX_TLS_SERVER_NAME_LENGTH;
    public static final int MAX_DNS_LABEL_LENGTH = 63;
    public static final long MIN_IDLE_TIMEOUT_MS = 1_000;
    public static final long MAX_IDLE_TIMEOUT_MS = 3_600_000;
    public static final int MAX_CONNECTIONS_PER_SERVER = 100_000;
    public static final int MAX_QUEUE_SIZE = 100_000;
    public static final long MIN_QUEUE_TIMEOUT_MS = 100;
    public static final long MAX_QUEUE_TIMEOUT_MS = 5 * 60_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern DNS_CHARACTERS = Pattern.compile("[A-Za-z0-9.-]+");

    private BackendValidator() {
    }

    /**
     * @return the command with a trimmed name, canonical server addresses, schemes and policy name, and
     *     every default but the three timeouts filled in; {@code healthCheck} stays null when there is none
     * @throws ValidationException listing every problem found, in field order
     */
    public static BackendCommand normalize(BackendCommand command) {
        List<FieldProblem> problems = new ArrayList<>();
        String name = checkName(command.name(), problems);
        List<ServerCommand> servers = checkServers(command.servers(), problems);
        String balancing = checkBalancing(command.balancing(), problems);
        String protocol = checkProtocol(command.protocol(), problems);
        Long connectTimeout = command.connectTimeoutMs();
        if (connectTimeout != null) {
            checkDuration("connectTimeoutMs", connectTimeout, MIN_CONNECT_TIMEOUT_MS, MAX_CONNECT_TIMEOUT_MS, problems);
        }
        Long responseTimeout = command.responseTimeoutMs();
        if (responseTimeout != null) {
            checkDuration("responseTimeoutMs", responseTimeout, MIN_RESPONSE_TIMEOUT_MS, MAX_RESPONSE_TIMEOUT_MS, problems);
        }
        int maxRetries = orDefault(command.maxRetries(), BackendDefinition.DEFAULT_MAX_RETRIES);
        checkRange("maxRetries", maxRetries, 0, BackendDefinition.MAX_RETRIES, problems);
        PassiveHealthCommand passive = checkPassive(command.passiveHealth(), problems);
        HealthCheckCommand healthCheck = command.healthCheck() == null ? null : checkHealth(command.healthCheck(), problems);
        LimitsCommand limits = checkLimits(command.limits(), problems);
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new BackendCommand(name, servers, balancing, connectTimeout, responseTimeout, maxRetries, passive,
                healthCheck, limits, protocol);
    }

    /** Every problem with {@code command}; empty when it is valid. */
    public static List<FieldProblem> problems(BackendCommand command) {
        try {
            normalize(command);
            return List.of();
        } catch (ValidationException e) {
            return e.problems();
        }
    }

    private static String checkName(String raw, List<FieldProblem> problems) {
        String name = raw == null ? "" : raw.trim();
        if (name.isEmpty()) {
            problems.add(new FieldProblem("name", "name is required, e.g. app"));
        } else if (name.length() > MAX_NAME_LENGTH) {
            problems.add(new FieldProblem("name", "name must be at most " + MAX_NAME_LENGTH
                    + " characters, was " + name.length()));
        } else if (!NAME.matcher(name).matches()) {
            problems.add(new FieldProblem("name", "name '" + name
                    + "' may only contain letters, digits, '.', '_' and '-'"));
        }
        return name;
    }

    private static List<ServerCommand> checkServers(List<ServerCommand> raw, List<FieldProblem> problems) {
        if (raw.isEmpty()) {
            problems.add(new FieldProblem("servers",
                    "at least one server is required, as host:port, e.g. 127.0.0.1:8080"));
            return List.of();
        }
        if (raw.size() > MAX_SERVERS) {
            problems.add(new FieldProblem("servers", "at most " + MAX_SERVERS + " servers are allowed in a backend, "
                    + "this one has " + raw.size()));
        }
        List<ServerCommand> servers = new ArrayList<>(raw.size());
        Set<String> seen = new HashSet<>();
        boolean anyPrimary = false;
        for (int i = 0; i < raw.size(); i++) {
            String field = "servers[" + i + "]";
            ServerCommand server = raw.get(i) == null ? new ServerCommand(null, null, null, null) : raw.get(i);
            ServerAddress address = checkAddress(field, server.address(), seen, problems);
            String scheme = checkScheme(field, server.scheme(), address, server.address(), problems);
            int weight = orDefault(server.weight(), ServerDefinition.DEFAULT_WEIGHT);
            checkRange(field + ".weight", weight, 1, ServerDefinition.MAX_WEIGHT, problems);
            boolean backup = Boolean.TRUE.equals(server.backup());
            anyPrimary |= !backup;
            boolean https = ServerAddress.HTTPS.equals(scheme);
            boolean verifyTls = !Boolean.FALSE.equals(server.verifyTls());
            String tlsServerName = server.tlsServerName() == null || server.tlsServerName().isBlank()
                    ? null : server.tlsServerName().strip();
            if (ServerAddress.HTTP.equals(scheme)) {
                if (!verifyTls) {
                    problems.add(new FieldProblem(field + ".verifyTls", field + ".verifyTls is false, but the server "
                            + "is plain http: certificate verification only applies to https servers"));
                }
                if (tlsServerName != null) {
                    problems.add(new FieldProblem(field + ".tlsServerName", field + ".tlsServerName '"
                            + printable(tlsServerName) + "' only applies to https servers; this one is plain http "
                            + "(set scheme https, or write the address as https://host:port)"));
                }
            } else if (https && tlsServerName != null) {
                checkTlsServerName(field + ".tlsServerName", tlsServerName, problems);
            }
            servers.add(new ServerCommand(address.address(), weight, backup, Boolean.TRUE.equals(server.drained()),
                    scheme, verifyTls, tlsServerName));
        }
        if (!anyPrimary) {
            problems.add(new FieldProblem("servers", "at least one server must not be a backup: backup servers "
                    + "only take requests while no primary server can"));
        }
        return servers;
    }

    /**
     * The canonical address with the scheme a URL entry named, or the raw entry without a scheme when
     * it is not an address (a problem is then recorded).
     */
    private static ServerAddress checkAddress(String field, String entry, Set<String> seen, List<FieldProblem> problems) {
        if (entry != null && entry.strip().length() > MAX_SERVER_LENGTH) {
            problems.add(new FieldProblem(field, field + " is " + entry.strip().length()
                    + " characters long; at most " + MAX_SERVER_LENGTH + " are allowed"));
            return new ServerAddress(null, entry);
        }
        try {
            ServerAddress address = ServerAddress.parse(entry);
            if (!seen.add(address.address().toLowerCase(Locale.ROOT))) {
                problems.add(new FieldProblem(field, field + " '" + address.address() + "' is listed twice"));
            }
            return address;
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem(field, nameField(field, e.getMessage())));
            return new ServerAddress(null, entry);
        }
    }

    /**
     * {@code http} or {@code https}: the one given, else the address's, else http; null when the given
     * one is neither (a problem is then recorded, and the TLS fields are not judged against a guess).
     */
    private static String checkScheme(String field, String raw, ServerAddress address, String entry,
                                      List<FieldProblem> problems) {
        if (raw == null || raw.isBlank()) {
            return address.scheme() == null ? ServerAddress.HTTP : address.scheme();
        }
        String scheme = raw.strip().toLowerCase(Locale.ROOT);
        if (!scheme.equals(ServerAddress.HTTP) && !scheme.equals(ServerAddress.HTTPS)) {
            problems.add(new FieldProblem(field + ".scheme", field + ".scheme must be http or https, was '"
                    + printable(raw.strip()) + "'"));
            return null;
        }
        if (address.scheme() != null && !address.scheme().equals(scheme)) {
            problems.add(new FieldProblem(field + ".scheme", field + ".scheme '" + scheme + "' contradicts the address '"
                    + entry.strip() + "'; give the scheme once"));
        }
        return scheme;
    }

    /** A DNS name as certificates carry them: letters, digits, '-' and '.', labels of 1-63 characters. */
    private static void checkTlsServerName(String field, String name, List<FieldProblem> problems) {
        String problem = null;
        if (name.length() > MAX_TLS_SERVER_NAME_LENGTH) {
            problems.add(new FieldProblem(field, field + " is " + name.length() + " characters long; at most "
                    + MAX_TLS_SERVER_NAME_LENGTH + " are allowed"));
            return;
        }
        if (!DNS_CHARACTERS.matcher(name).matches()) {
            problem = "may only contain letters, digits, '-' and '.'";
        } else {
            for (String label : name.split("\\.", -1)) {
                if (label.isEmpty()) {
                    problem = "has an empty label (a dot at the start or end, or two in a row)";
                } else if (label.length() > MAX_DNS_LABEL_LENGTH) {
                    problem = "has a label of " + label.length() + " characters; at most " + MAX_DNS_LABEL_LENGTH
                            + " are allowed between two dots";
                } else if (label.startsWith("-") || label.endsWith("-")) {
                    problem = "has a label that starts or ends with '-'";
                }
                if (problem != null) {
                    break;
                }
            }
        }
        if (problem != null) {
            problems.add(new FieldProblem(field, field + " '" + printable(name) + "' is not a DNS name: it " + problem
                    + ", e.g. app.internal"));
        }
    }

    /** The engine's messages start with "address ..."; the field here is servers[i]. */
    private static String nameField(String field, String engineMessage) {
        return engineMessage.startsWith("address ")
                ? field + " " + engineMessage.substring("address ".length())
                : field + ": " + engineMessage;
    }

    private static String checkBalancing(String raw, List<FieldProblem> problems) {
        if (raw == null || raw.isBlank()) {
            return LoadBalancing.ROUND_ROBIN.configName();
        }
        try {
            return LoadBalancing.fromName(raw).configName();
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem("balancing", "balancing: " + e.getMessage()));
            return raw;
        }
    }

    /** {@code http1} or {@code http2}; an alias such as {@code h2c} or {@code grpc} is stored by that name. */
    private static String checkProtocol(String raw, List<FieldProblem> problems) {
        if (raw == null || raw.isBlank()) {
            return BackendProtocol.HTTP1.configName();
        }
        try {
            return BackendProtocol.fromName(raw).configName();
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem("protocol", "protocol: " + printable(e.getMessage())));
            return raw;
        }
    }

    private static PassiveHealthCommand checkPassive(PassiveHealthCommand raw, List<FieldProblem> problems) {
        PassiveHealthCommand given = raw == null ? new PassiveHealthCommand(null, null) : raw;
        int maxFailures = orDefault(given.maxFailures(), PassiveHealthDefinition.DEFAULT_MAX_FAILURES);
        if (maxFailures < 0 || maxFailures > MAX_PASSIVE_FAILURES) {
            problems.add(new FieldProblem("passiveHealth.maxFailures", "passiveHealth.maxFailures must be between 0 "
                    + "(passive checks off) and " + MAX_PASSIVE_FAILURES + ", was " + maxFailures));
        }
        int ejectFor = orDefault(given.ejectForSeconds(), (int) PassiveHealthDefinition.DEFAULT_EJECT_FOR.toSeconds());
        checkRange("passiveHealth.ejectForSeconds", ejectFor, 1, MAX_EJECT_SECONDS, problems);
        return new PassiveHealthCommand(maxFailures, ejectFor);
    }

    private static LimitsCommand checkLimits(LimitsCommand raw, List<FieldProblem> problems) {
        LimitsCommand given = raw == null ? new LimitsCommand(null, null, null, null) : raw;
        Long idleTimeout = given.idleTimeoutMs();
        if (idleTimeout != null) {
            checkDuration("idleTimeoutMs", idleTimeout, MIN_IDLE_TIMEOUT_MS, MAX_IDLE_TIMEOUT_MS, problems);
        }
        int maxConnections = orDefault(given.maxConnectionsPerServer(), 0);
        if (maxConnections < 0 || maxConnections > MAX_CONNECTIONS_PER_SERVER) {
            problems.add(new FieldProblem("maxConnectionsPerServer", "maxConnectionsPerServer must be between 0 "
                    + "(no limit) and " + MAX_CONNECTIONS_PER_SERVER + ", was " + maxConnections));
        }
        int queueSize = orDefault(given.queueSize(), ConnectionPoolDefinition.DEFAULT_QUEUE_SIZE);
        checkRange("queueSize", queueSize, 0, MAX_QUEUE_SIZE, problems);
        long queueTimeout = orDefault(given.queueTimeoutMs(), ConnectionPoolDefinition.DEFAULT_QUEUE_TIMEOUT.toMillis());
        checkDuration("queueTimeoutMs", queueTimeout, MIN_QUEUE_TIMEOUT_MS, MAX_QUEUE_TIMEOUT_MS, problems);
        return new LimitsCommand(idleTimeout, maxConnections, queueSize, queueTimeout);
    }

    private static HealthCheckCommand checkHealth(HealthCheckCommand raw, List<FieldProblem> problems) {
        String path = raw.path() == null || raw.path().isEmpty() ? HealthCheckDefinition.DEFAULT_PATH : raw.path();
        checkPath(path, problems);
        long interval = orDefault(raw.intervalMs(), HealthCheckDefinition.DEFAULT_INTERVAL.toMillis());
        boolean intervalOk = checkDuration("healthCheck.intervalMs", interval, MIN_HEALTH_INTERVAL_MS,
                MAX_HEALTH_INTERVAL_MS, problems);
        long timeout = orDefault(raw.timeoutMs(), HealthCheckDefinition.DEFAULT_TIMEOUT.toMillis());
        if (timeout < MIN_HEALTH_TIMEOUT_MS) {
            problems.add(new FieldProblem("healthCheck.timeoutMs", "healthCheck.timeoutMs must be at least "
                    + duration(MIN_HEALTH_TIMEOUT_MS) + ", was " + duration(timeout)));
        } else if (intervalOk && timeout >= interval) {
            problems.add(new FieldProblem("healthCheck.timeoutMs", "healthCheck.timeoutMs (" + duration(timeout)
                    + ") must be shorter than healthCheck.intervalMs (" + duration(interval) + ")"));
        }
        int statusMin = orDefault(raw.expectedStatusMin(), HealthCheckDefinition.DEFAULT_STATUS_MIN);
        int statusMax = orDefault(raw.expectedStatusMax(), HealthCheckDefinition.DEFAULT_STATUS_MAX);
        boolean minOk = checkRange("healthCheck.expectedStatusMin", statusMin, MIN_STATUS, MAX_STATUS, problems);
        boolean maxOk = checkRange("healthCheck.expectedStatusMax", statusMax, MIN_STATUS, MAX_STATUS, problems);
        if (minOk && maxOk && statusMin > statusMax) {
            problems.add(new FieldProblem("healthCheck.expectedStatusMax", "healthCheck.expectedStatusMax (" + statusMax
                    + ") must not be below healthCheck.expectedStatusMin (" + statusMin + ")"));
        }
        int healthy = orDefault(raw.healthyThreshold(), HealthCheckDefinition.DEFAULT_HEALTHY_THRESHOLD);
        checkRange("healthCheck.healthyThreshold", healthy, 1, MAX_THRESHOLD, problems);
        int unhealthy = orDefault(raw.unhealthyThreshold(), HealthCheckDefinition.DEFAULT_UNHEALTHY_THRESHOLD);
        checkRange("healthCheck.unhealthyThreshold", unhealthy, 1, MAX_THRESHOLD, problems);
        return new HealthCheckCommand(path, interval, timeout, statusMin, statusMax, healthy, unhealthy);
    }

    private static void checkPath(String path, List<FieldProblem> problems) {
        String field = "healthCheck.path";
        if (path.length() > MAX_PATH_LENGTH) {
            problems.add(new FieldProblem(field, field + " is " + path.length() + " characters long; at most "
                    + MAX_PATH_LENGTH + " are allowed"));
        } else if (!path.startsWith("/")) {
            problems.add(new FieldProblem(field, field + " '" + path + "' must start with '/', e.g. /health"));
        } else if (path.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            // The engine sends the path as it is in the request line, which holds printable ASCII only.
            problems.add(new FieldProblem(field, field + " '" + printable(path) + "' must not contain spaces, control "
                    + "characters or non-ASCII characters; percent-encode them (a space is %20)"));
        }
    }

    /** Control characters shown as {@code \u0009} so the message itself stays on one line. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.chars().forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }

    private static boolean checkRange(String field, long value, long min, long max, List<FieldProblem> problems) {
        if (value < min || value > max) {
            problems.add(new FieldProblem(field, field + " must be between " + min + " and " + max + ", was " + value));
            return false;
        }
        return true;
    }

    private static boolean checkDuration(String field, long millis, long min, long max, List<FieldProblem> problems) {
        if (millis < min || millis > max) {
            problems.add(new FieldProblem(field, field + " must be between " + duration(min) + " and " + duration(max)
                    + ", was " + duration(millis)));
            return false;
        }
        return true;
    }

    /** 300000 -> "5 min", 2000 -> "2 s", 1500 -> "1500 ms": the largest unit that divides the value. */
    static String duration(long millis) {
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

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static long orDefault(Long value, long fallback) {
        return value == null ? fallback : value;
    }
}
