package dev.gatehouse.admin.site;

import dev.gatehouse.admin.web.FormLists;
import java.util.Set;

/**
 * What the site form posts. Host names arrive as one textarea; the service judges each one, so the
 * form keeps exactly what the user typed for a re-render.
 */
public class SiteForm {

    /** The form's controls; problems about other fields are shown above the form. */
    static final Set<String> FIELDS = Set.of("hostnames", "backend", "enabled");

    /** One host name per line or comma-separated; default empty. */
    private String hostnames = "";
    /** The chosen backend's name; default none chosen. */
    private String backend = "";
    /** Whether the site answers requests; default true, as a new site is usually meant to go live. */
    private boolean enabled = true;

    public static SiteForm from(SiteView site) {
        SiteForm form = new SiteForm();
        form.setHostnames(FormLists.join(site.hostnames()));
        form.setBackend(site.backend());
        form.setEnabled(site.enabled());
        return form;
    }

    public SiteCommand toCommand() {
        String backendName = backend == null || backend.isBlank() ? null : backend.trim();
        return new SiteCommand(FormLists.split(hostnames), backendName, enabled);
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
}
