package dev.gatehouse.storage.site;

import java.util.Objects;

/**
 * A stored redirect: where a redirection host (or the default site) sends every request.
 *
 * @param target   absolute http(s) URL without query or fragment; the admin app checks it, the
 *                 schema holds up to 2048 characters
 * @param status   301, 302, 307 or 308 (the schema refuses others); the admin app's default is 301
 * @param keepPath append the request's path and query to the target; the admin app's default is true
 */
public record SiteRedirect(String target, int status, boolean keepPath) {

    /**
     * @throws IllegalArgumentException if the target is blank
     */
    public SiteRedirect {
        Objects.requireNonNull(target, "target");
        if (target.isBlank()) {
            throw new IllegalArgumentException("redirect target must not be blank");
        }
    }
}
