package dev.gatehouse.admin.site;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.storage.site.SiteHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a site's trusted proxies with the engine's own {@link HeaderPolicy#trustedProxyProblem}, so
 * nothing is stored that the engine would refuse. Each problem names the entry as the API does
 * ({@code trustedProxies[1]}), the value and what is wrong with it. Entries are trimmed; the form's
 * textarea shows them all in one control.
 *
 * <p>The list is capped at {@link #MAX_ENTRIES}: the engine compares a request's peer address with
 * every entry, and a handful of load balancers or one CIDR block per provider is what real setups have.
 */
public final class TrustedProxyValidator {

    public static final String FIELD = "trustedProxies";
    /** How many entries a site may have. */
    public static final int MAX_ENTRIES = 100;
    /** What the schema holds; the longest IPv6 address with a prefix (45 + 4) fits. */
    public static final int MAX_LENGTH = SiteHeaders.MAX_TRUSTED_PROXY_LENGTH;

    private TrustedProxyValidator() {
    }

    /** Every problem with {@code entries}; empty when they are all valid. */
    public static List<FieldProblem> problems(List<String> entries) {
        if (entries.size() > MAX_ENTRIES) {
            return List.of(new FieldProblem(FIELD, FIELD + " has " + entries.size() + " entries; at most " + MAX_ENTRIES
                    + " are allowed (use CIDR blocks such as 10.0.0.0/8 to cover many addresses)"));
        }
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String field = FIELD + "[" + i + "]";
            String entry = entries.get(i) == null ? null : entries.get(i).trim();
            String problem = entry != null && entry.length() > MAX_LENGTH
                    ? "trusted proxy '" + entry + "' is " + entry.length() + " characters long; at most " + MAX_LENGTH
                            + " are allowed"
                    : HeaderPolicy.trustedProxyProblem(entry);
            if (problem != null) {
                problems.add(new FieldProblem(field, field + ": " + problem));
            }
        }
        return problems;
    }

    /** The stored form of entries {@link #problems} found nothing wrong with: trimmed, in order. */
    public static List<String> toStored(List<String> entries) {
        return entries.stream().map(String::trim).toList();
    }
}
