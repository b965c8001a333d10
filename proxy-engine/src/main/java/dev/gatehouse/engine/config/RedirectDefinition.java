package dev.gatehouse.engine.config;

import java.net.URI;
import java.util.Set;

/**
 * Answer every request with a redirect to another address instead of forwarding it: a "redirection
 * host" for a site, or what the default site (unknown host names) does.
 *
 * @param target absolute {@code http} or {@code https} URL, e.g. {@code https://new.example.com} or
 *     {@code https://example.com/shop}; no query or fragment
 * @param status 301 (moved permanently, the default when 0), 302, 307 or 308. 307 and 308 make
 *     clients repeat the method and body; 301 and 302 let them turn a POST into a GET
 * @param keepPath true (the default for sites): the request's path and query are appended to the
 *     target, so {@code /a?b=1} goes to {@code https://new.example.com/a?b=1}; false: every request
 *     goes to the target itself
 */
public record RedirectDefinition(String target, int status, boolean keepPath) {

    /** The statuses a redirect may use. */
    public static final Set<Integer> STATUSES = Set.of(301, 302, 307, 308);

    public RedirectDefinition {
        status = status == 0 ? 301 : status;
    }

    /** A permanent (301) redirect keeping path and query. */
    public static RedirectDefinition to(String target) {
        return new RedirectDefinition(target, 301, true);
    }

    /** What is wrong with {@link #target()}, or null when it is a usable absolute http(s) URL. */
    public String targetProblem() {
        if (target == null || target.isBlank()) {
            return "the redirect target is missing";
        }
        URI uri;
        try {
            uri = new URI(target);
        } catch (Exception e) {
            return "redirect target '" + target + "' is not a URL";
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            return "redirect target '" + target + "' must start with http:// or https://";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "redirect target '" + target + "' has no host name";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "redirect target '" + target + "' must not have a query or fragment";
        }
        if (uri.getRawUserInfo() != null) {
            return "redirect target '" + target + "' must not contain a user name or password";
        }
        return null;
    }

    /** Where a request for {@code pathAndQuery} (starting with '/') goes. */
    public String location(String pathAndQuery) {
        String base = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
        if (!keepPath) {
            return base.indexOf('/', base.indexOf("//") + 2) < 0 ? base + "/" : base;
        }
        return base + pathAndQuery;
    }
}
