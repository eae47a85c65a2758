package dev.cmux.control.image;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * cmux's id of one preset version, {@code pvelxc_<preset>_v<version>} (e.g. {@code pvelxc_4vcpu_6gb_32gb_v1}): the
 * one place that writes and reads it.
 */
public record SnapshotId(String presetId, int version) {

    private static final Pattern FORMAT = Pattern.compile("pvelxc_(" + Preset.ID + ")_v([1-9][0-9]{0,8})");

    /** The id, or empty when {@code text} is not one. */
    public static java.util.Optional<SnapshotId> parse(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text);
        if (m == null || !m.matches()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new SnapshotId(m.group(1), Integer.parseInt(m.group(2))));
    }

    @Override
    public String toString() {
        return "pvelxc_" + presetId + "_v" + version;
    }
}
