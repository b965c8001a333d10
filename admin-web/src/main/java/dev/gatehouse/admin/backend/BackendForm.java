package dev.gatehouse.admin.backend;

import dev.gatehouse.admin.backend.BackendCommand.HealthCheckCommand;
import dev.gatehouse.admin.backend.BackendCommand.LimitsCommand;
import dev.gatehouse.admin.backend.BackendCommand.PassiveHealthCommand;
import dev.gatehouse.admin.backend.BackendCommand.ServerCommand;
import dev.gatehouse.engine.config.BackendDefinition;
import dev.gatehouse.engine.config.BackendProtocol;
import dev.gatehouse.engine.config.ConnectionPoolDefinition;
import dev.gatehouse.engine.config.HealthCheckDefinition;
import dev.gatehouse.engine.config.LoadBalancing;
import dev.gatehouse.engine.config.PassiveHealthDefinition;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.storage.backend.BackendConnectionLimits;
import dev.gatehouse.storage.backend.BackendHealthCheck;
import dev.gatehouse.storage.backend.BackendServer;
import dev.gatehouse.storage.backend.BackendSettings;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the backend form posts: the name, one row per server (address, weight, backup, drained,
 * HTTPS with its certificate check and TLS name), the load-balancing policy, the protocol, the health
 * checks, the timeouts and the connection limits. Numbers are kept as the text typed, so
 * "5s" is shown back with a message instead of a conversion error; an empty box means the default,
 * which the box shows as its placeholder. Rows whose address is empty are left out, so clearing an
 * address removes the server.
 *
 * <p>The health check's settings sit under its switch and only count while it is on, so a value left
 * in a box the user switched off cannot make the save fail. A row's certificate check and TLS name
 * are sent as they are, HTTPS ticked or not: on a plain-HTTP server the validator says they need
 * HTTPS, which is what a user who forgot the box needs to hear.
 */
public class BackendForm {

    /** The form's controls that show their own problems; problems about other fields are shown above the form. */
    static final Set<String> FIELDS = Set.of("name", "servers", "balancing", "protocol", "connectTimeoutMs",
            "responseTimeoutSeconds", "maxRetries", "passiveMaxFailures", "passiveEjectSeconds", "healthCheck",
            "healthPath", "healthIntervalSeconds", "healthTimeoutSeconds", "healthStatusMin", "healthStatusMax",
            "healthHealthyThreshold", "healthUnhealthyThreshold", "idleTimeoutSeconds", "maxConnectionsPerServer",
            "queueSize", "queueTimeoutSeconds");

    /** What the binder may set: the controls above except the row list itself, and each row's fields. */
    static final String[] BINDABLE = Stream.concat(FIELDS.stream().filter(field -> !field.equals("servers")),
                    Stream.of("servers[*].address", "servers[*].weight", "servers[*].backup", "servers[*].drained",
                            "servers[*].https", "servers[*].verifyTls", "servers[*].tlsServerName"))
            .toArray(String[]::new);

    /**
     * Each box's default, shown as its placeholder: the engine's own defaults, in the box's unit.
     * Keyed by form field ({@code weight} for every row's weight box; a row's TLS name box shows its
     * host instead).
     */
    public static final Map<String, String> DEFAULTS = defaults();

    private static final Pattern SERVER_FIELD = Pattern.compile("servers\\[(\\d+)](?:\\.(\\w+))?");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?\\d{1,9}");
    private static final Pattern SECONDS = Pattern.compile("-?\\d{1,7}(?:[.,]\\d{1,3})?");

    /** The backend's name; default empty. */
    private String name = "";
    /** The server rows, in order; default one empty row. */
    private List<ServerRow> servers = new ArrayList<>(List.of(new ServerRow()));
    /** The policy's engine name; default round robin. */
    private String balancing = LoadBalancing.ROUND_ROBIN.configName();
    /** The protocol's engine name; default HTTP/1.1. */
    private String protocol = BackendProtocol.HTTP1.configName();
    /** Milliseconds; empty = the engine's default (5000). */
    private String connectTimeoutMs = "";
    /** Seconds, decimals allowed; empty = the engine's default (60). */
    private String responseTimeoutSeconds = "";
    /** Empty = 2. */
    private String maxRetries = "";
    /** Failures in a row that eject a server, 0 = off; empty = 3. */
    private String passiveMaxFailures = "";
    /** Seconds; empty = 30. */
    private String passiveEjectSeconds = "";
    /** Whether the active health check runs; default off. */
    private boolean healthCheck;
    /** Empty = "/". */
    private String healthPath = "";
    /** Seconds, decimals allowed; empty = 10. */
    private String healthIntervalSeconds = "";
    /** Seconds, decimals allowed; empty = 2. */
    private String healthTimeoutSeconds = "";
    /** Empty = 200. */
    private String healthStatusMin = "";
    /** Empty = 399. */
    private String healthStatusMax = "";
    /** Empty = 1. */
    private String healthHealthyThreshold = "";
    /** Empty = 3. */
    private String healthUnhealthyThreshold = "";
    /** Seconds, decimals allowed; empty = the engine's default (30). */
    private String idleTimeoutSeconds = "";
    /** Requests in flight per server, 0 = no limit; empty = 0. */
    private String maxConnectionsPerServer = "";
    /** Empty = 100. */
    private String queueSize = "";
    /** Seconds, decimals allowed; empty = 10. */
    private String queueTimeoutSeconds = "";

    /** The row index of each server of the last {@link #toCommand()}: rows with an empty address are skipped. */
    private final List<Integer> rowOfServer = new ArrayList<>();

    /** One server row. */
    public static class ServerRow {

        /** {@code host:port}; empty = the row is not a server. */
        private String address = "";
        /** Empty = 1. */
        private String weight = "";
        /** Default false. */
        private boolean backup;
        /** Default false. */
        private boolean drained;
        /** Reached over TLS; default false, unless the address is written https://. */
        private boolean https;
        /** With HTTPS: check the certificate; default true (ticked). */
        private boolean verifyTls = true;
        /** With HTTPS: SNI and expected certificate name; empty = the host. */
        private String tlsServerName = "";

        public ServerRow() {
        }

        ServerRow(BackendServer server) {
            this.address = server.address();
            this.weight = Integer.toString(server.weight());
            this.backup = server.backup();
            this.drained = server.drained();
            this.https = server.tls();
            this.verifyTls = server.verifyTls();
            this.tlsServerName = server.tlsServerName() == null ? "" : server.tlsServerName();
        }

        /** What the TLS name box shows when empty: the host it then stands for, or a generic example. */
        public String getTlsServerNamePlaceholder() {
            try {
                String address = ServerAddress.parse(this.address).address();
                String host = address.substring(0, address.lastIndexOf(':'));
                return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            } catch (IllegalArgumentException notAnAddress) {
                return "the host";
            }
        }

        boolean isBlank() {
            return address == null || address.isBlank();
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public String getWeight() {
            return weight;
        }

        public void setWeight(String weight) {
            this.weight = weight;
        }

        public boolean isBackup() {
            return backup;
        }

        public void setBackup(boolean backup) {
            this.backup = backup;
        }

        public boolean isDrained() {
            return drained;
        }

        public void setDrained(boolean drained) {
            this.drained = drained;
        }

        public boolean isHttps() {
            return https;
        }

        public void setHttps(boolean https) {
            this.https = https;
        }

        public boolean isVerifyTls() {
            return verifyTls;
        }

        public void setVerifyTls(boolean verifyTls) {
            this.verifyTls = verifyTls;
        }

        public String getTlsServerName() {
            return tlsServerName;
        }

        public void setTlsServerName(String tlsServerName) {
            this.tlsServerName = tlsServerName;
        }
    }

    /** The stored backend, with one empty row after its servers for adding another. */
    public static BackendForm from(BackendView backend) {
        BackendForm form = new BackendForm();
        form.setName(backend.name());
        List<ServerRow> rows = new ArrayList<>();
        for (BackendServer server : backend.servers()) {
            rows.add(new ServerRow(server));
        }
        rows.add(new ServerRow());
        form.setServers(rows);
        BackendSettings settings = backend.settings();
        form.setBalancing(settings.balancing());
        form.setProtocol(settings.protocol());
        form.setConnectTimeoutMs(settings.connectTimeoutMs() == null ? "" : settings.connectTimeoutMs().toString());
        form.setResponseTimeoutSeconds(settings.responseTimeoutMs() == null ? "" : seconds(settings.responseTimeoutMs()));
        form.setMaxRetries(Integer.toString(settings.maxRetries()));
        form.setPassiveMaxFailures(Integer.toString(settings.passiveMaxFailures()));
        form.setPassiveEjectSeconds(Integer.toString(settings.passiveEjectSeconds()));
        BackendHealthCheck check = settings.healthCheck();
        form.setHealthCheck(check != null);
        if (check != null) {
            form.setHealthPath(check.path());
            form.setHealthIntervalSeconds(seconds(check.intervalMs()));
            form.setHealthTimeoutSeconds(seconds(check.timeoutMs()));
            form.setHealthStatusMin(Integer.toString(check.expectedStatusMin()));
            form.setHealthStatusMax(Integer.toString(check.expectedStatusMax()));
            form.setHealthHealthyThreshold(Integer.toString(check.healthyThreshold()));
            form.setHealthUnhealthyThreshold(Integer.toString(check.unhealthyThreshold()));
        }
        BackendConnectionLimits limits = settings.limits();
        form.setIdleTimeoutSeconds(limits.idleTimeoutMs() == null ? "" : seconds(limits.idleTimeoutMs()));
        form.setMaxConnectionsPerServer(Integer.toString(limits.maxConnectionsPerServer()));
        form.setQueueSize(Integer.toString(limits.queueSize()));
        form.setQueueTimeoutSeconds(seconds(limits.queueTimeoutMs()));
        return form;
    }

    /** Adds an empty server row (the "Add server" button). */
    public void addRow() {
        servers.add(new ServerRow());
    }

    /** Makes sure the form has a row to type a server into, e.g. after a post that had none. */
    void ensureRow() {
        if (servers.isEmpty()) {
            addRow();
        }
    }

    /**
     * Why typed numbers are not numbers, by form field, in form order; empty when {@link #toCommand()}
     * can run. Ranges are the validator's business: this only reads the text.
     */
    public Map<String, String> inputProblems() {
        Map<String, String> problems = new LinkedHashMap<>();
        for (int row = 0; row < servers.size(); row++) {
            ServerRow server = servers.get(row);
            if (server != null && !server.isBlank()) {
                wholeNumber(problems, "servers[" + row + "].weight", "weight", server.getWeight());
            }
        }
        wholeNumber(problems, "connectTimeoutMs", "connect timeout", connectTimeoutMs);
        seconds(problems, "responseTimeoutSeconds", "response timeout", responseTimeoutSeconds);
        wholeNumber(problems, "maxRetries", "max retries", maxRetries);
        wholeNumber(problems, "passiveMaxFailures", "failures before ejecting", passiveMaxFailures);
        wholeNumber(problems, "passiveEjectSeconds", "eject time", passiveEjectSeconds);
        if (healthCheck) {
            seconds(problems, "healthIntervalSeconds", "health check interval", healthIntervalSeconds);
            seconds(problems, "healthTimeoutSeconds", "health check timeout", healthTimeoutSeconds);
            wholeNumber(problems, "healthStatusMin", "lowest expected status", healthStatusMin);
            wholeNumber(problems, "healthStatusMax", "highest expected status", healthStatusMax);
            wholeNumber(problems, "healthHealthyThreshold", "healthy threshold", healthHealthyThreshold);
            wholeNumber(problems, "healthUnhealthyThreshold", "unhealthy threshold", healthUnhealthyThreshold);
        }
        seconds(problems, "idleTimeoutSeconds", "idle timeout", idleTimeoutSeconds);
        wholeNumber(problems, "maxConnectionsPerServer", "max connections per server", maxConnectionsPerServer);
        wholeNumber(problems, "queueSize", "queue size", queueSize);
        seconds(problems, "queueTimeoutSeconds", "queue timeout", queueTimeoutSeconds);
        return problems;
    }

    /** The command; call only when {@link #inputProblems()} is empty. */
    public BackendCommand toCommand() {
        rowOfServer.clear();
        List<ServerCommand> commands = new ArrayList<>();
        for (int row = 0; row < servers.size(); row++) {
            ServerRow server = servers.get(row);
            if (server != null && !server.isBlank()) {
                rowOfServer.add(row);
                // Unticked HTTPS sends no scheme, so an address typed as https://host:port still counts.
                commands.add(new ServerCommand(server.getAddress().trim(), integer(server.getWeight()), server.isBackup(),
                        server.isDrained(), server.isHttps() ? ServerAddress.HTTPS : null, server.isVerifyTls(),
                        blankToNull(server.getTlsServerName())));
            }
        }
        HealthCheckCommand check = !healthCheck ? null : new HealthCheckCommand(blankToNull(healthPath),
                millis(healthIntervalSeconds), millis(healthTimeoutSeconds), integer(healthStatusMin),
                integer(healthStatusMax), integer(healthHealthyThreshold), integer(healthUnhealthyThreshold));
        return new BackendCommand(name == null ? "" : name.trim(), commands, blankToNull(balancing),
                longValue(connectTimeoutMs), millis(responseTimeoutSeconds), integer(maxRetries),
                new PassiveHealthCommand(integer(passiveMaxFailures), integer(passiveEjectSeconds)), check,
                new LimitsCommand(millis(idleTimeoutSeconds), integer(maxConnectionsPerServer), integer(queueSize),
                        millis(queueTimeoutSeconds)), blankToNull(protocol));
    }

    /**
     * The control that shows a problem the service found with a field of the last {@link #toCommand()}
     * ({@code servers[2].weight}, {@code servers[1].scheme}, {@code healthCheck.intervalMs}, or the engine's
     * {@code servers[0].port}),
     * or null when the problem belongs above the form.
     */
    public String controlFor(String commandField) {
        if (commandField == null) {
            return null;
        }
        Matcher server = SERVER_FIELD.matcher(commandField);
        if (server.matches()) {
            int index = Integer.parseInt(server.group(1));
            if (index >= rowOfServer.size()) {
                return "servers";
            }
            String part = server.group(2) == null ? "address" : switch (server.group(2)) {
                case "weight", "verifyTls", "tlsServerName" -> server.group(2);
                case "scheme" -> "https";
                default -> "address";
            };
            return "servers[" + rowOfServer.get(index) + "]." + part;
        }
        return switch (commandField) {
            case "responseTimeoutMs" -> "responseTimeoutSeconds";
            case "passiveHealth.maxFailures" -> "passiveMaxFailures";
            case "passiveHealth.ejectForSeconds" -> "passiveEjectSeconds";
            case "healthCheck.path" -> "healthPath";
            case "healthCheck.intervalMs" -> "healthIntervalSeconds";
            case "healthCheck.timeoutMs" -> "healthTimeoutSeconds";
            case "healthCheck.expectedStatusMin" -> "healthStatusMin";
            case "healthCheck.expectedStatusMax" -> "healthStatusMax";
            case "healthCheck.healthyThreshold" -> "healthHealthyThreshold";
            case "healthCheck.unhealthyThreshold" -> "healthUnhealthyThreshold";
            case "idleTimeoutMs" -> "idleTimeoutSeconds";
            case "queueTimeoutMs" -> "queueTimeoutSeconds";
            default -> FIELDS.contains(commandField) ? commandField : null;
        };
    }

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("weight", Integer.toString(ServerDefinition.DEFAULT_WEIGHT));
        defaults.put("connectTimeoutMs", Long.toString(BackendDefinition.DEFAULT_CONNECT_TIMEOUT.toMillis()));
        defaults.put("responseTimeoutSeconds", seconds(BackendDefinition.DEFAULT_RESPONSE_TIMEOUT.toMillis()));
        defaults.put("maxRetries", Integer.toString(BackendDefinition.DEFAULT_MAX_RETRIES));
        defaults.put("passiveMaxFailures", Integer.toString(PassiveHealthDefinition.DEFAULT_MAX_FAILURES));
        defaults.put("passiveEjectSeconds", Long.toString(PassiveHealthDefinition.DEFAULT_EJECT_FOR.toSeconds()));
        defaults.put("healthPath", HealthCheckDefinition.DEFAULT_PATH);
        defaults.put("healthIntervalSeconds", seconds(HealthCheckDefinition.DEFAULT_INTERVAL.toMillis()));
        defaults.put("healthTimeoutSeconds", seconds(HealthCheckDefinition.DEFAULT_TIMEOUT.toMillis()));
        defaults.put("healthStatusMin", Integer.toString(HealthCheckDefinition.DEFAULT_STATUS_MIN));
        defaults.put("healthStatusMax", Integer.toString(HealthCheckDefinition.DEFAULT_STATUS_MAX));
        defaults.put("healthHealthyThreshold", Integer.toString(HealthCheckDefinition.DEFAULT_HEALTHY_THRESHOLD));
        defaults.put("healthUnhealthyThreshold", Integer.toString(HealthCheckDefinition.DEFAULT_UNHEALTHY_THRESHOLD));
        defaults.put("idleTimeoutSeconds", seconds(ConnectionPoolDefinition.DEFAULT_IDLE_TIMEOUT.toMillis()));
        defaults.put("maxConnectionsPerServer", Integer.toString(ConnectionPoolDefinition.DEFAULT.maxConnectionsPerServer()));
        defaults.put("queueSize", Integer.toString(ConnectionPoolDefinition.DEFAULT_QUEUE_SIZE));
        defaults.put("queueTimeoutSeconds", seconds(ConnectionPoolDefinition.DEFAULT_QUEUE_TIMEOUT.toMillis()));
        return Map.copyOf(defaults);
    }

    private static void wholeNumber(Map<String, String> problems, String field, String label, String text) {
        String value = text == null ? "" : text.trim();
        if (!value.isEmpty() && !WHOLE_NUMBER.matcher(value).matches()) {
            problems.put(field, label + " '" + text.trim() + "' must be a whole number, e.g. " + example(field));
        }
    }

    private static void seconds(Map<String, String> problems, String field, String label, String text) {
        String value = text == null ? "" : text.trim();
        if (!value.isEmpty() && !SECONDS.matcher(value).matches()) {
            problems.put(field, label + " '" + text.trim() + "' must be a number of seconds, e.g. "
                    + example(field) + " (or 0.5 for half a second)");
        }
    }

    private static String example(String field) {
        return DEFAULTS.getOrDefault(field.startsWith("servers[") ? "weight" : field, "1");
    }

    /** 1500 -> "1.5", 60000 -> "60": what a seconds box shows for a stored number of milliseconds. */
    static String seconds(long millis) {
        return BigDecimal.valueOf(millis).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    private static Long millis(String seconds) {
        String value = seconds == null ? "" : seconds.trim().replace(',', '.');
        return value.isEmpty() ? null : new BigDecimal(value).movePointRight(3).longValueExact();
    }

    private static Integer integer(String text) {
        String value = text == null ? "" : text.trim();
        return value.isEmpty() ? null : Integer.valueOf(value);
    }

    private static Long longValue(String text) {
        String value = text == null ? "" : text.trim();
        return value.isEmpty() ? null : Long.valueOf(value);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public List<ServerRow> getServers() {
        return servers;
    }

    public void setServers(List<ServerRow> servers) {
        this.servers = servers == null ? new ArrayList<>() : new ArrayList<>(servers);
    }

    public String getBalancing() {
        return balancing;
    }

    public void setBalancing(String balancing) {
        this.balancing = balancing;
    }

    public String getProtocol() {
        return protocol;
    }

    public void setProtocol(String protocol) {
        this.protocol = protocol;
    }

    public String getConnectTimeoutMs() {
        return connectTimeoutMs;
    }

    public void setConnectTimeoutMs(String connectTimeoutMs) {
        this.connectTimeoutMs = connectTimeoutMs;
    }

    public String getResponseTimeoutSeconds() {
        return responseTimeoutSeconds;
    }

    public void setResponseTimeoutSeconds(String responseTimeoutSeconds) {
        this.responseTimeoutSeconds = responseTimeoutSeconds;
    }

    public String getMaxRetries() {
        return maxRetries;
    }

    public void setMaxRetries(String maxRetries) {
        this.maxRetries = maxRetries;
    }

    public String getPassiveMaxFailures() {
        return passiveMaxFailures;
    }

    public void setPassiveMaxFailures(String passiveMaxFailures) {
        this.passiveMaxFailures = passiveMaxFailures;
    }

    public String getPassiveEjectSeconds() {
        return passiveEjectSeconds;
    }

    public void setPassiveEjectSeconds(String passiveEjectSeconds) {
        this.passiveEjectSeconds = passiveEjectSeconds;
    }

    public boolean isHealthCheck() {
        return healthCheck;
    }

    public void setHealthCheck(boolean healthCheck) {
        this.healthCheck = healthCheck;
    }

    public String getHealthPath() {
        return healthPath;
    }

    public void setHealthPath(String healthPath) {
        this.healthPath = healthPath;
    }

    public String getHealthIntervalSeconds() {
        return healthIntervalSeconds;
    }

    public void setHealthIntervalSeconds(String healthIntervalSeconds) {
        this.healthIntervalSeconds = healthIntervalSeconds;
    }

    public String getHealthTimeoutSeconds() {
        return healthTimeoutSeconds;
    }

    public void setHealthTimeoutSeconds(String healthTimeoutSeconds) {
        this.healthTimeoutSeconds = healthTimeoutSeconds;
    }

    public String getHealthStatusMin() {
        return healthStatusMin;
    }

    public void setHealthStatusMin(String healthStatusMin) {
        this.healthStatusMin = healthStatusMin;
    }

    public String getHealthStatusMax() {
        return healthStatusMax;
    }

    public void setHealthStatusMax(String healthStatusMax) {
        this.healthStatusMax = healthStatusMax;
    }

    public String getHealthHealthyThreshold() {
        return healthHealthyThreshold;
    }

    public void setHealthHealthyThreshold(String healthHealthyThreshold) {
        this.healthHealthyThreshold = healthHealthyThreshold;
    }

    public String getHealthUnhealthyThreshold() {
        return healthUnhealthyThreshold;
    }

    public void setHealthUnhealthyThreshold(String healthUnhealthyThreshold) {
        this.healthUnhealthyThreshold = healthUnhealthyThreshold;
    }

    public String getIdleTimeoutSeconds() {
        return idleTimeoutSeconds;
    }

    public void setIdleTimeoutSeconds(String idleTimeoutSeconds) {
        this.idleTimeoutSeconds = idleTimeoutSeconds;
    }

    public String getMaxConnectionsPerServer() {
        return maxConnectionsPerServer;
    }

    public void setMaxConnectionsPerServer(String maxConnectionsPerServer) {
        this.maxConnectionsPerServer = maxConnectionsPerServer;
    }

    public String getQueueSize() {
        return queueSize;
    }

    public void setQueueSize(String queueSize) {
        this.queueSize = queueSize;
    }

    public String getQueueTimeoutSeconds() {
        return queueTimeoutSeconds;
    }

    public void setQueueTimeoutSeconds(String queueTimeoutSeconds) {
        this.queueTimeoutSeconds = queueTimeoutSeconds;
    }
}
