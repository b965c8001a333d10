package dev.gatehouse.admin.settings;

import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.config.ConfigPublisher;
import dev.gatehouse.admin.config.ConfigPublisher.Change;
import dev.gatehouse.admin.site.RedirectValidator;
import dev.gatehouse.storage.settings.DefaultSite;
import dev.gatehouse.storage.settings.DefaultSiteRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The default site: read it, and change it like any site change, validated, stored and made live in one
 * step ({@link ConfigPublisher}, which puts it into the snapshot). JDBC runs on bounded-elastic threads.
 */
@Service
public class DefaultSiteService {

    private final DefaultSiteRepository defaultSites;
    private final ConfigPublisher publisher;

    public DefaultSiteService(DefaultSiteRepository defaultSites, ConfigPublisher publisher) {
        this.defaultSites = defaultSites;
        this.publisher = publisher;
    }

    public Mono<DefaultSite> get() {
        return Blocking.mono(defaultSites::get);
    }

    /** @throws ValidationException (as the Mono's error) naming {@code action}, {@code redirect.target} ... */
    public Mono<DefaultSite> update(DefaultSiteCommand command, String actor) {
        return publisher.publish(actor, () -> {
            DefaultSite saved = defaultSites.save(validate(command));
            return new Change<>(saved, "set the default site to " + describe(saved));
        });
    }

    /** The stored form, or every problem at once. */
    static DefaultSite validate(DefaultSiteCommand command) {
        String action = command.action() == null || command.action().isBlank() ? DefaultSite.NOT_FOUND
                : command.action().trim().toLowerCase(Locale.ROOT);
        List<FieldProblem> problems = new ArrayList<>();
        if (!DefaultSite.ACTIONS.contains(action)) {
            problems.add(new FieldProblem("action", "action '" + command.action()
                    + "' must be not-found, redirect or close"));
        } else if (DefaultSite.REDIRECT.equals(action)) {
            if (command.redirect() == null) {
                problems.add(new FieldProblem("redirect.target", "action redirect needs a redirect with its target"));
            } else {
                problems.addAll(RedirectValidator.problems("redirect", command.redirect()));
            }
        } else if (command.redirect() != null) {
            problems.add(new FieldProblem("redirect", "a redirect only applies with action redirect, not " + action));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new DefaultSite(action, DefaultSite.REDIRECT.equals(action)
                ? RedirectValidator.toStored(command.redirect()) : null);
    }

    /** For the revision history and the flash message: "the 404 page", "a redirect to ...", "closing the connection". */
    public static String describe(DefaultSite defaultSite) {
        return switch (defaultSite.action()) {
            case DefaultSite.REDIRECT -> "a redirect to " + defaultSite.redirect().target() + " ("
                    + defaultSite.redirect().status() + ")";
            case DefaultSite.CLOSE -> "closing the connection";
            default -> "the 404 page";
        };
    }
}
