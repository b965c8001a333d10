package dev.gatehouse.admin.backend;

import dev.gatehouse.admin.common.FieldProblem;
import dev.gatehouse.admin.common.ValidationException;
import dev.gatehouse.engine.config.ServerDefinition;
import dev.gatehouse.storage.backend.BackendRepository;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a {@link BackendCommand} field by field and normalizes it: the name trimmed, each server
 * parsed by the engine's own {@link ServerDefinition#parse} (so the dashboard accepts exactly what
 * the engine accepts) and written back in its canonical {@code host:port} form.
 */
public final class BackendValidator {

    /** Longest backend name. */
    public static final int MAX_NAME_LENGTH = 64;

    /** Longest {@code host:port} entry: a 253-character DNS name plus port, with room to spare. */
    public static final int MAX_SERVER_LENGTH = BackendRepository.MAX_SERVER_LENGTH;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private BackendValidator() {
    }

    /**
     * @return the command with a trimmed name and canonical server addresses
     * @throws ValidationException listing every problem found, in field order
     */
    public static BackendCommand normalize(BackendCommand command) {
        List<FieldProblem> problems = new ArrayList<>();
        String name = checkName(command.name(), problems);
        List<String> servers = checkServers(command.servers(), problems);
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new BackendCommand(name, servers);
    }

    /** Every problem with {@code command}; empty when it is valid. */
    public static List<FieldProblem> problems(BackendCommand command) {
        try {
            normalize(command);
            return List.of();
        } catch (ValidationException e) {
            return e.problems();
        }
    }

    private static String checkName(String raw, List<FieldProblem> problems) {
        String name = raw == null ? "" : raw.trim();
        if (name.isEmpty()) {
            problems.add(new FieldProblem("name", "name is required, e.g. app"));
        } else if (name.length() > MAX_NAME_LENGTH) {
            problems.add(new FieldProblem("name", "name must be at most " + MAX_NAME_LENGTH
                    + " characters, was " + name.length()));
        } else if (!NAME.matcher(name).matches()) {
            problems.add(new FieldProblem("name", "name '" + name
                    + "' may only contain letters, digits, '.', '_' and '-'"));
        }
        return name;
    }

    private static List<String> checkServers(List<String> raw, List<FieldProblem> problems) {
        if (raw.isEmpty()) {
            problems.add(new FieldProblem("servers",
                    "at least one server is required, as host:port, e.g. 127.0.0.1:8080"));
            return List.of();
        }
        List<String> servers = new ArrayList<>(raw.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String field = "servers[" + i + "]";
            String entry = raw.get(i);
            if (entry != null && entry.strip().length() > MAX_SERVER_LENGTH) {
                problems.add(new FieldProblem(field, field + " is " + entry.strip().length()
                        + " characters long; at most " + MAX_SERVER_LENGTH + " are allowed"));
                continue;
            }
            try {
                String address = ServerDefinition.parse(entry).address();
                if (!seen.add(address.toLowerCase())) {
                    problems.add(new FieldProblem(field, field + " '" + address + "' is listed twice"));
                }
                servers.add(address);
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem(field, nameField(field, e.getMessage())));
            }
        }
        return servers;
    }

    /** The engine's messages start with "address ..."; the form's field is servers[i]. */
    private static String nameField(String field, String engineMessage) {
        return engineMessage.startsWith("address ")
                ? field + " " + engineMessage.substring("address ".length())
                : field + ": " + engineMessage;
    }
}
