package dev.bulwark.shared;

import java.util.List;

/** Input that breaks a rule: answered as 400 with field errors, and nothing is written. */
public class InvalidInputException extends RuntimeException {

    /** One broken rule, named by the JSON field it concerns. */
    public record FieldProblem(String field, String message) {
    }

    private final transient List<FieldProblem> problems;

    public InvalidInputException(List<FieldProblem> problems) {
        super("invalid input");
        this.problems = List.copyOf(problems);
    }

    public InvalidInputException(String field, String message) {
        this(List.of(new FieldProblem(field, message)));
    }

    public List<FieldProblem> problems() {
        return problems;
    }
}
