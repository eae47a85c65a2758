package dev.cmux.control.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates request values against the OpenAPI 3.0 schemas of the Cloudflare subset, strictly:
 * properties no schema declares are violations (typos must not pass), read-only properties may not
 * be sent, and a keyword this class does not implement stops the test instead of being ignored.
 */
final class SchemaValidator {

    private static final Set<String> KEYWORDS = Set.of("$ref", "allOf", "anyOf", "oneOf", "type", "enum",
            "required", "properties", "items", "maxLength", "minLength", "minimum", "maximum", "pattern",
            "format", "nullable", "readOnly", "uniqueItems", "default", "deprecated", "description", "example",
            "examples", "title");
    /**
     * The 2024 spec reuses the response schema {@code dns-records_dns-record} for create/update bodies,
     * which lists {@code id} as required; the API assigns ids, so requests are exempt.
     */
    private static final Set<String> REQUIRED_ONLY_IN_RESPONSES = Set.of("id");
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private final JsonNode root;

    SchemaValidator(JsonNode root) {
        this.root = root;
    }

    /** Violations of {@code value} against {@code schema} as a request value; empty when valid. */
    List<String> validate(JsonNode schema, JsonNode value, String at) {
        List<String> out = new ArrayList<>();
        check(schema, value, at, out, true);
        return out;
    }

    JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        for (int hops = 0; current.has("$ref"); hops++) {
            if (hops > 20) {
                throw new IllegalStateException("$ref cycle at " + schema);
            }
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalStateException("only local $refs are supported: " + ref);
            }
            JsonNode target = root.at(ref.substring(1));
            if (target.isMissingNode()) {
                throw new IllegalStateException("dangling $ref " + ref);
            }
            current = target;
        }
        return current;
    }

    private void check(JsonNode rawSchema, JsonNode value, String at, List<String> out, boolean checkUnknown) {
        JsonNode schema = resolve(rawSchema);
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String keyword = it.next();
            if (!KEYWORDS.contains(keyword) && !keyword.startsWith("x-")) {
                throw new IllegalStateException("the OpenAPI subset uses '" + keyword + "', which this validator "
                        + "does not implement; implement it rather than ignore it");
            }
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false) && schema.has("type")) {
                out.add(at + ": null is not allowed");
            }
            return;
        }
        for (JsonNode branch : schema.path("allOf")) {
            check(branch, value, at, out, false);
        }
        if (schema.has("anyOf") && count(schema.get("anyOf"), value, at) == 0) {
            out.add(at + ": matches none of anyOf " + titles(schema.get("anyOf")));
        }
        if (schema.has("oneOf")) {
            int matches = count(schema.get("oneOf"), value, at);
            if (matches != 1) {
                out.add(at + ": matches " + matches + " of oneOf " + titles(schema.get("oneOf")) + ", needs exactly 1");
            }
        }
        if (schema.has("type") && !hasType(schema.get("type").asText(), value)) {
            out.add(at + ": expected " + schema.get("type").asText() + ", got " + value.getNodeType() + " " + value);
            return;
        }
        if (schema.has("enum") && !inEnum(schema.get("enum"), value)) {
            out.add(at + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (value.isTextual()) {
            checkString(schema, value.asText(), at, out);
        }
        if (value.isNumber()) {
            if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
                out.add(at + ": " + value + " is below the minimum " + schema.get("minimum"));
            }
            if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
                out.add(at + ": " + value + " is above the maximum " + schema.get("maximum"));
            }
        }
        if (value.isArray()) {
            Set<JsonNode> seen = new HashSet<>();
            for (int i = 0; i < value.size(); i++) {
                if (schema.has("items")) {
                    check(schema.get("items"), value.get(i), at + "[" + i + "]", out, true);
                }
                if (schema.path("uniqueItems").asBoolean(false) && !seen.add(value.get(i))) {
                    out.add(at + ": duplicate item " + value.get(i));
                }
            }
        }
        if (value.isObject()) {
            checkObject(schema, value, at, out, checkUnknown);
        }
    }

    private void checkObject(JsonNode schema, JsonNode value, String at, List<String> out, boolean checkUnknown) {
        for (JsonNode required : schema.path("required")) {
            String name = required.asText();
            JsonNode property = declared(schema, name);
            boolean readOnly = property != null && resolve(property).path("readOnly").asBoolean(false);
            if (!value.has(name) && !readOnly && !REQUIRED_ONLY_IN_RESPONSES.contains(name)) {
                out.add(at + ": required property '" + name + "' is missing");
            }
        }
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            String path = at + "." + field.getKey();
            JsonNode own = schema.path("properties").get(field.getKey());
            if (own != null) {
                if (resolve(own).path("readOnly").asBoolean(false)) {
                    out.add(path + ": is read-only and must not be sent");
                }
                check(own, field.getValue(), path, out, true);
            } else if (checkUnknown && declaresProperties(schema) && declared(schema, field.getKey()) == null) {
                out.add(path + ": no schema declares this property");
            }
        }
    }

    private void checkString(JsonNode schema, String s, String at, List<String> out) {
        if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt()) {
            out.add(at + ": longer than " + schema.get("maxLength") + " characters");
        }
        if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
            out.add(at + ": shorter than " + schema.get("minLength") + " characters");
        }
        if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
            out.add(at + ": '" + s + "' does not match " + schema.get("pattern").asText());
        }
        String format = schema.path("format").asText("");
        boolean ok = switch (format) {
            case "uuid" -> UUID.matcher(s).matches();
            case "ipv4" -> IPV4.matcher(s).matches();
            case "ipv6" -> s.contains(":") && parsesAsAddress(s);
            case "date-time" -> parsesAsDateTime(s);
            default -> true;
        };
        if (!ok) {
            out.add(at + ": '" + s + "' is not a valid " + format);
        }
    }

    private int count(JsonNode branches, JsonNode value, String at) {
        int matches = 0;
        for (JsonNode branch : branches) {
            List<String> errors = new ArrayList<>();
            check(branch, value, at, errors, true);
            if (errors.isEmpty()) {
                matches++;
            }
        }
        return matches;
    }

    /** The schema of a property declared here or in any composed branch, or null. */
    private JsonNode declared(JsonNode rawSchema, String name) {
        JsonNode schema = resolve(rawSchema);
        JsonNode own = schema.path("properties").get(name);
        if (own != null) {
            return own;
        }
        for (String composition : List.of("allOf", "anyOf", "oneOf")) {
            for (JsonNode branch : schema.path(composition)) {
                JsonNode found = declared(branch, name);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private boolean declaresProperties(JsonNode rawSchema) {
        JsonNode schema = resolve(rawSchema);
        if (schema.has("properties")) {
            return true;
        }
        for (String composition : List.of("allOf", "anyOf", "oneOf")) {
            for (JsonNode branch : schema.path(composition)) {
                if (declaresProperties(branch)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasType(String type, JsonNode value) {
        return switch (type) {
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            // cloudflared parses integer seconds with ParseInt: 30.0 is as wrong as "30s"
            case "integer" -> value.isIntegralNumber();
            case "boolean" -> value.isBoolean();
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            default -> throw new IllegalStateException("unknown schema type " + type);
        };
    }

    private static boolean inEnum(JsonNode options, JsonNode value) {
        for (JsonNode option : options) {
            if (option.equals(value) || (option.isNumber() && value.isNumber() && option.asDouble() == value.asDouble())) {
                return true;
            }
        }
        return false;
    }

    private String titles(JsonNode branches) {
        List<String> names = new ArrayList<>();
        for (JsonNode b : branches) {
            names.add(b.has("$ref") ? b.get("$ref").asText().replace("#/components/schemas/", "")
                    : resolve(b).path("title").asText("(inline)"));
        }
        return names.toString();
    }

    private static boolean parsesAsAddress(String s) {
        try {
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean parsesAsDateTime(String s) {
        try {
            OffsetDateTime.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
