package dev.gatehouse.admin.site;

import dev.gatehouse.admin.site.SiteCommand.HeaderRuleCommand;
import dev.gatehouse.admin.site.SiteCommand.HeadersCommand;
import dev.gatehouse.admin.site.SiteCommand.HttpsCommand;
import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;
import dev.gatehouse.admin.site.SiteCommand.WebsocketCommand;
import dev.gatehouse.admin.web.FormLists;
import dev.gatehouse.storage.site.SiteHeaders;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the site form posts. Host names arrive as one textarea; the service judges each one, so the
 * form keeps exactly what the user typed for a re-render. The HSTS max-age and the WebSocket idle
 * timeout are kept as text for the same reason: "1y" is shown back with a message instead of a
 * conversion error. The "Action" radio chooses between forwarding to a backend and redirecting; only the
 * chosen action's fields are sent, since the other's are hidden. The Headers section (Host passing and
 * the request/response rule rows) belongs to forwarding: a redirect site sends none, so it keeps the rules
 * it has. A rule row whose name and value are both empty is left out, so clearing a row removes the rule.
 */
public class SiteForm {

    /** The form's controls; problems about other fields are shown above the form. */
    static final Set<String> FIELDS = Set.of("hostnames", "action", "backend", "redirectTarget", "redirectStatus",
            "redirectKeepPath", "enabled", "certificate", "forceHttps", "hsts", "hstsMaxAgeSeconds",
            "hstsIncludeSubDomains", "hstsPreload", "websockets", "websocketIdleTimeoutMinutes", "passHost",
            HeaderRuleValidator.REQUEST_FIELD, HeaderRuleValidator.RESPONSE_FIELD);

    /** What the binder may set: the controls above except the rule lists themselves, and each rule's fields. */
    static final String[] BINDABLE = Stream.concat(
                    FIELDS.stream().filter(field -> !field.endsWith("Headers")),
                    Stream.of(HeaderRuleValidator.REQUEST_FIELD, HeaderRuleValidator.RESPONSE_FIELD)
                            .flatMap(list -> Stream.of(list + "[*].action", list + "[*].name", list + "[*].value")))
            .toArray(String[]::new);

    /** A service problem about one rule: {@code requestHeaders[2].name}. */
    private static final Pattern RULE_FIELD = Pattern.compile("(requestHeaders|responseHeaders)\\[(\\d+)](?:\\.(\\w+))?");

    /** The "Action" radio's values. */
    public static final String FORWARD = "forward";
    public static final String REDIRECT = "redirect";

    /** The service names redirect problems as the API does; the form has one control per redirect field. */
    private static final Map<String, String> CONTROLS = Map.of(
            WebsocketValidator.IDLE_TIMEOUT_FIELD, "websocketIdleTimeoutMinutes",
            "redirect", "redirectTarget",
            "redirect.target", "redirectTarget",
            "redirect.status", "redirectStatus");

    /** What the idle-timeout box shows while empty: the engine's default, in the box's unit (10). */
    public static final String DEFAULT_WEBSOCKET_IDLE_TIMEOUT_MINUTES =
            minutes(WebsocketValidator.DEFAULT_IDLE_TIMEOUT_MS);

    /** Minutes, with up to three decimals (0.5 = 30 s); the range is the validator's business. */
    private static final Pattern MINUTES = Pattern.compile("\\d{1,7}(?:[.,]\\d{1,3})?");
    private static final long MILLIS_PER_MINUTE = 60_000;

    /** What the max-age box shows until the user changes it: one year, as browsers' preload list asks. */
    public static final long DEFAULT_HSTS_MAX_AGE_SECONDS = 31_536_000L;

    /** One host name per line or comma-separated; default empty. */
    private String hostnames = "";
    /** {@link #FORWARD} (the default: a site usually serves an app) or {@link #REDIRECT}. */
    private String action = FORWARD;
    /** The chosen backend's name; default none chosen. Only used with {@link #FORWARD}. */
    private String backend = "";
    /** Where a redirect site sends every request, as typed; default empty. Only used with {@link #REDIRECT}. */
    private String redirectTarget = "";
    /**
     * The redirect status as posted by the select; default 301, as most moved sites are moved for good.
     * Text, so a tampered value gets a message instead of a conversion error.
     */
    private String redirectStatus = Integer.toString(RedirectValidator.DEFAULT_STATUS);
    /** Append the request's path and query to the target; default true, as the API's default. */
    private boolean redirectKeepPath = true;
    /** The backend gets the Host the client sent; default true, as most apps expect their own name. */
    private boolean passHost = true;
    /** Changes to requests going to the backend, one row each, in order; default none. */
    private List<HeaderRow> requestHeaders = new ArrayList<>();
    /** Changes to responses going to the client, one row each, in order; default none. */
    private List<HeaderRow> responseHeaders = new ArrayList<>();
    /** The row index of each rule of the last {@link #toCommand()}, per list: empty rows are skipped. */
    private final Map<String, List<Integer>> rowOfRule = Map.of(
            HeaderRuleValidator.REQUEST_FIELD, new ArrayList<>(), HeaderRuleValidator.RESPONSE_FIELD, new ArrayList<>());
    /** Whether the site answers requests; default true, as a new site is usually meant to go live. */
    private boolean enabled = true;
    /** The chosen certificate's name; default none (the site is served over HTTP only). */
    private String certificate = "";
    /** Redirect HTTP to HTTPS; default false. */
    private boolean forceHttps;
    /** Send Strict-Transport-Security; default false. */
    private boolean hsts;
    /** HSTS max-age in seconds, as typed; default one year. Only used with {@link #hsts}. */
    private String hstsMaxAgeSeconds = Long.toString(DEFAULT_HSTS_MAX_AGE_SECONDS);
    /** HSTS includeSubDomains; default false. Only used with {@link #hsts}. */
    private boolean hstsIncludeSubDomains;
    /** HSTS preload; default false. Only used with {@link #hsts}. */
    private boolean hstsPreload;
    /** Pass WebSocket upgrades to the backend; default false, as in the engine. */
    private boolean websockets;
    /**
     * WebSocket idle timeout in minutes, as typed; default empty = the engine's 10 minutes. Only used
     * with {@link #websockets}.
     */
    private String websocketIdleTimeoutMinutes = "";

    public static SiteForm from(SiteView site) {
        SiteForm form = new SiteForm();
        form.setHostnames(FormLists.join(site.hostnames()));
        form.setBackend(site.backend() == null ? "" : site.backend());
        if (site.redirect() != null) {
            form.setAction(REDIRECT);
            form.setRedirectTarget(site.redirect().target());
            form.setRedirectStatus(Integer.toString(site.redirect().status()));
            form.setRedirectKeepPath(site.redirect().keepPath());
        }
        form.setEnabled(site.enabled());
        form.setPassHost(site.headers().passHost());
        form.setRequestHeaders(rows(site.headers().request()));
        form.setResponseHeaders(rows(site.headers().response()));
        form.setCertificate(site.certificate() == null ? "" : site.certificate());
        form.setForceHttps(site.forceHttps());
        form.setHsts(site.hsts());
        if (site.hsts()) {
            form.setHstsMaxAgeSeconds(Long.toString(site.hstsMaxAgeSeconds()));
        }
        form.setHstsIncludeSubDomains(site.hstsIncludeSubDomains());
        form.setHstsPreload(site.hstsPreload());
        form.setWebsockets(site.websockets());
        form.setWebsocketIdleTimeoutMinutes(site.websocketIdleTimeoutMs() == null ? ""
                : minutes(site.websocketIdleTimeoutMs()));
        return form;
    }

    /**
     * The command; call only when {@link #hstsMaxAgeProblem()}, {@link #websocketIdleTimeoutProblem()} and
     * {@link #redirectStatusProblem()} are null. A redirect site's headers are left null, so it keeps its
     * rules (the Headers section is hidden while Redirect is chosen).
     *
     * <p>The HSTS options sit under the HSTS switch and are hidden while it is off, so they are only
     * sent with it: a box ticked, then hidden, must not make the save fail with a message about a
     * control the user cannot see. The WebSocket idle timeout goes with the WebSockets switch the same
     * way: switching WebSockets off drops it instead of refusing the save.
     */
    public SiteCommand toCommand() {
        boolean redirecting = isRedirect();
        String backendName = redirecting ? null : blankToNull(backend);
        RedirectCommand redirect = redirecting ? new RedirectCommand(redirectTarget, redirectStatusCode(),
                redirectKeepPath) : null;
        HttpsCommand https = new HttpsCommand(blankToNull(certificate), forceHttps, hsts,
                hsts ? maxAge() : null, hsts && hstsIncludeSubDomains, hsts && hstsPreload);
        WebsocketCommand websocketCommand = new WebsocketCommand(websockets, websockets ? idleTimeoutMillis() : null);
        HeadersCommand headers = redirecting ? null : new HeadersCommand(passHost,
                rules(HeaderRuleValidator.REQUEST_FIELD, requestHeaders),
                rules(HeaderRuleValidator.RESPONSE_FIELD, responseHeaders));
        return new SiteCommand(FormLists.split(hostnames), backendName, enabled, https, websocketCommand, redirect,
                headers);
    }

    /** "Add rule": one more empty row in {@code list} ({@code request} or {@code response}). */
    public void addRule(String list) {
        ("response".equals(list) ? responseHeaders : requestHeaders).add(new HeaderRow());
    }

    private List<HeaderRuleCommand> rules(String list, List<HeaderRow> rows) {
        List<Integer> rowIndexes = rowOfRule.get(list);
        rowIndexes.clear();
        List<HeaderRuleCommand> rules = new ArrayList<>();
        for (int row = 0; row < rows.size(); row++) {
            HeaderRow rule = rows.get(row);
            if (rule != null && !rule.isEmpty()) {
                rowIndexes.add(row);
                rules.add(new HeaderRuleCommand(rule.getAction(), rule.getName(), rule.getValue()));
            }
        }
        return rules;
    }

    private static List<HeaderRow> rows(List<SiteHeaders.Rule> rules) {
        List<HeaderRow> rows = new ArrayList<>();
        for (SiteHeaders.Rule rule : rules) {
            rows.add(new HeaderRow(rule.action(), rule.name(), rule.value() == null ? "" : rule.value()));
        }
        return rows;
    }

    /**
     * The control for a problem about one rule of the last {@link #toCommand()}: {@code requestHeaders[2].name}
     * becomes the name box of the row that rule came from; null when {@code commandField} names no rule.
     */
    String ruleControlFor(String commandField) {
        Matcher rule = commandField == null ? null : RULE_FIELD.matcher(commandField);
        if (rule == null || !rule.matches()) {
            return null;
        }
        List<Integer> rowIndexes = rowOfRule.get(rule.group(1));
        int index = Integer.parseInt(rule.group(2));
        if (index >= rowIndexes.size()) {
            return rule.group(1);
        }
        String part = rule.group(3) == null ? "name" : rule.group(3);
        return rule.group(1) + "[" + rowIndexes.get(index) + "]." + part;
    }

    /** One header rule row of the form. */
    public static class HeaderRow {

        /** {@code set}, {@code add} or {@code remove}; default set, the usual intent ("X-Frame-Options: DENY"). */
        private String action = "set";
        /** The header name; default empty (with an empty value, the row is no rule). */
        private String name = "";
        /** The value for set and add; default empty. Ignored for remove. */
        private String value = "";

        public HeaderRow() {
        }

        HeaderRow(String action, String name, String value) {
            this.action = action;
            this.name = name;
            this.value = value;
        }

        /** A row left blank, as "Add rule" makes it: not a rule. */
        boolean isEmpty() {
            return (name == null || name.isBlank()) && (value == null || value.isBlank());
        }

        public String getAction() {
            return action;
        }

        public void setAction(String action) {
            this.action = action;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getValue() {
            return value;
        }

        public void setValue(String value) {
            this.value = value;
        }
    }

    /** Whether the Redirect action is chosen; anything but "redirect" forwards, as the form's default. */
    public boolean isRedirect() {
        return REDIRECT.equals(action);
    }

    /** Why the posted status is not a number, or null when it is (or the site forwards); the range is the validator's. */
    public String redirectStatusProblem() {
        return isRedirect() ? RedirectValidator.statusTextProblem(redirectStatus) : null;
    }

    private Integer redirectStatusCode() {
        return RedirectValidator.parseStatus(redirectStatus);
    }

    /** Why the typed idle timeout is not a number of minutes, or null when it is (or WebSockets are off). */
    public String websocketIdleTimeoutProblem() {
        String text = websocketIdleTimeoutMinutes == null ? "" : websocketIdleTimeoutMinutes.trim();
        if (!websockets || text.isEmpty() || MINUTES.matcher(text).matches()) {
            return null;
        }
        return "idle timeout '" + text + "' must be a number of minutes, e.g. " + DEFAULT_WEBSOCKET_IDLE_TIMEOUT_MINUTES
                + " (or 0.5 for 30 seconds)";
    }

    /**
     * The control that shows a problem the service found with a field of {@link #toCommand()}'s command
     * ({@code websocketIdleTimeoutMs} is the minutes box, {@code redirect.target} the target box); other fields are named as the form names them.
     */
    static String controlFor(String commandField) {
        return CONTROLS.getOrDefault(commandField, commandField);
    }

    /** Why the typed max-age is not a number of seconds, or null when it is (or HSTS is off). */
    public String hstsMaxAgeProblem() {
        if (!hsts) {
            return null;
        }
        try {
            maxAge();
            return null;
        } catch (NumberFormatException e) {
            return "HSTS max-age '" + hstsMaxAgeSeconds + "' must be a whole number of seconds, e.g. 31536000 for a year";
        }
    }

    private Long maxAge() {
        String text = hstsMaxAgeSeconds == null ? "" : hstsMaxAgeSeconds.trim();
        return text.isEmpty() ? null : Long.valueOf(text);
    }

    private Long idleTimeoutMillis() {
        String text = websocketIdleTimeoutMinutes == null ? "" : websocketIdleTimeoutMinutes.trim().replace(',', '.');
        return text.isEmpty() ? null
                : new BigDecimal(text).multiply(BigDecimal.valueOf(MILLIS_PER_MINUTE)).longValueExact();
    }

    /**
     * 600000 -> "10", 90000 -> "1.5": what the minutes box shows for a stored timeout. A timeout set
     * through the API that is no whole number of thousandths of a minute (1000 ms) is shown rounded to
     * three decimals (0.017).
     */
    static String minutes(long millis) {
        return BigDecimal.valueOf(millis).divide(BigDecimal.valueOf(MILLIS_PER_MINUTE), 3, RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    public String getHostnames() {
        return hostnames;
    }

    public void setHostnames(String hostnames) {
        this.hostnames = hostnames;
    }

    public String getBackend() {
        return backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = action;
    }

    public String getRedirectTarget() {
        return redirectTarget;
    }

    public void setRedirectTarget(String redirectTarget) {
        this.redirectTarget = redirectTarget;
    }

    public String getRedirectStatus() {
        return redirectStatus;
    }

    public void setRedirectStatus(String redirectStatus) {
        this.redirectStatus = redirectStatus;
    }

    public boolean isRedirectKeepPath() {
        return redirectKeepPath;
    }

    public void setRedirectKeepPath(boolean redirectKeepPath) {
        this.redirectKeepPath = redirectKeepPath;
    }

    public boolean isPassHost() {
        return passHost;
    }

    public void setPassHost(boolean passHost) {
        this.passHost = passHost;
    }

    public List<HeaderRow> getRequestHeaders() {
        return requestHeaders;
    }

    public void setRequestHeaders(List<HeaderRow> requestHeaders) {
        this.requestHeaders = requestHeaders;
    }

    public List<HeaderRow> getResponseHeaders() {
        return responseHeaders;
    }

    public void setResponseHeaders(List<HeaderRow> responseHeaders) {
        this.responseHeaders = responseHeaders;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getCertificate() {
        return certificate;
    }

    public void setCertificate(String certificate) {
        this.certificate = certificate;
    }

    public boolean isForceHttps() {
        return forceHttps;
    }

    public void setForceHttps(boolean forceHttps) {
        this.forceHttps = forceHttps;
    }

    public boolean isHsts() {
        return hsts;
    }

    public void setHsts(boolean hsts) {
        this.hsts = hsts;
    }

    public String getHstsMaxAgeSeconds() {
        return hstsMaxAgeSeconds;
    }

    public void setHstsMaxAgeSeconds(String hstsMaxAgeSeconds) {
        this.hstsMaxAgeSeconds = hstsMaxAgeSeconds;
    }

    public boolean isHstsIncludeSubDomains() {
        return hstsIncludeSubDomains;
    }

    public void setHstsIncludeSubDomains(boolean hstsIncludeSubDomains) {
        this.hstsIncludeSubDomains = hstsIncludeSubDomains;
    }

    public boolean isHstsPreload() {
        return hstsPreload;
    }

    public void setHstsPreload(boolean hstsPreload) {
        this.hstsPreload = hstsPreload;
    }

    public boolean isWebsockets() {
        return websockets;
    }

    public void setWebsockets(boolean websockets) {
        this.websockets = websockets;
    }

    public String getWebsocketIdleTimeoutMinutes() {
        return websocketIdleTimeoutMinutes;
    }

    public void setWebsocketIdleTimeoutMinutes(String websocketIdleTimeoutMinutes) {
        this.websocketIdleTimeoutMinutes = websocketIdleTimeoutMinutes;
    }
}
