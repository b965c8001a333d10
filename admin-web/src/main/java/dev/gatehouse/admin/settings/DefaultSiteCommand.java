package dev.gatehouse.admin.settings;

import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;

/**
 * What unknown host names should get, as a form or API call asks it.
 *
 * @param action {@code not-found} (the 404 page; the default when null), {@code redirect} or
 *     {@code close} (the connection is closed without an answer, so scanners learn nothing)
 * @param redirect with {@code redirect}: where to; must be absent otherwise
 */
public record DefaultSiteCommand(String action, RedirectCommand redirect) {
}
