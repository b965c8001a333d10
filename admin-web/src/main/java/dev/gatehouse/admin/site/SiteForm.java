package dev.gatehouse.admin.site;

import dev.gatehouse.admin.site.SiteCommand.HttpsCommand;
import dev.gatehouse.admin.web.FormLists;
import java.util.Set;

/**
 * What the site form posts. Host names arrive as one textarea; the service judges each one, so the
 * form keeps exactly what the user typed for a re-render. The HSTS max-age is kept as text for the
 * same reason: "1y" is shown back with a message instead of a conversion error.
 */
public class SiteForm {

    /** The form's controls; problems about other fields are shown above the form. */
    static final Set<String> FIELDS = Set.of("hostnames", "backend", "enabled", "certificate", "forceHttps", "hsts",
            "hstsMaxAgeSeconds", "hstsIncludeSubDomains", "hstsPreload");

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
        return form;
    }

    /**
     * The command; call only when {@link #hstsMaxAgeProblem()} is null.
     *
     * <p>The HSTS options sit under the HSTS switch and are hidden while it is off, so they are only
     * sent with it: a box ticked, then hidden, must not make the save fail with a message about a
     * control the user cannot see.
     */
    public SiteCommand toCommand() {
        String backendName = blankToNull(backend);
        HttpsCommand https = new HttpsCommand(blankToNull(certificate), forceHttps, hsts,
                hsts ? maxAge() : null, hsts && hstsIncludeSubDomains, hsts && hstsPreload);
        return new SiteCommand(FormLists.split(hostnames), backendName, enabled, https);
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
}
