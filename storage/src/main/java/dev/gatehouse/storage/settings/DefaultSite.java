package dev.gatehouse.storage.settings;

import java.util.List;
import java.util.Objects;

import dev.gatehouse.storage.site.SiteRedirect;

/**
 * What requests for a host name no enabled site has get (table {@code default_site}).
 *
 * @param action   {@code not-found} (the default: the 404 page), {@code redirect} or {@code close}
 *                 (the connection is closed without an answer)
 * @param redirect where to with {@code redirect}; always null with the other actions
 */
public record DefaultSite(String action, SiteRedirect redirect) {

    public static final String NOT_FOUND = "not-found";
    public static final String REDIRECT = "redirect";
    public static final String CLOSE = "close";
    public static final List<String> ACTIONS = List.of(NOT_FOUND, REDIRECT, CLOSE);

    /** The 404 page: what a fresh installation does. */
    public static final DefaultSite DEFAULT = new DefaultSite(NOT_FOUND, null);

    /**
     * @throws IllegalArgumentException if the action is unknown, or a redirect lacks its target or
     *     another action has one
     */
    public DefaultSite {
        Objects.requireNonNull(action, "action");
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("default site action must be one of " + ACTIONS + ", got '" + action + "'");
        }
        if (REDIRECT.equals(action) != (redirect != null)) {
            throw new IllegalArgumentException("the default site has a redirect exactly when its action is redirect");
        }
    }
}
