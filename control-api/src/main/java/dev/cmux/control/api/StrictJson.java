package dev.cmux.control.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Request bodies read strictly: a JSON object with known fields of the right types, or 400 naming every bad field
 * in {@code details.fields}. A typo such as {@code "memroy"} must not silently create a default sandbox.
 */
final class StrictJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode body;
    /** Field names in reports: empty for the body, {@code idle.} for an object inside it. */
    private final String prefix;
    private final Map<String, String> errors;

    private StrictJson(ObjectNode body, String prefix, Map<String, String> errors) {
        this.body = body;
        this.prefix = prefix;
        this.errors = errors;
    }

    /** An empty body reads as {@code {}}. */
    static StrictJson parse(byte[] bytes, Set<String> allowed) {
        JsonNode node;
        try {
            node = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("bad-json", "The body is not valid JSON: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw ApiError.badRequest("bad-json", "The body could not be read as JSON.", null);
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest("bad-json", "The body must be a JSON object.", null);
        }
        StrictJson json = new StrictJson((ObjectNode) node, "", new LinkedHashMap<>());
        json.refuseUnknown(allowed);
        return json;
    }

    private void refuseUnknown(Set<String> allowed) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                error(name, "unknown field; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    /** The value of {@code field}; null when absent, or when not {@code valid}, which is reported as {@code problem}. */
    private JsonNode optional(String field, Predicate<JsonNode> valid, String problem) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!valid.test(v)) {
            error(field, problem);
            return null;
        }
        return v;
    }

    Integer integer(String field, int min, int max) {
        JsonNode v = optional(field, n -> n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= min
                && n.asInt() <= max, "must be an integer from " + min + " to " + max);
        return v == null ? null : v.asInt();
    }

    /** {@link #integer} that must be there. */
    Integer requiredInteger(String field, int min, int max) {
        Integer v = integer(field, min, max);
        if (v == null && !errors.containsKey(prefix + field)) {
            errors.put(prefix + field, "is required");
        }
        return v;
    }

    String string(String field, int maxLength, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                errors.put(prefix + field, "is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().length() > maxLength || (required && v.asText().isBlank())) {
            errors.put(prefix + field, required ? "must be a non-empty string of at most " + maxLength + " characters"
                    : "must be a string of at most " + maxLength + " characters");
            return null;
        }
        return v.asText();
    }

    boolean bool(String field) {
        JsonNode v = optional(field, JsonNode::isBoolean, "must be true or false");
        return v != null && v.asBoolean();
    }

    String oneOf(String field, Set<String> values) {
        String v = string(field, 64, false);
        if (v != null && !values.contains(v)) {
            errors.put(prefix + field, "must be one of " + String.join(", ", values.stream().sorted().toList()));
            return null;
        }
        return v;
    }

    /**
     * The object in {@code field}, checked like a body with {@code allowed} fields; its problems are reported here as
     * {@code field.name}. Null when absent (or not an object, which is reported).
     */
    StrictJson object(String field, Set<String> allowed) {
        JsonNode v = optional(field, JsonNode::isObject, "must be an object");
        if (v == null) {
            return null;
        }
        StrictJson nested = new StrictJson((ObjectNode) v, field + ".", errors);
        nested.refuseUnknown(allowed);
        return nested;
    }

    /** Whether the body names {@code field} at all, {@code null} included (PATCH: null resets, absent keeps). */
    boolean has(String field) {
        return body.has(field);
    }

    void error(String field, String problem) {
        errors.put(prefix + field, problem);
    }

    /** Throws the 400 when any field was bad; names the first in the message and all in the details. */
    void check() {
        if (errors.isEmpty()) {
            return;
        }
        Map.Entry<String, String> first = errors.entrySet().iterator().next();
        String code = first.getValue().startsWith("unknown field") ? "unknown-field" : "invalid-field";
        throw ApiError.badRequest(code, "Field '" + first.getKey() + "' " + first.getValue()
                + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "") + ".",
                Map.of("fields", errors));
    }
}
