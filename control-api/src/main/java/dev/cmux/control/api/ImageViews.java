package dev.cmux.control.api;

import dev.cmux.control.image.Preset;
import dev.cmux.control.image.PresetVersion;
import dev.cmux.control.image.Snapshot;
import dev.cmux.control.image.TemplateView;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes of presets, templates and snapshots. */
final class ImageViews {

    private ImageViews() {
    }

    /** @param kindOf a template vmid's kind ({@code lxc}, {@code vm}), null when PVE has no such guest */
    static Map<String, Object> preset(Preset p, java.util.function.IntFunction<String> kindOf) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", p.id());
        json.put("label", p.label());
        json.put("kind", p.newest().map(v -> kindOf.apply(v.templateVmid())).orElse(null));
        json.put("cores", p.cores());
        json.put("memoryMiB", p.memoryMiB());
        json.put("diskGiB", p.diskGiB());
        json.put("newest", p.newest().map(v -> p.snapshotId(v).toString()).orElse(null));
        json.put("versions", p.versions().stream().map(v -> version(p, v)).toList());
        return json;
    }

    private static Map<String, Object> version(Preset p, PresetVersion v) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", v.version());
        json.put("snapshotId", p.snapshotId(v).toString());
        json.put("templateVmid", v.templateVmid());
        json.put("snapname", v.snapname());
        json.put("capturedAt", text(v.capturedAt()));
        json.put("origin", v.learned() ? "pve" : "config");
        return json;
    }

    static Map<String, Object> template(TemplateView t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("vmid", t.vmid());
        json.put("node", t.node());
        json.put("preset", t.snapshotId().presetId());
        json.put("version", t.snapshotId().version());
        json.put("snapshotId", t.snapshotId().toString());
        json.put("snapname", t.snapname());
        json.put("capturedAt", text(t.capturedAt()));
        json.put("sourceVmid", t.sourceVmid());
        json.put("origin", t.origin());
        if (!t.warnings().isEmpty()) {
            json.put("warnings", t.warnings());
        }
        return json;
    }

    static Map<String, Object> snapshot(Snapshot s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", s.name());
        json.put("description", s.description());
        json.put("taken", text(s.taken()));
        json.put("parent", s.parent());
        return json;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
