package dev.gatehouse.admin.site;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.site.SiteCommand.HeaderRuleCommand;
import dev.gatehouse.admin.site.SiteCommand.HeadersCommand;
import dev.gatehouse.engine.config.HeaderPolicy.HeaderRule;
import dev.gatehouse.storage.site.SiteHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks a site's header rules with the engine's own {@link HeaderRule#problem()}, so nothing is stored
 * that the engine would refuse. Problems name the rule's field as the API does, e.g.
 * {@code requestHeaders[1].name}; the name is judged first (a REMOVE rule checks only the name), so a bad
 * value is reported on {@code .value}.
 */
public final class HeaderRuleValidator {

    public static final String REQUEST_FIELD = "requestHeaders";
    public static final String RESPONSE_FIELD = "responseHeaders";
    /** What the schema holds. */
    public static final int MAX_NAME_LENGTH = 256;
    public static final int MAX_VALUE_LENGTH = 4096;

    private HeaderRuleValidator() {
    }

    public static List<FieldProblem> problems(HeadersCommand command) {
        List<FieldProblem> problems = new ArrayList<>(problems(REQUEST_FIELD, command.request()));
        problems.addAll(problems(RESPONSE_FIELD, command.response()));
        return problems;
    }

    static List<FieldProblem> problems(String field, List<HeaderRuleCommand> rules) {
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            String prefix = field + "[" + i + "]";
            HeaderRuleCommand rule = rules.get(i);
            if (rule == null) {
                problems.add(new FieldProblem(prefix, prefix + " is empty: give action, name and value"));
                continue;
            }
            HeaderRule.Action action = action(rule.action());
            if (action == null) {
                problems.add(new FieldProblem(prefix + ".action", prefix + ".action '" + rule.action()
                        + "' must be set, add or remove"));
                continue;
            }
            String name = rule.name() == null ? null : rule.name().trim();
            String nameProblem = name != null && name.length() > MAX_NAME_LENGTH
                    ? "header name is " + name.length() + " characters long; at most " + MAX_NAME_LENGTH + " are allowed"
                    : HeaderRule.remove(name).problem();
            if (nameProblem != null) {
                problems.add(new FieldProblem(prefix + ".name", prefix + ".name: " + nameProblem));
                continue;
            }
            if (action != HeaderRule.Action.REMOVE) {
                String valueProblem = rule.value() != null && rule.value().length() > MAX_VALUE_LENGTH
                        ? "the value is " + rule.value().length() + " characters long; at most " + MAX_VALUE_LENGTH
                                + " are allowed"
                        : new HeaderRule(action, name, rule.value()).problem();
                if (valueProblem != null) {
                    problems.add(new FieldProblem(prefix + ".value", prefix + ".value: " + valueProblem));
                }
            }
        }
        return problems;
    }

    /**
     * The stored form of a command {@link #problems} and {@link TrustedProxyValidator#problems} found
     * nothing wrong with.
     */
    public static SiteHeaders toStored(HeadersCommand command) {
        return new SiteHeaders(command.passHost(), toStored(command.request()), toStored(command.response()),
                TrustedProxyValidator.toStored(command.trustedProxies()), command.forwardedHeader());
    }

    private static List<SiteHeaders.Rule> toStored(List<HeaderRuleCommand> rules) {
        return rules.stream().map(rule -> new SiteHeaders.Rule(rule.action().trim(), rule.name().trim(),
                rule.value())).toList();
    }

    private static HeaderRule.Action action(String text) {
        if (text == null) {
            return null;
        }
        try {
            return HeaderRule.Action.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
