package dev.cmux.control.image;

import java.time.Instant;
import java.util.List;

/**
 * A template of a preset version.
 *
 * @param vmid       the template
 * @param node       where it lives; null when it is not in the cluster (a config entry that points nowhere)
 * @param snapshotId {@code pvelxc_<preset>_v<version>}
 * @param snapname   the snapshot of it that is cloned, or null
 * @param capturedAt when it was made, if known
 * @param sourceVmid the sandbox it was made from, if known
 * @param origin     {@code config} or {@code pve} (learned from the template's tags and description)
 * @param warnings   what went wrong beside the template itself (e.g. the source did not start again)
 */
public record TemplateView(int vmid, String node, SnapshotId snapshotId, String snapname, Instant capturedAt,
                           Integer sourceVmid, String origin, List<String> warnings) {
}
