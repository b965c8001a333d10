package dev.gatehouse.admin.settings;

import dev.gatehouse.admin.site.RedirectValidator;
import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;
import dev.gatehouse.storage.settings.DefaultSite;
import java.util.Map;
import java.util.Set;

/**
 * What the Settings page's "Unknown host names" card posts. The redirect fields are hidden unless
 * "Redirect to" is chosen and only sent with it, so a target left in the hidden box never blocks saving
 * another choice. The status is kept as text so a tampered value gets a message, not a conversion error.
 */
public class DefaultSiteForm {

    /** The card's controls; problems about anything else are shown above it. */
    static final Set<String> FIELDS = Set.of("action", "redirectTarget", "redirectStatus", "redirectKeepPath");

    /** The service names redirect problems as the API does; the card has one control per redirect field. */
    private static final Map<String, String> CONTROLS = Map.of(
            "redirect", "redirectTarget",
            "redirect.target", "redirectTarget",
            "redirect.status", "redirectStatus");

    /** {@code not-found}, {@code redirect} or {@code close}; default {@code not-found}, as a fresh install. */
    private String action = DefaultSite.NOT_FOUND;
    /** Where unknown host names are redirected, as typed; default empty. Only used with {@code redirect}. */
    private String redirectTarget = "";
    /** The redirect status as posted by the select; default 301. Only used with {@code redirect}. */
    private String redirectStatus = Integer.toString(RedirectValidator.DEFAULT_STATUS);
    /** Append the request's path and query to the target; default true. Only used with {@code redirect}. */
    private boolean redirectKeepPath = true;

    public static DefaultSiteForm from(DefaultSite defaultSite) {
        DefaultSiteForm form = new DefaultSiteForm();
        form.setAction(defaultSite.action());
        if (defaultSite.redirect() != null) {
            form.setRedirectTarget(defaultSite.redirect().target());
            form.setRedirectStatus(Integer.toString(defaultSite.redirect().status()));
            form.setRedirectKeepPath(defaultSite.redirect().keepPath());
        }
        return form;
    }

    /** The command; call only when {@link #redirectStatusProblem()} is null. */
    public DefaultSiteCommand toCommand() {
        return new DefaultSiteCommand(action, isRedirect()
                ? new RedirectCommand(redirectTarget, redirectStatusCode(), redirectKeepPath) : null);
    }

    public boolean isRedirect() {
        return DefaultSite.REDIRECT.equals(action);
    }

    /** Why the posted status is not a number, or null when it is (or no redirect is chosen). */
    public String redirectStatusProblem() {
        return isRedirect() ? RedirectValidator.statusTextProblem(redirectStatus) : null;
    }

    /** The control that shows a problem the service found with a field of {@link #toCommand()}'s command. */
    static String controlFor(String commandField) {
        return CONTROLS.getOrDefault(commandField, commandField);
    }

    private Integer redirectStatusCode() {
        return RedirectValidator.parseStatus(redirectStatus);
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
}
