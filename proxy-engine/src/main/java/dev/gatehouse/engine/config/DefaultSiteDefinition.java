package dev.gatehouse.engine.config;

/**
 * What requests for a host name no enabled site has get (the "default site").
 *
 * @param action {@link Action#NOT_FOUND} (the default when null), {@link Action#REDIRECT} or
 *     {@link Action#CLOSE}
 * @param redirect with {@code REDIRECT}: where to; ignored otherwise
 */
public record DefaultSiteDefinition(Action action, RedirectDefinition redirect) {

    /** The engine's own "no site here" page with 404. */
    public static final DefaultSiteDefinition NOT_FOUND = new DefaultSiteDefinition(Action.NOT_FOUND, null);

    public enum Action {
        /** The "no site here" page, 404. */
        NOT_FOUND,
        /** A redirect, e.g. to the company's main site. */
        REDIRECT,
        /** Close the connection without an answer (nginx's 444): scanners learn nothing. */
        CLOSE
    }

    public DefaultSiteDefinition {
        action = action == null ? Action.NOT_FOUND : action;
        redirect = action == Action.REDIRECT ? redirect : null;
    }

    public static DefaultSiteDefinition redirectTo(RedirectDefinition redirect) {
        return new DefaultSiteDefinition(Action.REDIRECT, redirect);
    }

    public static DefaultSiteDefinition close() {
        return new DefaultSiteDefinition(Action.CLOSE, null);
    }
}
