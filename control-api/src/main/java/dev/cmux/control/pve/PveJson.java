package dev.cmux.control.pve;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Lenient reads of PVE's JSON: Perl writes a number as a string once it was used in string context
 * ({@code /cluster/nextid} answers {@code "106"}, interface prefixes are {@code "24"}), so every number is read
 * from either form.
 */
public final class PveJson {

    private PveJson() {
    }

    public static long longValue(JsonNode node, long fallback) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return fallback;
        }
        if (node.isNumber()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                return (long) Double.parseDouble(node.asText().trim());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    public static int intValue(JsonNode node, int fallback) {
        return (int) longValue(node, fallback);
    }

    /** Text of a field, or {@code null} when absent or JSON null. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
