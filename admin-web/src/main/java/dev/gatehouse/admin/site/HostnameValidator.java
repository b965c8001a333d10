package dev.gatehouse.admin.site;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.engine.routing.HostNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks one hostname a site answers to, and says exactly what is wrong in words that help fix it.
 *
 * <p>Rules: trimmed and lower-cased; 1-253 characters; dot-separated labels of 1-63 characters from
 * {@code [a-z0-9-]}, not starting or ending with '-'; optionally one leading {@code *.} wildcard label
 * followed by at least two labels ({@code *.example.com}); no scheme, port, path or spaces.
 */
public final class HostnameValidator {

    private HostnameValidator() {
    }

    /** Trims and lower-cases: the form every rule and the database use. */
    public static String normalize(String raw) {
        return raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Checks every entry of a site's list.
     *
     * @return one problem per bad entry (field {@code hostnames[i]}), or one on {@code hostnames}
     *     when the list is empty
     */
    public static List<FieldProblem> problems(List<String> hostnames) {
        if (hostnames == null || hostnames.isEmpty()) {
            return List.of(new FieldProblem("hostnames",
                    "at least one hostname is required, e.g. app.example.com or *.example.com"));
        }
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < hostnames.size(); i++) {
            String field = "hostnames[" + i + "]";
            problem(normalize(hostnames.get(i))).ifPresent(reason -> problems.add(new FieldProblem(field,
                    field + " " + reason)));
        }
        return problems;
    }

    /**
     * @param hostname already {@link #normalize normalized}
     * @return what is wrong, as the end of a sentence starting with the field name and written to
     *     name the value, e.g. "'http://a.com' must not contain a scheme; ..."; empty when valid.
     *     The rules are the engine's own ({@link HostNames#problemWith}), so the dashboard accepts
     *     exactly what the proxy can route.
     */
    public static Optional<String> problem(String hostname) {
        if (hostname.isEmpty()) {
            return Optional.of("is empty; enter a host name, e.g. app.example.com");
        }
        return Optional.ofNullable(HostNames.problemWith(hostname));
    }
}
