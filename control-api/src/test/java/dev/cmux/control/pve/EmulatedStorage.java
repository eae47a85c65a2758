package dev.cmux.control.pve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's storages ({@code /etc/pve/storage.cfg}: one config for every node; a storage without {@code nodes}
 * is enabled on each, a local one being a separate pool per node, a {@code shared} one the same volumes everywhere),
 * what {@code GET /nodes/{node}/storage} reports, and what
 * each plugin type can do with a container volume. The feature table is pve-storage's {@code volume_has_feature}
 * ({@code ZFSPoolPlugin.pm}, {@code LvmThinPlugin.pm}, {@code Plugin.pm} for dir, {@code LVMPlugin.pm}), asked as
 * pve-container's {@code LXC::Config::has_feature} asks it: clone and copy with {@code valid_target_formats =>
 * ['raw','subvol']}, so a dir storage (whose clone makes qcow2) never offers a linked container clone.
 */
final class EmulatedStorage {

    /**
     * One storage: {@code content} as PVE lists it, sizes in bytes (the same on every node), {@code nodes} null when
     * it is enabled on all of them.
     */
    record Storage(String id, String type, String content, long total, long avail, boolean shared, List<String> nodes) {
        Storage(String id, String type, String content, long total, long avail) {
            this(id, type, content, total, avail, false, null);
        }

        boolean holds(String contentType) {
            return List.of(content.split(",")).contains(contentType);
        }

        boolean enabledOn(String node) {
            return nodes == null || nodes.contains(node);
        }

        /** {@code GET /storage}: the storage.cfg section ({@code shared} and {@code nodes} only when set). */
        Map<String, Object> config() {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("storage", id);
            s.put("type", type);
            s.put("content", content);
            if (shared) {
                s.put("shared", 1);
            }
            if (nodes != null) {
                s.put("nodes", String.join(",", nodes));
            }
            s.put("digest", Integer.toHexString(id.hashCode()) + "0".repeat(32));
            return s;
        }

        /** The {@code type=storage} entry of {@code /cluster/resources} for one node. */
        Map<String, Object> resource(String node, boolean nodeOnline) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("id", "storage/" + node + "/" + id);
            s.put("storage", id);
            s.put("node", node);
            s.put("type", "storage");
            s.put("plugintype", type);
            s.put("status", nodeOnline ? "available" : "unknown");
            s.put("shared", shared ? 1 : 0);
            s.put("content", content);
            s.put("disk", total - avail);
            s.put("maxdisk", total);
            return s;
        }

        Map<String, Object> json() {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("storage", id);
            s.put("type", type);
            s.put("content", content);
            s.put("shared", shared ? 1 : 0);
            s.put("active", 1);
            s.put("enabled", 1);
            s.put("total", total);
            s.put("used", total - avail);
            s.put("avail", avail);
            s.put("used_fraction", total == 0 ? 0 : (double) (total - avail) / total);
            return s;
        }
    }

    static final long GIB = 1L << 30;

    private final Map<String, Storage> storages = new LinkedHashMap<>();

    EmulatedStorage() {
        // a fresh PVE install on ZFS: 'local' (dir, no container volumes) and 'local-zfs'
        add(new Storage("local", "dir", "backup,iso,vztmpl", 100 * GIB, 80 * GIB));
        add(new Storage("local-zfs", "zfspool", "images,rootdir", 400 * GIB, 300 * GIB));
    }

    void add(Storage storage) {
        storages.put(storage.id(), storage);
    }

    Storage find(String id) {
        Storage s = storages.get(id);
        if (s == null) {
            // PVE::Storage::storage_config
            throw PveHttpError.die("storage '" + id + "' does not exist");
        }
        return s;
    }

    /** {@code PVE::Storage::storage_check_enabled}: the storage exists and {@code node} is in its {@code nodes}. */
    Storage enabled(String id, String node) {
        Storage s = find(id);
        if (!s.enabledOn(node)) {
            throw PveHttpError.die("storage '" + id + "' is not available on node '" + node + "'");
        }
        return s;
    }

    /** Every storage, in storage.cfg order. */
    List<Storage> all() {
        return List.copyOf(storages.values());
    }

    /**
     * {@code GET /nodes/{node}/storage}: the storages enabled on {@code node}; {@code content} filters by content
     * type; a storage not listed there is 400 (pve-storage {@code API2/Storage/Status.pm index}).
     */
    List<Map<String, Object>> list(String node, String content, String storage) {
        if (storage != null && (!storages.containsKey(storage) || !storages.get(storage).enabledOn(node))) {
            throw new PveHttpError(400, "Parameter verification failed.", Map.of("storage", "No such storage."));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Storage s : storages.values()) {
            if (s.enabledOn(node) && (content == null || List.of(content.split(",")).stream().allMatch(s::holds))
                    && (storage == null || storage.equals(s.id()))) {
                out.add(s.json());
            }
        }
        return out;
    }

    /** The volume id of a container's rootfs as each plugin names it (pve-api.md §7 "Naming"). */
    static String volid(Storage s, int vmid, boolean template, Integer linkedFrom) {
        String own = switch (s.type()) {
            case "zfspool" -> (template ? "basevol-" : "subvol-") + vmid + "-disk-0";
            case "lvmthin", "rbd" -> (template ? "base-" : "vm-") + vmid + "-disk-0";
            case "dir" -> vmid + "/" + (template ? "base-" : "vm-") + vmid + "-disk-0.raw";
            default -> "vm-" + vmid + "-disk-0";
        };
        if (linkedFrom != null) {
            String base = s.type().equals("zfspool") ? "basevol-" : "base-";
            return s.id() + ":" + base + linkedFrom + "-disk-0/" + own;
        }
        return s.id() + ":" + own;
    }

    /**
     * {@code volume_has_feature} for a container volume: {@code base} is a template's volume, {@code snap} a named
     * snapshot, else {@code current}.
     */
    static boolean has(Storage s, String feature, boolean base, boolean fromSnapshot) {
        return switch (s.type()) {
            // ZFSPoolPlugin: snapshot {current, snap}, clone {base}, template {current}, copy {base, current}
            case "zfspool" -> switch (feature) {
                case "snapshot" -> !base;
                case "clone" -> base && !fromSnapshot;
                case "template" -> !base && !fromSnapshot;
                case "copy" -> !fromSnapshot;
                default -> false;
            };
            // LvmThinPlugin: snapshot {current}, clone {base, snap}, template {current}, copy {base, current, snap}
            case "lvmthin" -> switch (feature) {
                case "snapshot" -> !base && !fromSnapshot;
                case "clone" -> base || fromSnapshot;
                case "template" -> !base && !fromSnapshot;
                case "copy" -> true;
                default -> false;
            };
            // RBDPlugin: snapshot {current, snap}, clone {base, snap}, template {current}, copy {base, current, snap}
            case "rbd" -> switch (feature) {
                case "snapshot" -> !base;
                case "clone" -> base || fromSnapshot;
                case "template" -> !base && !fromSnapshot;
                case "copy" -> true;
                default -> false;
            };
            // Plugin.pm with raw volumes: snapshots and clones only for qcow2; template and copy for raw
            case "dir" -> switch (feature) {
                case "template" -> !base && !fromSnapshot;
                case "copy" -> !fromSnapshot;
                default -> false;
            };
            // LVMPlugin (thick): copy {base, current} only
            default -> feature.equals("copy") && !fromSnapshot;
        };
    }
}
