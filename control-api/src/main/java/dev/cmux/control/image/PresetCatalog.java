package dev.cmux.control.image;

import dev.cmux.control.sandbox.SandboxException;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveJson;
import dev.cmux.control.sandbox.NodeLocator;
import dev.cmux.control.sandbox.SandboxKind;

import static dev.cmux.control.sandbox.SandboxException.Kind.BAD_REQUEST;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Every preset this gateway knows: those of the config, {@code PVE_TEMPLATE_VMID} as the preset {@code default}
 * (unless the config defines one), and the versions that templates tagged {@code preset-<id>} describe in PVE
 * (made by {@code POST /v1/templates} on any gateway of the cluster). PVE is read on every call, so nothing is cached
 * that another gateway could have changed; a version in the config wins over a learned one with the same number.
 */
public final class PresetCatalog {

    private static final Logger LOG = Logger.getLogger(PresetCatalog.class.getName());

    /** A preset template as PVE holds it: where it is and what its description says. */
    public record PresetTemplate(int vmid, String node, TemplateDescription description) {
    }

    /** What a create asked for, resolved. */
    public record Choice(Preset preset, PresetVersion version) {
        public SnapshotId snapshotId() {
            return preset.snapshotId(version);
        }
    }

    private final PveClient pve;
    private final List<Preset> configured;
    private final Integer defaultTemplate;

    public PresetCatalog(PveClient pve, List<Preset> configured, Integer defaultTemplate) {
        this.pve = pve;
        this.configured = List.copyOf(configured);
        this.defaultTemplate = defaultTemplate;
    }

    /** Presets by id: the config's, the default, then the ones only learned from PVE, each with all versions. */
    public Map<String, Preset> all() {
        Map<String, Preset> presets = new LinkedHashMap<>();
        configured.forEach(p -> presets.put(p.id(), p));
        if (defaultTemplate != null && !presets.containsKey(Preset.DEFAULT_ID)) {
            presets.put(Preset.DEFAULT_ID, new Preset(Preset.DEFAULT_ID, "PVE_TEMPLATE_VMID " + defaultTemplate,
                    null, null, null, List.of(new PresetVersion(1, defaultTemplate, null, null, false))));
        }
        for (PresetTemplate t : learnedTemplates()) {
            SnapshotId id = t.description().snapshotId();
            Preset p = presets.getOrDefault(id.presetId(),
                    new Preset(id.presetId(), id.presetId(), null, null, null, List.of()));
            if (p.version(id.version()).isPresent()) {
                if (p.version(id.version()).get().templateVmid() != t.vmid()) {
                    LOG.warning("template " + t.vmid() + " claims " + id + ", which is already template "
                            + p.version(id.version()).get().templateVmid() + "; it is ignored");
                }
                continue;
            }
            presets.put(p.id(), p.withVersions(List.of(new PresetVersion(id.version(), t.vmid(), null,
                    t.description().capturedAt(), true))));
        }
        return presets;
    }

    /**
     * The container and VM templates of the cluster tagged {@code preset-<id>} whose description carries a snapshot id.
     * {@code /cluster/resources} reads tags live from the config; only those templates' configs are read.
     */
    public List<PresetTemplate> learnedTemplates() {
        List<PresetTemplate> out = new ArrayList<>();
        for (JsonNode r : pve.vmResources()) {
            SandboxKind kind = NodeLocator.kindOf(r); // container and VM templates alike
            if (kind == null || PveJson.intValue(r.get("template"), 0) != 1
                    || !hasPresetTag(PveJson.text(r, "tags"))) {
                continue;
            }
            int vmid = PveJson.intValue(r.get("vmid"), -1);
            String node = PveJson.text(r, "node");
            JsonNode config = pve.config(node, kind, vmid);
            TemplateDescription.parse(PveJson.text(config, "description"))
                    .ifPresent(d -> out.add(new PresetTemplate(vmid, node, d)));
        }
        return out;
    }

    static boolean hasPresetTag(String tags) {
        return tags != null && Arrays.stream(tags.split("[;, ]+")).anyMatch(
                t -> t.startsWith(TemplateDescription.TAG_PREFIX));
    }

    /**
     * {@code preset} means its newest version, {@code snapshotId} one exact version, neither the default preset;
     * both at once is a mistake.
     */
    public Choice resolve(String presetId, String snapshotId) {
        if (presetId != null && snapshotId != null) {
            throw SandboxException.of(BAD_REQUEST, "preset-or-snapshot",
                    "Give preset or snapshotId, not both.", null);
        }
        Map<String, Preset> presets = all();
        if (snapshotId != null) {
            SnapshotId id = SnapshotId.parse(snapshotId).orElseThrow(() -> SandboxException.of(BAD_REQUEST,
                    "bad-snapshot-id", "snapshotId '" + snapshotId + "' is not of the form pvelxc_<preset>_v<version>.",
                    null));
            Preset p = known(presets, id.presetId());
            PresetVersion v = p.version(id.version()).orElseThrow(() -> SandboxException.of(BAD_REQUEST,
                    "unknown-snapshot", "Preset '" + p.id() + "' has no version " + id.version() + "; it has "
                    + p.versions().stream().map(x -> p.snapshotId(x).toString()).toList() + ".", null));
            return new Choice(p, v);
        }
        String wanted = presetId != null ? presetId : Preset.DEFAULT_ID;
        if (presetId == null && !presets.containsKey(wanted)) {
            throw SandboxException.of(SandboxException.Kind.UNAVAILABLE, "no-template", "Creating sandboxes needs a "
                    + "template: set PVE_TEMPLATE_VMID (pve.templateVmid), or name a preset.", null);
        }
        Preset p = known(presets, wanted);
        PresetVersion newest = p.newest().orElseThrow(() -> SandboxException.of(SandboxException.Kind.CONFLICT,
                "preset-without-version", "Preset '" + p.id() + "' has no version yet: make one with "
                + "POST /v1/templates or list one under its versions in the config.", null));
        return new Choice(p, newest);
    }

    private static Preset known(Map<String, Preset> presets, String id) {
        return Optional.ofNullable(presets.get(id)).orElseThrow(() -> SandboxException.of(BAD_REQUEST,
                "unknown-preset", "There is no preset '" + id + "'; known: " + presets.keySet() + ".", null));
    }
}
