package dev.gatehouse.admin.stream;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the stream form posts. The numbers are kept as text, so "5432x" is shown back with a message
 * next to its box instead of a conversion error; {@link #inputProblems()} finds those before a command
 * is made. An empty timeout box means the default, shown as the box's placeholder.
 */
public class StreamForm {

    /** The form's controls; problems about other fields are shown above the form. */
    static final Set<String> FIELDS = Set.of("listenPort", "bindHost", "backend", "enabled", "proxyProtocol",
            "idleTimeoutMinutes", "connectTimeoutMs");

    /** What the binder may set: exactly the controls. */
    static final String[] BINDABLE = FIELDS.toArray(String[]::new);

    /** What the idle-timeout box shows while empty: the engine's default, in minutes (10). */
    public static final String DEFAULT_IDLE_TIMEOUT_MINUTES = minutes(StreamValidator.DEFAULT_IDLE_TIMEOUT_MS);

    private static final Pattern WHOLE_NUMBER = Pattern.compile("\\d{1,9}");
    /** Minutes, with up to three decimals (0.5 = 30 s); the range is the validator's business. */
    private static final Pattern MINUTES = Pattern.compile("\\d{1,7}(?:[.,]\\d{1,3})?");
    private static final long MILLIS_PER_MINUTE = 60_000;

    /** The port clients connect to, as typed; default empty (required). */
    private String listenPort = "";
    /** The address to listen on, as typed; default empty = the proxy's own address. */
    private String bindHost = "";
    /** The chosen backend's name; default none chosen. */
    private String backend = "";
    /** Whether the stream listens; default true, as a new stream is usually meant to go live. */
    private boolean enabled = true;
    /** {@code none}, {@code v1} or {@code v2}; default none, as most servers do not expect the header. */
    private String proxyProtocol = "none";
    /** Minutes without traffic before a connection is closed, as typed; default empty = 10 minutes. */
    private String idleTimeoutMinutes = "";
    /** Milliseconds a server may take to accept, as typed; default empty = the backend's connect timeout. */
    private String connectTimeoutMs = "";

    public static StreamForm from(StreamView stream) {
        StreamForm form = new StreamForm();
        form.setListenPort(Integer.toString(stream.listenPort()));
        form.setBindHost(stream.bindHost() == null ? "" : stream.bindHost());
        form.setBackend(stream.backend());
        form.setEnabled(stream.enabled());
        form.setProxyProtocol(stream.proxyProtocol());
        form.setIdleTimeoutMinutes(stream.idleTimeoutMs() == null ? "" : minutes(stream.idleTimeoutMs()));
        form.setConnectTimeoutMs(stream.connectTimeoutMs() == null ? "" : Long.toString(stream.connectTimeoutMs()));
        return form;
    }

    /** Boxes whose text is not a number, by control; empty when {@link #toCommand()} may be called. */
    public Map<String, String> inputProblems() {
        Map<String, String> problems = new LinkedHashMap<>();
        String port = trim(listenPort);
        if (!port.isEmpty() && !WHOLE_NUMBER.matcher(port).matches()) {
            problems.put("listenPort", "port '" + port + "' must be a whole number from 1 to 65535, e.g. 5432");
        }
        String idle = trim(idleTimeoutMinutes);
        if (!idle.isEmpty() && !MINUTES.matcher(idle).matches()) {
            problems.put("idleTimeoutMinutes", "idle timeout '" + idle + "' must be a number of minutes, e.g. "
                    + DEFAULT_IDLE_TIMEOUT_MINUTES + " (or 0.5 for 30 seconds)");
        }
        String connect = trim(connectTimeoutMs);
        if (!connect.isEmpty() && !WHOLE_NUMBER.matcher(connect).matches()) {
            problems.put("connectTimeoutMs", "connect timeout '" + connect
                    + "' must be a whole number of milliseconds, e.g. 5000");
        }
        return problems;
    }

    /** The command; call only when {@link #inputProblems()} is empty. */
    public StreamCommand toCommand() {
        String port = trim(listenPort);
        String idle = trim(idleTimeoutMinutes).replace(',', '.');
        String connect = trim(connectTimeoutMs);
        return new StreamCommand(port.isEmpty() ? null : Integer.valueOf(port), blankToNull(bindHost),
                trim(backend), enabled, blankToNull(proxyProtocol),
                idle.isEmpty() ? null : new BigDecimal(idle).multiply(BigDecimal.valueOf(MILLIS_PER_MINUTE)).longValueExact(),
                connect.isEmpty() ? null : Long.valueOf(connect));
    }

    /** The control that shows a problem the service found with a command field, or null (above the form). */
    public static String controlFor(String commandField) {
        if ("idleTimeoutMs".equals(commandField)) {
            return "idleTimeoutMinutes";
        }
        return FIELDS.contains(commandField) ? commandField : null;
    }

    /** 600000 -> "10", 30000 -> "0.5": what the minutes box shows for a stored number of milliseconds. */
    static String minutes(long millis) {
        return BigDecimal.valueOf(millis).divide(BigDecimal.valueOf(MILLIS_PER_MINUTE), 3, RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    public String getListenPort() {
        return listenPort;
    }

    public void setListenPort(String listenPort) {
        this.listenPort = listenPort;
    }

    public String getBindHost() {
        return bindHost;
    }

    public void setBindHost(String bindHost) {
        this.bindHost = bindHost;
    }

    public String getBackend() {
        return backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getProxyProtocol() {
        return proxyProtocol;
    }

    public void setProxyProtocol(String proxyProtocol) {
        this.proxyProtocol = proxyProtocol;
    }

    public String getIdleTimeoutMinutes() {
        return idleTimeoutMinutes;
    }

    public void setIdleTimeoutMinutes(String idleTimeoutMinutes) {
        this.idleTimeoutMinutes = idleTimeoutMinutes;
    }

    public String getConnectTimeoutMs() {
        return connectTimeoutMs;
    }

    public void setConnectTimeoutMs(String connectTimeoutMs) {
        this.connectTimeoutMs = connectTimeoutMs;
    }
}
