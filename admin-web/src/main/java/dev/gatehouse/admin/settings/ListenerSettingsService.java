package dev.gatehouse.admin.settings;

import dev.gatehouse.admin.common.Blocking;
import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.admin.config.ConfigPublisher;
import dev.gatehouse.admin.config.ConfigPublisher.Change;
import dev.gatehouse.engine.config.HeaderPolicy;
import dev.gatehouse.storage.settings.ListenerSettings;
import dev.gatehouse.storage.settings.ListenerSettingsRepository;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The listener settings: read them, and change them like any configuration change, validated, stored and
 * made live in one step ({@link ConfigPublisher}, which puts them into the snapshot as its listener
 * policy). JDBC runs on bounded-elastic threads.
 *
 * <p>Entries are checked with the engine's own {@link HeaderPolicy#trustedProxyProblem}, so nothing is
 * stored that the engine would refuse; each problem names the entry as the API does
 * ({@code proxyProtocolFrom[1]}). At most {@value #MAX_ENTRIES}: a handful of balancers or one CIDR block
 * per provider is what real setups have, and every accepted connection is checked against them.
 */
@Service
public class ListenerSettingsService {

    public static final String FIELD = "proxyProtocolFrom";
    public static final int MAX_ENTRIES = 100;

    private final ListenerSettingsRepository settings;
    private final ConfigPublisher publisher;

    public ListenerSettingsService(ListenerSettingsRepository settings, ConfigPublisher publisher) {
        this.settings = settings;
        this.publisher = publisher;
    }

    public Mono<ListenerSettings> get() {
        return Blocking.mono(settings::get);
    }

    /** @throws ValidationException (as the Mono's error) naming {@code proxyProtocolFrom[i]} */
    public Mono<ListenerSettings> update(ListenerCommand command, String actor) {
        return publisher.publish(actor, () -> {
            ListenerSettings saved = settings.save(validate(command));
            return new Change<>(saved, "set the listeners to " + describe(saved));
        });
    }

    /** The stored form, or every problem at once. */
    static ListenerSettings validate(ListenerCommand command) {
        List<String> entries = command.proxyProtocolFrom();
        if (entries.size() > MAX_ENTRIES) {
            throw new ValidationException(FIELD, FIELD + " has " + entries.size() + " entries; at most " + MAX_ENTRIES
                    + " are allowed (use CIDR blocks such as 10.0.0.0/8 to cover many addresses)");
        }
        List<FieldProblem> problems = new ArrayList<>();
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String field = FIELD + "[" + i + "]";
            String entry = entries.get(i) == null ? null : entries.get(i).trim();
            String problem = entry != null && entry.length() > ListenerSettings.MAX_ADDRESS_LENGTH
                    ? "address '" + entry.substring(0, 60) + "…' is " + entry.length() + " characters long; at most "
                            + ListenerSettings.MAX_ADDRESS_LENGTH + " are allowed"
                    : addressProblem(entry);
            if (problem != null) {
                problems.add(new FieldProblem(field, field + ": " + problem));
            } else {
                valid.add(entry);
            }
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new ListenerSettings(valid);
    }

    private static String addressProblem(String entry) {
        String problem = HeaderPolicy.trustedProxyProblem(entry);
        return problem == null ? null : problem.replace("a trusted proxy entry is empty", "an entry is empty")
                .replace("trusted proxy", "address");
    }

    /** For the revision history and the flash message. */
    public static String describe(ListenerSettings listeners) {
        return listeners.proxyProtocolFrom().isEmpty() ? "believe no PROXY protocol header"
                : "believe PROXY protocol headers from " + String.join(", ", listeners.proxyProtocolFrom());
    }
}
