package dev.gatehouse.admin.site;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.site.SiteCommand.RedirectCommand;
import dev.gatehouse.engine.config.RedirectDefinition;
import dev.gatehouse.storage.site.SiteRedirect;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a {@link RedirectCommand} with the engine's own rules ({@link RedirectDefinition#targetProblem()},
 * {@link RedirectDefinition#STATUSES}), so the admin app never stores a redirect the engine would refuse.
 * Problems name the field as the API does: {@code redirect.target}, {@code redirect.status}.
 */
public final class RedirectValidator {

    /** The longest target the schema holds. */
    public static final int MAX_TARGET_LENGTH = 2048;
    public static final int DEFAULT_STATUS = 301;

    private RedirectValidator() {
    }

    /** @param prefix the field the redirect sits in, e.g. {@code redirect} */
    /** A status as typed in a form: null when blank (the default applies). */
    public static Integer parseStatus(String text) {
        String trimmed = text == null ? "" : text.trim();
        return trimmed.isEmpty() ? null : Integer.valueOf(trimmed);
    }

    /** Why a status typed in a form is not a number, or null; the range is checked with the rest. */
    public static String statusTextProblem(String text) {
        try {
            parseStatus(text);
            return null;
        } catch (NumberFormatException e) {
            return "redirect status '" + text + "' must be 301, 302, 307 or 308";
        }
    }

    public static List<FieldProblem> problems(String prefix, RedirectCommand command) {
        List<FieldProblem> problems = new ArrayList<>();
        String target = command.target() == null ? null : command.target().trim();
        if (target != null && target.length() > MAX_TARGET_LENGTH) {
            problems.add(new FieldProblem(prefix + ".target", prefix + ".target is " + target.length()
                    + " characters long; at most " + MAX_TARGET_LENGTH + " are allowed"));
        } else {
            String problem = new RedirectDefinition(target, DEFAULT_STATUS, true).targetProblem();
            if (problem != null) {
                problems.add(new FieldProblem(prefix + ".target", prefix + ".target: " + problem));
            }
        }
        if (command.status() != null && !RedirectDefinition.STATUSES.contains(command.status())) {
            problems.add(new FieldProblem(prefix + ".status", prefix + ".status " + command.status()
                    + " is not a redirect status: use 301 (permanent), 302 (temporary), 307 or 308"));
        }
        return problems;
    }

    /** The stored form of a command {@link #problems} found nothing wrong with, defaults filled in. */
    public static SiteRedirect toStored(RedirectCommand command) {
        return new SiteRedirect(command.target().trim(), command.status() == null ? DEFAULT_STATUS : command.status(),
                command.keepPath() == null || command.keepPath());
    }
}
