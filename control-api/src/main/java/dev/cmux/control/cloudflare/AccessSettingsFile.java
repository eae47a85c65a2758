package dev.cmux.control.cloudflare;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sets {@code access.teamName} and {@code access.aud} in the gateway's YAML config by editing lines, so that the
 * operator's comments, order and other keys stay as they were (a YAML library would drop the comments). Only a
 * top-level block {@code access:} is edited; one written inline ({@code access: {…}}) is refused, not rewritten.
 */
final class AccessSettingsFile {

    private static final Pattern HEADER = Pattern.compile("access:\\s*(#.*)?");
    private static final Pattern INLINE = Pattern.compile("access:\\s*[^#\\s].*");
    private static final String DEFAULT_INDENT = "  ";

    /** The values to write; both are plain words, quoted so that YAML never reads them as numbers. */
    record Settings(String teamName, String aud) {
    }

    private AccessSettingsFile() {
    }

    /**
     * Why {@code text} cannot be edited, or empty when it can.
     */
    static Optional<String> problem(String text) {
        for (String line : text.split("\n", -1)) {
            if (INLINE.matcher(line).matches()) {
                return Optional.of("its access: section is written inline (" + line.trim() + "); write it as a block"
                        + " (access: on its own line, keys indented below) so setup can set teamName and aud");
            }
        }
        return Optional.empty();
    }

    /** Whether {@code text} already sets exactly these values. */
    static boolean holds(String text, Settings wanted) {
        List<String> lines = lines(text);
        int header = header(lines);
        if (header < 0) {
            return false;
        }
        int end = sectionEnd(lines, header);
        String indent = indent(lines, header, end);
        return wanted.teamName().equals(value(lines, header, end, indent, "teamName"))
                && wanted.aud().equals(value(lines, header, end, indent, "aud"));
    }

    /** {@code text} with the two keys set: replaced where they are (keeping a trailing comment), else added. */
    static String edit(String text, Settings wanted) {
        problem(text).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        List<String> lines = lines(text);
        int header = header(lines);
        if (header < 0) {
            if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            lines.add("access:");
            header = lines.size() - 1;
            lines.add("");
        }
        int end = sectionEnd(lines, header);
        String indent = indent(lines, header, end);
        // aud first so that teamName, inserted at the same place, ends up above it
        set(lines, header, end, indent, "aud", wanted.aud());
        set(lines, header, sectionEnd(lines, header), indent, "teamName", wanted.teamName());
        String out = String.join("\n", lines);
        return out.endsWith("\n") ? out : out + "\n";
    }

    private static List<String> lines(String text) {
        return new ArrayList<>(List.of(text.split("\n", -1)));
    }

    private static int header(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (HEADER.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    /** The section runs while lines are blank or indented; a line at column 0 (a key or a comment) ends it. */
    private static int sectionEnd(List<String> lines, int header) {
        int i = header + 1;
        while (i < lines.size() && (lines.get(i).isBlank() || Character.isWhitespace(lines.get(i).charAt(0)))) {
            i++;
        }
        return i;
    }

    /** The indentation of the section's first key, or two spaces for an empty section. */
    private static String indent(List<String> lines, int header, int end) {
        for (int i = header + 1; i < end; i++) {
            String line = lines.get(i);
            String stripped = line.stripLeading();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                return line.substring(0, line.length() - stripped.length());
            }
        }
        return DEFAULT_INDENT;
    }

    private static Pattern key(String indent, String name) {
        return Pattern.compile(Pattern.quote(indent) + name + ":(\\s*)([^#]*?)(\\s+#.*)?");
    }

    private static String value(List<String> lines, int header, int end, String indent, String name) {
        Pattern key = key(indent, name);
        for (int i = header + 1; i < end; i++) {
            Matcher m = key.matcher(lines.get(i));
            if (m.matches()) {
                return unquote(m.group(2).trim());
            }
        }
        return null;
    }

    private static void set(List<String> lines, int header, int end, String indent, String name, String value) {
        String quoted = "\"" + value + "\"";
        Pattern key = key(indent, name);
        for (int i = header + 1; i < end; i++) {
            Matcher m = key.matcher(lines.get(i));
            if (m.matches()) {
                lines.set(i, indent + name + ": " + quoted + (m.group(3) == null ? "" : m.group(3)));
                return;
            }
        }
        lines.add(header + 1, indent + name + ": " + quoted);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
