package dev.gatehouse.admin.site;

import dev.gatehouse.admin.site.SiteCommand.HeaderRuleCommand;
import dev.gatehouse.admin.site.SiteCommand.HeadersCommand;
import dev.gatehouse.admin.site.SiteCommand.HttpsCommand;
import dev.gatehouse.admin.site.SiteCommand.PoliciesCommand;
import dev.gatehouse.admin.site.SiteCommand.RateLimitCommand;
import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;
import dev.gatehouse.admin.site.SiteCommand.SizeLimitsCommand;
import dev.gatehouse.admin.site.SiteCommand.WebsocketCommand;
import dev.gatehouse.admin.web.FormLists;
import dev.gatehouse.storage.site.SiteHeaders;
import dev.gatehouse.storage.site.SitePolicies;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * chosen action's fields are sent, since the other's are hidden. The Headers section (Host passing, the
 * request/response rule rows, the trusted proxies and the Forwarded switch) belongs to forwarding: a
 * redirect site sends none of it, so it keeps what it has. A rule row whose name and value are both empty
 * is left out, so clearing a row removes the rule. Trusted proxies arrive as one textarea like the host
 * names, kept as typed. The Access and limits section (access list, rate limit, exploit blocking, size
 * limits) belongs to forwarding too, as the engine answers a redirect before it; its numbers are kept as
 * text like the others ({@link #policyInputProblems()}), an empty box meaning "none" or the default.
 */
public class SiteForm {

    /** The form's controls; problems about other fields are shown above the form. */
    static final Set<String> FIELDS = Set.of("hostnames", "action", "backend", "redirectTarget", "redirectStatus",
            "redirectKeepPath", "enabled", "certificate", "forceHttps", "hsts", "hstsMaxAgeSeconds",
            "hstsIncludeSubDomains", "hstsPreload", "http2", "websockets", "websocketIdleTimeoutMinutes", "passHost",
            HeaderRuleValidator.REQUEST_FIELD, HeaderRuleValidator.RESPONSE_FIELD, TrustedProxyValidator.FIELD,
            "forwardedHeader", "accessList", "rateLimitRequests", "rateLimitPeriod", "rateLimitPeriodUnit",
            "rateLimitBurst", "blockExploits", "maxBodySize", "maxBodySizeUnit", "maxHeaderBytes", "maxUrlLength");

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

    /**
     * The service names redirect and policy problems as the API does (and the engine its own policy fields);
     * the form has one control per field.
     */
    private static final Map<String, String> CONTROLS = Map.ofEntries(
            Map.entry(WebsocketValidator.IDLE_TIMEOUT_FIELD, "websocketIdleTimeoutMinutes"),
            Map.entry("redirect", "redirectTarget"),
            Map.entry("redirect.target", "redirectTarget"),
            Map.entry("redirect.status", "redirectStatus"),
            Map.entry(SitePolicyValidator.ACCESS_LIST_FIELD, "accessList"),
            Map.entry("policies.rateLimit", "rateLimitRequests"),
            Map.entry(SitePolicyValidator.REQUESTS_FIELD, "rateLimitRequests"),
            Map.entry(SitePolicyValidator.PERIOD_FIELD, "rateLimitPeriod"),
            Map.entry("policies.rateLimit.period", "rateLimitPeriod"),
            Map.entry(SitePolicyValidator.BURST_FIELD, "rateLimitBurst"),
            Map.entry(SitePolicyValidator.MAX_BODY_FIELD, "maxBodySize"),
            Map.entry(SitePolicyValidator.MAX_HEADER_FIELD, "maxHeaderBytes"),
            Map.entry(SitePolicyValidator.MAX_URL_FIELD, "maxUrlLength"));

    /** The rate limit's period units, and the body size's: what the selects post. */
    public static final String UNIT_SECONDS = "seconds";
    public static final String UNIT_MINUTES = "minutes";
    public static final String UNIT_MB = "MB";
    public static final String UNIT_KB = "KB";
    public static final String UNIT_BYTES = "bytes";
    private static final long KIB = 1024;
    private static final long MIB = 1024 * 1024;

    private static final Pattern WHOLE_NUMBER = Pattern.compile("\\d{1,9}");
    /** Short enough that minutes times 60 stays an int; the range is the validator's business. */
    private static final Pattern PERIOD = Pattern.compile("\\d{1,6}");
    private static final Pattern SIZE = Pattern.compile("\\d{1,9}(?:[.,]\\d{1,3})?");
    private static final Pattern BYTE_COUNT = Pattern.compile("\\d{1,15}");

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
    /**
     * Load balancers in front whose X-Forwarded-For is believed: one address or CIDR block per line (or
     * comma-separated), as typed; default empty = none.
     */
    private String trustedProxies = "";
    /** Also send the RFC 7239 Forwarded header; default false, as in the engine. */
    private boolean forwardedHeader;
    /** The name of the access list guarding the site; default empty = none, everyone may reach it. */
    private String accessList = "";
    /** Requests per period from one client address, as typed; default empty = no rate limit. */
    private String rateLimitRequests = "";
    /** The rate limit's period in {@link #rateLimitPeriodUnit}s, as typed; default empty = 1. */
    private String rateLimitPeriod = "";
    /** {@link #UNIT_SECONDS} (the default) or {@link #UNIT_MINUTES}. */
    private String rateLimitPeriodUnit = UNIT_SECONDS;
    /** Extra requests allowed at once, as typed; default empty = 0. */
    private String rateLimitBurst = "";
    /** Refuse requests matching the common-exploit rules; default true, as in the engine. */
    private boolean blockExploits = true;
    /** The largest request body in {@link #maxBodySizeUnit}, as typed; default empty = no limit. */
    private String maxBodySize = "";
    /** {@link #UNIT_MB} (the default), {@link #UNIT_KB} or {@link #UNIT_BYTES}; binary multiples (1 MB = 1024 KB). */
    private String maxBodySizeUnit = UNIT_MB;
    /** The most header bytes a request may carry, as typed; default empty = the proxy's 16384. */
    private String maxHeaderBytes = "";
    /** The longest request target, as typed; default empty = the proxy's 8192. */
    private String maxUrlLength = "";
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
    /** Offer HTTP/2 to HTTPS clients; default true, as in the engine. */
    private boolean http2 = true;
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
        form.setTrustedProxies(FormLists.join(site.headers().trustedProxies()));
        form.setForwardedHeader(site.headers().forwardedHeader());
        form.setCertificate(site.certificate() == null ? "" : site.certificate());
        form.setForceHttps(site.forceHttps());
        form.setHsts(site.hsts());
        if (site.hsts()) {
            form.setHstsMaxAgeSeconds(Long.toString(site.hstsMaxAgeSeconds()));
        }
        form.setHstsIncludeSubDomains(site.hstsIncludeSubDomains());
        form.setHstsPreload(site.hstsPreload());
        form.setHttp2(site.http2());
        form.setWebsockets(site.websockets());
        form.setWebsocketIdleTimeoutMinutes(site.websocketIdleTimeoutMs() == null ? ""
                : minutes(site.websocketIdleTimeoutMs()));
        form.setPolicies(site);
        return form;
    }

    private void setPolicies(SiteView site) {
        SitePolicies policies = site.policies();
        accessList = site.accessList() == null ? "" : site.accessList();
        SitePolicies.SiteRateLimit rate = policies.rateLimit();
        if (rate != null) {
            rateLimitRequests = Integer.toString(rate.requests());
            boolean inMinutes = rate.periodSeconds() % 60 == 0;
            rateLimitPeriodUnit = inMinutes ? UNIT_MINUTES : UNIT_SECONDS;
            rateLimitPeriod = Integer.toString(inMinutes ? rate.periodSeconds() / 60 : rate.periodSeconds());
            rateLimitBurst = Integer.toString(rate.burst());
        }
        blockExploits = policies.blockExploits();
        long body = policies.maxBodyBytes();
        if (body > 0) {
            maxBodySizeUnit = body % MIB == 0 ? UNIT_MB : body % KIB == 0 ? UNIT_KB : UNIT_BYTES;
            maxBodySize = Long.toString(body / multiplier(maxBodySizeUnit));
        }
        maxHeaderBytes = policies.maxHeaderBytes() == 0 ? "" : Integer.toString(policies.maxHeaderBytes());
        maxUrlLength = policies.maxUrlLength() == 0 ? "" : Integer.toString(policies.maxUrlLength());
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
                hsts ? maxAge() : null, hsts && hstsIncludeSubDomains, hsts && hstsPreload, http2);
        WebsocketCommand websocketCommand = new WebsocketCommand(websockets, websockets ? idleTimeoutMillis() : null);
        HeadersCommand headers = redirecting ? null : new HeadersCommand(passHost,
                rules(HeaderRuleValidator.REQUEST_FIELD, requestHeaders),
                rules(HeaderRuleValidator.RESPONSE_FIELD, responseHeaders), FormLists.split(trustedProxies),
                forwardedHeader);
        return new SiteCommand(FormLists.split(hostnames), backendName, enabled, https, websocketCommand, redirect,
                headers, redirecting ? null : policies());
    }

    /** The Access and limits section as a command; call only when {@link #policyInputProblems()} is empty. */
    private PoliciesCommand policies() {
        String requests = trim(rateLimitRequests);
        RateLimitCommand rate = null;
        if (!requests.isEmpty()) {
            String period = trim(rateLimitPeriod);
            String burst = trim(rateLimitBurst);
            rate = new RateLimitCommand(Integer.valueOf(requests),
                    period.isEmpty() ? null : Integer.parseInt(period) * (UNIT_MINUTES.equals(rateLimitPeriodUnit) ? 60 : 1),
                    burst.isEmpty() ? null : Integer.valueOf(burst));
        }
        String body = trim(maxBodySize).replace(',', '.');
        String headerBytes = trim(maxHeaderBytes);
        String urlLength = trim(maxUrlLength);
        SizeLimitsCommand limits = body.isEmpty() && headerBytes.isEmpty() && urlLength.isEmpty() ? null
                : new SizeLimitsCommand(body.isEmpty() ? null : new BigDecimal(body)
                        .multiply(BigDecimal.valueOf(multiplier(maxBodySizeUnit))).setScale(0, RoundingMode.HALF_UP)
                        .longValueExact(),
                        headerBytes.isEmpty() ? null : Integer.valueOf(headerBytes),
                        urlLength.isEmpty() ? null : Integer.valueOf(urlLength));
        return new PoliciesCommand(blankToNull(accessList), rate, blockExploits, limits);
    }

    /**
     * The Access and limits boxes whose text is not a number, by control; empty when {@link #toCommand()} may
     * be called. A redirect site sends none of them, so none is judged.
     */
    public Map<String, String> policyInputProblems() {
        Map<String, String> problems = new LinkedHashMap<>();
        if (isRedirect()) {
            return problems;
        }
        checkNumber(problems, "rateLimitRequests", rateLimitRequests, WHOLE_NUMBER, "requests", "a whole number, e.g. 10");
        checkNumber(problems, "rateLimitPeriod", rateLimitPeriod, PERIOD, "period", "a whole number of "
                + (UNIT_MINUTES.equals(rateLimitPeriodUnit) ? "minutes" : "seconds") + ", e.g. 1");
        checkNumber(problems, "rateLimitBurst", rateLimitBurst, WHOLE_NUMBER, "burst", "a whole number, e.g. 20");
        checkNumber(problems, "maxBodySize", maxBodySize, UNIT_BYTES.equals(maxBodySizeUnit) ? BYTE_COUNT : SIZE,
                "max body size", UNIT_BYTES.equals(maxBodySizeUnit) ? "a whole number of bytes" : "a number of "
                        + maxBodySizeUnit + ", e.g. 10 or 1.5");
        checkNumber(problems, "maxHeaderBytes", maxHeaderBytes, WHOLE_NUMBER, "max header size",
                "a whole number of bytes, e.g. 8192");
        checkNumber(problems, "maxUrlLength", maxUrlLength, WHOLE_NUMBER, "max URL length",
                "a whole number of characters, e.g. 2048");
        if (!trim(rateLimitRequests).isEmpty() && !UNIT_SECONDS.equals(rateLimitPeriodUnit) && !UNIT_MINUTES.equals(rateLimitPeriodUnit)) {
            problems.put("rateLimitPeriodUnit", "period unit '" + rateLimitPeriodUnit + "' must be seconds or minutes");
        }
        if (!trim(maxBodySize).isEmpty() && multiplier(maxBodySizeUnit) == 0) {
            problems.put("maxBodySizeUnit", "size unit '" + maxBodySizeUnit + "' must be MB, KB or bytes");
        }
        return problems;
    }

    private static void checkNumber(Map<String, String> problems, String control, String typed, Pattern pattern,
                                    String what, String expected) {
        String text = trim(typed);
        if (!text.isEmpty() && !pattern.matcher(text).matches()) {
            problems.put(control, what + " '" + text + "' must be " + expected + " (or empty)");
        }
    }

    /** Bytes per unit of the body size select; 0 for a value the select does not offer. */
    private static long multiplier(String unit) {
        return switch (unit == null ? "" : unit) {
            case UNIT_MB -> MIB;
            case UNIT_KB -> KIB;
            case UNIT_BYTES -> 1;
            default -> 0;
        };
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
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

    public String getTrustedProxies() {
        return trustedProxies;
    }

    public void setTrustedProxies(String trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public boolean isForwardedHeader() {
        return forwardedHeader;
    }

    public void setForwardedHeader(boolean forwardedHeader) {
        this.forwardedHeader = forwardedHeader;
    }

    public boolean isHttp2() {
        return http2;
    }

    public void setHttp2(boolean http2) {
        this.http2 = http2;
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

    public String getAccessList() {
        return accessList;
    }

    public void setAccessList(String accessList) {
        this.accessList = accessList;
    }

    public String getRateLimitRequests() {
        return rateLimitRequests;
    }

    public void setRateLimitRequests(String rateLimitRequests) {
        this.rateLimitRequests = rateLimitRequests;
    }

    public String getRateLimitPeriod() {
        return rateLimitPeriod;
    }

    public void setRateLimitPeriod(String rateLimitPeriod) {
        this.rateLimitPeriod = rateLimitPeriod;
    }

    public String getRateLimitPeriodUnit() {
        return rateLimitPeriodUnit;
    }

    public void setRateLimitPeriodUnit(String rateLimitPeriodUnit) {
        this.rateLimitPeriodUnit = rateLimitPeriodUnit;
    }

    public String getRateLimitBurst() {
        return rateLimitBurst;
    }

    public void setRateLimitBurst(String rateLimitBurst) {
        this.rateLimitBurst = rateLimitBurst;
    }

    public boolean isBlockExploits() {
        return blockExploits;
    }

    public void setBlockExploits(boolean blockExploits) {
        this.blockExploits = blockExploits;
    }

    public String getMaxBodySize() {
        return maxBodySize;
    }

    public void setMaxBodySize(String maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    public String getMaxBodySizeUnit() {
        return maxBodySizeUnit;
    }

    public void setMaxBodySizeUnit(String maxBodySizeUnit) {
        this.maxBodySizeUnit = maxBodySizeUnit;
    }

    public String getMaxHeaderBytes() {
        return maxHeaderBytes;
    }

    public void setMaxHeaderBytes(String maxHeaderBytes) {
        this.maxHeaderBytes = maxHeaderBytes;
    }

    public String getMaxUrlLength() {
        return maxUrlLength;
    }

    public void setMaxUrlLength(String maxUrlLength) {
        this.maxUrlLength = maxUrlLength;
    }

    public String getWebsocketIdleTimeoutMinutes() {
        return websocketIdleTimeoutMinutes;
    }

    public void setWebsocketIdleTimeoutMinutes(String websocketIdleTimeoutMinutes) {
        this.websocketIdleTimeoutMinutes = websocketIdleTimeoutMinutes;
    }
}
