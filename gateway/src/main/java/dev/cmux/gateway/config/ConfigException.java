package dev.cmux.gateway.config;

import java.util.List;

/** A config that cannot be used: every problem found, each one sentence naming its key. */
public final class ConfigException extends Exception {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("; ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    /** One line per problem, as printed by {@code run} and {@code validate}: {@code cmux-gateway: FILE: problem}. */
    public List<String> lines(String source) {
        return problems.stream().map(p -> "cmux-gateway: " + source + ": " + p).toList();
    }
}
