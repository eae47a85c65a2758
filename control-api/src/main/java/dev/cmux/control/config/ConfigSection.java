package dev.cmux.control.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the config file, read key by key, with the environment variables that override its keys. Every
 * problem is recorded with its full key path ({@code timeouts.connect: …}, or {@code environment PVE_API_URL: …})
 * and reading goes on, so one run reports all of them. A value from the environment goes through the same parser
 * as one from the file. Unknown keys are problems too: a misspelt key silently ignored is a setting the operator
 * thinks they have. A mapping that is absent reads as empty, so every section takes its defaults and environment
 * overrides the same way whether the file mentions it or not.
 */
public final class ConfigSection {

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String path;
    private final JsonNode node;
    private final Map<String, String> env;
    private final List<String> problems;

    private ConfigSection(String path, JsonNode node, Map<String, String> env, List<String> problems) {
        this.path = path;
        this.node = node;
        this.env = env;
        this.problems = problems;
    }

    /** The whole file; problems found while reading it are added to {@code problems}. */
    public static ConfigSection root(JsonNode node, Map<String, String> env, List<String> problems) {
        return new ConfigSection("", node, env, problems);
    }

    /** Records a problem for each key not in {@code known}. */
    public void allowOnly(String... known) {
        Set<String> allowed = new TreeSet<>(Arrays.asList(known));
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                problems.add(key(name) + ": unknown key (known here: " + String.join(", ", allowed) + ")");
            }
        }
    }

    public boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    /** The nested mapping {@code name}; empty when absent or not a mapping (recorded). */
    public ConfigSection section(String name) {
        JsonNode v = child(name, JsonNode::isObject, "expected a mapping of keys");
        return new ConfigSection(key(name), v != null ? v : JsonNodeFactory.instance.objectNode(), env, problems);
    }

    /** A scalar with {@code ${ENV}} references filled in; an unset variable makes the value absent. */
    public String string(String name) {
        JsonNode v = child(name, JsonNode::isValueNode, "expected a single value");
        return v == null ? null : substitute(v.asText());
    }

    /** The variable {@code envName} when set, else the scalar {@code name}; for secrets and names. */
    public String string(String name, String envName) {
        return env(envName, Function.identity(), string(name));
    }

    /** {@code parse(string(name))}, or {@code fallback} when absent or invalid (recorded). */
    public <T> T value(String name, Function<String, T> parse, T fallback) {
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

    /** The key {@code name}, overridden by the variable {@code envName} when that is set: both parsed alike. */
    public <T> T value(String name, String envName, Function<String, T> parse, T fallback) {
        return env(envName, parse, value(name, parse, fallback));
    }

    /** {@code parse} of the variable {@code name}, or {@code fallback} when it is unset, empty or invalid (recorded). */
    public <T> T env(String name, Function<String, T> parse, T fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return parse.apply(v.trim());
        } catch (IllegalArgumentException e) {
            problems.add("environment " + name + ": " + e.getMessage());
            return fallback;
        }
    }

    /** The variable as set, even empty; {@code null} when unset. For the rare value where empty means something. */
    public String rawEnv(String name) {
        return env.get(name);
    }

    public <T> List<T> list(String name, Function<String, T> parse, List<T> fallback) {
        JsonNode v = child(name, JsonNode::isArray, "expected a list, e.g. [a, b]");
        if (v == null) {
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

    /**
     * A mapping of names to parsed scalars, e.g. {@code static: {"200": 10.10.0.200}}, in file order; an entry whose
     * name or value does not parse is recorded under {@code name.key} and left out.
     */
    public <K, V> Map<K, V> map(String name, Function<String, K> parseKey, Function<String, V> parseValue) {
        Map<K, V> out = new LinkedHashMap<>();
        ConfigSection s = section(name);
        for (Iterator<String> names = s.node.fieldNames(); names.hasNext(); ) {
            String k = names.next();
            String v = s.string(k);
            if (v == null) {
                continue;
            }
            try {
                out.put(parseKey.apply(k), parseValue.apply(v));
            } catch (IllegalArgumentException e) {
                s.problem(k, e.getMessage());
            }
        }
        return out;
    }

    /** A list of mappings, e.g. {@code certificates: [{certFile: a, keyFile: b}]}; each item is {@code name[i]}. */
    public List<ConfigSection> sectionList(String name) {
        JsonNode v = child(name, JsonNode::isArray, "expected a list of mappings");
        List<ConfigSection> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i).isObject()) {
                out.add(new ConfigSection(key(name) + "[" + i + "]", v.get(i), env, problems));
            } else {
                problems.add(key(name) + "[" + i + "]: expected a mapping of keys");
            }
        }
        return out;
    }

    /** The nested mappings of {@code name} by their key, e.g. {@code hosts: {pve.example.com: {...}}}. */
    public Map<String, ConfigSection> sections(String name) {
        Map<String, ConfigSection> out = new LinkedHashMap<>();
        ConfigSection s = section(name);
        for (Iterator<String> names = s.node.fieldNames(); names.hasNext(); ) {
            String k = names.next();
            JsonNode child = s.node.get(k);
            if (child.isObject()) {
                out.put(k, s.section(k));
            } else if (!child.isNull()) {
                s.problem(k, "expected a mapping of keys");
            }
        }
        return out;
    }

    /** A problem with the key {@code name} of this section. */
    public void problem(String name, String sentence) {
        problems.add(key(name) + ": " + sentence);
    }

    /** A problem with this section as a whole. */
    public void problem(String sentence) {
        problems.add(path + ": " + sentence);
    }

    /** The value of {@code name}: null when absent, or when not of the expected kind (recorded). */
    private JsonNode child(String name, Predicate<JsonNode> expectedKind, String expected) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!expectedKind.test(v)) {
            problems.add(key(name) + ": " + expected);
            return null;
        }
        return v;
    }

    private String key(String name) {
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
