package dev.gatehouse.admin.common;

import java.util.List;

/**
 * A command was rejected before anything was stored: the API answers 400 with one entry per problem,
 * the dashboard shows each message next to its field.
 */
public class ValidationException extends RuntimeException {

    private final List<FieldProblem> problems;

    public ValidationException(List<FieldProblem> problems) {
        super(describe(problems));
        if (problems == null || problems.isEmpty()) {
            throw new IllegalArgumentException("a ValidationException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public ValidationException(String field, String message) {
        this(List.of(new FieldProblem(field, message)));
    }

    public List<FieldProblem> problems() {
        return problems;
    }

    /** The first problem's message, followed by how many more there are: fits a one-line summary. */
    private static String describe(List<FieldProblem> problems) {
        if (problems == null || problems.isEmpty()) {
            return "invalid input";
        }
        String first = problems.get(0).message();
        return problems.size() == 1 ? first : first + " (and " + (problems.size() - 1) + " more problem(s))";
    }
}
