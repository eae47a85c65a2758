package dev.cmux.control.image;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;
import dev.cmux.control.sandbox.SandboxId;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A kind of sandbox: resources and the versions of its template. From the config ({@code presets:}), from
 * {@code PVE_TEMPLATE_VMID} (the preset {@link #DEFAULT_ID}), or learned from templates tagged {@code preset-<id>}.
 *
 * @param id        {@code [a-z0-9][a-z0-9_-]*}, up to 40 characters, e.g. {@code 4vcpu_6gb_32gb}
 * @param label     for people, e.g. {@code 4 vCPU, 6 GB RAM, 32 GB disk}
 * @param cores     CPU cores of its sandboxes; null: the template's
 * @param memoryMiB memory of its sandboxes; null: the template's
 * @param diskGiB   root disk of its sandboxes (grown after the clone, never shrunk); null: the template's
 * @param versions  oldest first
 */
public record Preset(String id, String label, Integer cores, Integer memoryMiB, Integer diskGiB,
                     List<PresetVersion> versions) {

    /** The preset that {@code PVE_TEMPLATE_VMID} stands for when the config names none with this id. */
    public static final String DEFAULT_ID = "default";
    static final String ID = "[a-z0-9][a-z0-9_-]{0,39}";
    private static final Pattern ID_PATTERN = Pattern.compile(ID);

    public Preset {
        versions = versions.stream().sorted(Comparator.comparingInt(PresetVersion::version)).toList();
    }

    public static boolean validId(String id) {
        return id != null && ID_PATTERN.matcher(id).matches();
    }

    /** The newest version, if there is any. */
    public Optional<PresetVersion> newest() {
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    public Optional<PresetVersion> version(int version) {
        return versions.stream().filter(v -> v.version() == version).findFirst();
    }

    public SnapshotId snapshotId(PresetVersion v) {
        return new SnapshotId(id, v.version());
    }

    Preset withVersions(List<PresetVersion> more) {
        List<PresetVersion> all = new ArrayList<>(versions);
        all.addAll(more);
        return new Preset(id, label, cores, memoryMiB, diskGiB, all);
    }

    /** The {@code presets:} list of the config; every problem is recorded with its key. */
    public static List<Preset> readAll(List<ConfigSection> sections) {
        List<Preset> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigSection s : sections) {
            Preset p = read(s);
            if (p == null) {
                continue;
            }
            if (!ids.add(p.id())) {
                s.problem("id", "preset '" + p.id() + "' is defined twice");
            } else {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    private static Preset read(ConfigSection s) {
        s.allowOnly("id", "label", "cores", "memoryMiB", "diskGiB", "versions");
        String id = s.string("id");
        if (!validId(id)) {
            s.problem("id", id == null ? "is required" : "must match " + ID + ", e.g. 4vcpu_6gb_32gb");
            return null;
        }
        Integer cores = s.value("cores", v -> range(v, 1, 8192), null);
        Integer memory = s.value("memoryMiB", v -> range(v, 16, 4 * 1024 * 1024), null);
        Integer disk = s.value("diskGiB", v -> range(v, 1, 1024 * 1024), null);
        List<PresetVersion> versions = new ArrayList<>();
        Set<Integer> numbers = new HashSet<>();
        for (ConfigSection v : s.sectionList("versions")) {
            v.allowOnly("version", "templateVmid", "snapname", "capturedAt");
            Integer number = v.value("version", ConfigValues::positiveInt, null);
            Integer vmid = v.value("templateVmid", t -> SandboxId.parse(t).value(), null);
            String snapname = v.string("snapname");
            Instant captured = v.value("capturedAt", Preset::instant, null);
            if (number == null || vmid == null) {
                v.problem("needs version and templateVmid");
            } else if (!numbers.add(number)) {
                v.problem("version", "version " + number + " is listed twice");
            } else {
                versions.add(new PresetVersion(number, vmid, snapname, captured, false));
            }
        }
        return new Preset(id, s.value("label", String::valueOf, id), cores, memory, disk, versions);
    }

    private static int range(String text, int min, int max) {
        int v = ConfigValues.positiveInt(text);
        if (v < min || v > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
        }
        return v;
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("must be a UTC time such as 2026-12-01T06:00:00Z");
        }
    }
}
