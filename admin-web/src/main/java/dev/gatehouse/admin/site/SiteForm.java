package dev.gatehouse.admin.site;

import dev.gatehouse.admin.site.SiteCommand.HttpsCommand;
import dev.gatehouse.admin.site.SiteCommand.WebsocketCommand;
import dev.gatehouse.admin.web.FormLists;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the site form posts. Host names arrive as one textarea; the service judges each one, so the
 * form keeps exactly what the user typed for a re-render. The HSTS max-age and the WebSocket idle
 * timeout are kept as text for the same reason: "1y" is shown back with a message instead of a
 * conversion error.
 */
public class SiteForm {

    /** The form's controls; problems about other fields are shown above the form. */
    static final Set<String> FIELDS = Set.of("hostnames", "backend", "enabled", "certificate", "forceHttps", "hsts",
            "hstsMaxAgeSeconds", "hstsIncludeSubDomains", "hstsPreload", "websockets", "websocketIdleTimeoutMinutes");

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
    /** The chosen backend's name; default none chosen. */
    private String backend = "";
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
        form.setBackend(site.backend());
        form.setEnabled(site.enabled());
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
     * The command; call only when {@link #hstsMaxAgeProblem()} and {@link #websocketIdleTimeoutProblem()}
     * are null.
     *
     * <p>The HSTS options sit under the HSTS switch and are hidden while it is off, so they are only
     * sent with it: a box ticked, then hidden, must not make the save fail with a message about a
     * control the user cannot see. The WebSocket idle timeout goes with the WebSockets switch the same
     * way: switching WebSockets off drops it instead of refusing the save.
     */
    public SiteCommand toCommand() {
        String backendName = blankToNull(backend);
        HttpsCommand https = new HttpsCommand(blankToNull(certificate), forceHttps, hsts,
                hsts ? maxAge() : null, hsts && hstsIncludeSubDomains, hsts && hstsPreload);
        WebsocketCommand websocketCommand = new WebsocketCommand(websockets, websockets ? idleTimeoutMillis() : null);
        return new SiteCommand(FormLists.split(hostnames), backendName, enabled, https, websocketCommand);
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
     * ({@code websocketIdleTimeoutMs} is the minutes box); other fields are named as the form names them.
     */
    static String controlFor(String commandField) {
        return WebsocketValidator.IDLE_TIMEOUT_FIELD.equals(commandField) ? "websocketIdleTimeoutMinutes" : commandField;
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
