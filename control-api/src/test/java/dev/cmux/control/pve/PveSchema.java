package dev.cmux.control.pve;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PVE's API schema as excerpted in {@code pve/pve-api-schema-excerpt.txt} (from {@code apidata.js}): the emulator
 * checks every request against it the way {@code PVE::JSONSchema::validate} does, so a client that sends a parameter
 * PVE does not know, a boolean as {@code true}, or a missing required field fails here as it would on a real node.
 */
public final class PveSchema {

    private static final Pattern DIFF_84 = Pattern.compile("^  DIFF vs 8\\.4: added=\\[(.*)] removed=.*$");
    private static final Pattern ENDPOINT = Pattern.compile("^(GET|POST|PUT|DELETE) (\\S+)\\s+perm=.*$");
    private static final Pattern PARAM = Pattern.compile("^    ([\\w-]+): (\\w+)\\s*(.*)$");
    private static final Pattern ATTRIBUTE = Pattern.compile(
            "\\b(format|minimum|maximum|default|optional|enum|maxLength|minLength|pattern|requires|items)=");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NODE = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?");
    private static final Pattern VMID = Pattern.compile("[1-9][0-9]{2,8}");
    private static final Pattern DNS_NAME = Pattern.compile(
            "([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)(\\.[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)*");
    private static final Pattern TAG = Pattern.compile("[a-z0-9_][a-z0-9_\\-+.]*", Pattern.CASE_INSENSITIVE);
    /** pve-common {@code JSONSchema.pm} {@code $CONFIGID_RE}: also the rule for snapshot names. */
    private static final Pattern CONFIG_ID = Pattern.compile("[a-z][a-z0-9_-]+", Pattern.CASE_INSENSITIVE);

    /** One parameter: {@code name: type attributes}. */
    record Param(String name, String type, Map<String, String> attributes) {
        boolean optional() {
            return "1".equals(attributes.get("optional"));
        }
    }

    /**
     * One method on one path template, e.g. {@code POST /nodes/{node}/lxc/{vmid}/clone}; {@code addedSince84}: the
     * parameters the excerpt's {@code DIFF vs 8.4} line says PVE 8.4 did not know yet.
     */
    record Endpoint(String method, String template, Map<String, Param> params, Set<String> addedSince84) {
        Optional<Map<String, String>> match(String method, String path) {
            if (!this.method.equals(method)) {
                return Optional.empty();
            }
            String[] want = template.substring(1).split("/");
            String[] have = path.substring(1).split("/", -1);
            if (want.length != have.length) {
                return Optional.empty();
            }
            Map<String, String> vars = new LinkedHashMap<>();
            for (int i = 0; i < want.length; i++) {
                if (want[i].startsWith("{")) {
                    if (have[i].isEmpty()) {
                        return Optional.empty();
                    }
                    vars.put(want[i].substring(1, want[i].length() - 1), have[i]);
                } else if (!want[i].equals(have[i])) {
                    return Optional.empty();
                }
            }
            return Optional.of(vars);
        }
    }

    private final List<Endpoint> endpoints;

    private PveSchema(List<Endpoint> endpoints) {
        this.endpoints = endpoints;
    }

    /**
     * The LXC excerpt, then the QEMU/cluster one ({@code pve-api-schema-qemu-cluster.txt}); an endpoint in both is
     * taken from the first.
     */
    public static PveSchema load() {
        List<String> lines = new ArrayList<>();
        for (String file : List.of("/pve/pve-api-schema-excerpt.txt", "/pve/pve-api-schema-qemu-cluster.txt")) {
            try (InputStream in = PveSchema.class.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException(file + " is missing from the test resources");
                }
                lines.addAll(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return parse(lines);
    }

    static PveSchema parse(List<String> lines) {
        List<Endpoint> endpoints = new ArrayList<>();
        Endpoint current = null;
        for (String line : lines) {
            Matcher e = ENDPOINT.matcher(line);
            if (e.matches()) {
                current = new Endpoint(e.group(1), e.group(2), new LinkedHashMap<>(), new TreeSet<>());
                endpoints.add(current);
                continue;
            }
            Matcher d = DIFF_84.matcher(line);
            if (current != null && d.matches() && !d.group(1).isBlank()) {
                current.addedSince84().addAll(Arrays.asList(d.group(1).replaceAll("[' ]", "").split(",")));
                continue;
            }
            Matcher p = PARAM.matcher(line);
            if (current != null && p.matches()) {
                current.params().put(p.group(1), new Param(p.group(1), p.group(2), attributes(p.group(3))));
            }
        }
        return new PveSchema(List.copyOf(endpoints));
    }

    private static Map<String, String> attributes(String line) {
        Map<String, String> attributes = new LinkedHashMap<>();
        // the QEMU excerpt ends a property-string parameter with its syntax, whose words are not attributes
        int syntax = line.indexOf(" typetext=");
        String text = syntax < 0 ? line : line.substring(0, syntax);
        Matcher m = ATTRIBUTE.matcher(text);
        String key = null;
        int valueStart = 0;
        while (m.find()) {
            if (key != null) {
                attributes.put(key, text.substring(valueStart, m.start()).trim());
            }
            key = m.group(1);
            valueStart = m.end();
        }
        if (key != null) {
            attributes.put(key, text.substring(valueStart).trim());
        }
        return attributes;
    }

    public Optional<Endpoint> find(String method, String path) {
        return endpoints.stream().filter(e -> e.match(method, path).isPresent()).findFirst();
    }

    /**
     * The per-field errors PVE would answer with 400 {@code Parameter verification failed.}; empty when valid.
     * {@code params} holds path variables, query and body merged, as PVE merges them; {@code unknown}: parameters of
     * the excerpt the emulated release does not know.
     */
    public Map<String, String> validate(Endpoint endpoint, Map<String, String> params, Set<String> unknown) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (Map.Entry<String, String> given : params.entrySet()) {
            Param param = unknown.contains(given.getKey()) ? null : endpoint.params().get(given.getKey());
            if (param == null) {
                errors.put(given.getKey(),
                        "property is not defined in schema and the schema does not allow additional properties");
                continue;
            }
            String problem = check(param, given.getValue());
            if (problem != null) {
                errors.put(param.name(), problem);
            }
        }
        for (Param param : endpoint.params().values()) {
            if (!param.optional() && !params.containsKey(param.name())) {
                errors.put(param.name(), "property is missing and it is not optional");
            }
        }
        return errors;
    }

    private static String check(Param param, String value) {
        Map<String, String> a = param.attributes();
        switch (param.type()) {
            case "integer" -> {
                if (!INTEGER.matcher(value).matches()) {
                    return "type check ('integer') failed - got '" + value + "'";
                }
                return range(a, Long.parseLong(value));
            }
            case "number" -> {
                if (!NUMBER.matcher(value).matches()) {
                    return "type check ('number') failed - got '" + value + "'";
                }
                return range(a, Double.parseDouble(value));
            }
            case "boolean" -> {
                if (!value.equals("0") && !value.equals("1")) {
                    return "type check ('boolean') failed - got '" + value + "'";
                }
                return null;
            }
            default -> {
                return string(a, value);
            }
        }
    }

    private static String range(Map<String, String> a, double value) {
        if (a.containsKey("minimum") && value < Double.parseDouble(a.get("minimum"))) {
            return "value must have a minimum value of " + a.get("minimum");
        }
        if (a.containsKey("maximum") && value > Double.parseDouble(a.get("maximum"))) {
            return "value must have a maximum value of " + a.get("maximum");
        }
        if ("pve-vmid".equals(a.get("format")) && !VMID.matcher(String.valueOf((long) value)).matches()) {
            return "value does not match the regex pattern";
        }
        return null;
    }

    /**
     * A pattern of the excerpt as Java reads it: Perl's {@code (?^:…)} is a plain group, {@code \0} is NUL. PVE
     * anchors every pattern ({@code JSONSchema.pm}: {@code $value =~ m/^$pattern$/}), as {@code matches} does.
     */
    private static Pattern perlPattern(String perl) {
        return Pattern.compile(perl.replace("(?^:", "(?:").replace("\\0", "\\x00"));
    }

    private static String string(Map<String, String> a, String value) {
        if (a.containsKey("maxLength") && value.length() > Integer.parseInt(a.get("maxLength"))) {
            return "value may only be " + a.get("maxLength") + " characters long";
        }
        if (a.containsKey("enum")) {
            List<String> allowed = Arrays.stream(a.get("enum").replaceAll("[\\[\\]' ]", "").split(",")).toList();
            if (!allowed.contains(value)) {
                return "value '" + value + "' does not have a value in the enumeration '"
                        + String.join(", ", allowed) + "'";
            }
        }
        if (a.containsKey("pattern") && !perlPattern(a.get("pattern")).matcher(value).matches()) {
            return "value does not match the regex pattern";
        }
        String format = a.getOrDefault("format", "");
        boolean ok = switch (format) {
            case "pve-node" -> NODE.matcher(value).matches();
            case "dns-name" -> DNS_NAME.matcher(value).matches();
            case "pve-configid" -> CONFIG_ID.matcher(value).matches();
            case "pve-tag-list" -> Arrays.stream(value.split("[;, ]+")).allMatch(t -> TAG.matcher(t).matches());
            default -> true;
        };
        if (!ok) {
            return format.equals("dns-name") ? "invalid format - value does not look like a valid DNS name\n"
                    : "invalid format - value does not match format " + format + "\n";
        }
        return null;
    }
}
