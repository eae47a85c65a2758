package dev.cmux.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the YAML file, read key by key. Every problem is recorded with its full key path
 * ({@code timeouts.connect: …}) and reading goes on, so one run reports all of them. Unknown keys are problems
 * too: a misspelt key silently ignored is a setting the operator thinks they have.
 */
final class Section {

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String path;
    private final JsonNode node;
    private final Map<String, String> env;
    private final List<String> problems;

    Section(String path, JsonNode node, Map<String, String> env, List<String> problems) {
        this.path = path;
        this.node = node;
        this.env = env;
        this.problems = problems;
    }

    /** Records a problem for each key not in {@code known}. */
    void allowOnly(Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(key(name) + ": unknown key (known here: " + String.join(", ", known.stream().sorted()
                        .toList()) + ")");
            }
        }
    }

    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    /** The nested mapping {@code name}, or {@code null} when absent or not a mapping (recorded). */
    Section section(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            problems.add(key(name) + ": expected a mapping of keys");
            return null;
        }
        return new Section(key(name), v, env, problems);
    }

    /** A scalar with {@code ${ENV}} references filled in; an unset variable makes the value absent. */
    String string(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            problems.add(key(name) + ": expected a single value");
            return null;
        }
        return substitute(v.asText());
    }

    /** {@code parse(string(name))}, or {@code fallback} when absent or invalid (recorded). */
    <T> T value(String name, Function<String, T> parse, T fallback) {
        String s = string(name);
        if (s == null) {
            return fallback;
        }
        try {
            return parse.apply(s);
        } catch (IllegalArgumentException e) {
            problems.add(key(name) + ": " + e.getMessage());
            return fallback;
        }
    }

    <T> List<T> list(String name, Function<String, T> parse, List<T> fallback) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isArray()) {
            problems.add(key(name) + ": expected a list, e.g. [a, b]");
            return fallback;
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            try {
                if (!item.isValueNode()) {
                    throw new IllegalArgumentException("expected a single value");
                }
                out.add(parse.apply(substitute(item.asText())));
            } catch (IllegalArgumentException e) {
                problems.add(key(name) + "[" + i + "]: " + e.getMessage());
            }
        }
        return out;
    }

    /** A mapping of names to scalars, e.g. {@code static: {"200": 10.10.0.200}}, in file order. */
    Map<String, String> scalarMap(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        Section s = section(name);
        if (s == null) {
            return out;
        }
        for (Iterator<String> names = s.node.fieldNames(); names.hasNext(); ) {
            String k = names.next();
            String v = s.string(k);
            if (v != null) {
                out.put(k, v);
            }
        }
        return out;
    }

    /** A list of mappings, e.g. {@code certificates: [{certFile: a, keyFile: b}]}; each item is {@code name[i]}. */
    List<Section> sectionList(String name) {
        JsonNode v = node.get(name);
        List<Section> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            problems.add(key(name) + ": expected a list of mappings");
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i).isObject()) {
                out.add(new Section(key(name) + "[" + i + "]", v.get(i), env, problems));
            } else {
                problems.add(key(name) + "[" + i + "]: expected a mapping of keys");
            }
        }
        return out;
    }

    /** The nested mappings of {@code name}, e.g. {@code hosts: {pve.example.com: {...}}}. */
    Map<String, Section> sections(String name) {
        Map<String, Section> out = new LinkedHashMap<>();
        Section s = section(name);
        if (s == null) {
            return out;
        }
        for (Iterator<String> names = s.node.fieldNames(); names.hasNext(); ) {
            String k = names.next();
            Section child = s.section(k);
            if (child != null) {
                out.put(k, child);
            }
        }
        return out;
    }

    void problem(String name, String sentence) {
        problems.add(key(name) + ": " + sentence);
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private String substitute(String text) {
        Matcher m = ENV_REF.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        m.reset();
        while (m.find()) {
            String value = env.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        String s = out.toString();
        return s.isEmpty() ? null : s;
    }
}
