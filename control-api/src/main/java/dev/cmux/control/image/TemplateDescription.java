package dev.cmux.control.image;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a preset template says about itself in its PVE description, in the lines cmux's scripts write
 * ({@code cmux template snapshot}, {@code snapshotId:}, {@code presetId:}, {@code capturedAt:}, {@code sourceVmid:},
 * {@code hostname:}). Every gateway of the cluster reads it there, so a version made by one is known to all and
 * survives restarts.
 */
public record TemplateDescription(SnapshotId snapshotId, Instant capturedAt, Integer sourceVmid, String hostname) {

    static final String MARKER = "cmux template snapshot";
    /** The tag that marks a template of preset {@code id}, beside {@code cmux}. */
    static final String TAG_PREFIX = "preset-";

    static String tags(String presetId) {
        return "cmux;" + TAG_PREFIX + presetId;
    }

    String text() {
        StringBuilder s = new StringBuilder(MARKER).append('\n');
        s.append("snapshotId: ").append(snapshotId).append('\n');
        s.append("presetId: ").append(snapshotId.presetId()).append('\n');
        s.append("capturedAt: ").append(capturedAt).append('\n');
        if (sourceVmid != null) {
            s.append("sourceVmid: ").append(sourceVmid).append('\n');
        }
        if (hostname != null) {
            s.append("hostname: ").append(hostname).append('\n');
        }
        return s.toString();
    }

    /** The lines of a description, or empty when it is not a cmux template description. */
    static Optional<TemplateDescription> parse(String description) {
        if (description == null || !description.startsWith(MARKER)) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : description.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        Optional<SnapshotId> id = SnapshotId.parse(fields.get("snapshotId"));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Instant captured = null;
        try {
            captured = fields.containsKey("capturedAt") ? Instant.parse(fields.get("capturedAt")) : null;
        } catch (DateTimeParseException ignored) {
            // a hand-edited time loses only the time
        }
        Integer source = null;
        try {
            source = fields.containsKey("sourceVmid") ? Integer.valueOf(fields.get("sourceVmid")) : null;
        } catch (NumberFormatException ignored) {
            // likewise
        }
        return Optional.of(new TemplateDescription(id.get(), captured, source, fields.get("hostname")));
    }
}
