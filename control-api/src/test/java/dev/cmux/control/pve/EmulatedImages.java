package dev.cmux.control.pve;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What makes and keeps container images: clones, snapshots, template conversion, disk resize and the feature
 * check, with the refusals of pve-container 6.1 ({@code src/PVE/API2/LXC.pm}, {@code API2/LXC/Snapshot.pm}) and
 * pve-guest-common ({@code AbstractConfig.pm}: {@code __snapshot_prepare}, {@code snapshot_rollback},
 * {@code snapshot_delete}).
 * Everything runs under the cluster's monitor; a check that PVE makes inside its worker fails the task here too.
 */
final class EmulatedImages {

    /** One snapshot: its description and time, and the config it restores ({@code snapshots} section of the conf). */
    record Snapshot(String name, String description, long snaptime, String parent, int cores, int memory,
                    String tags, String ctDescription, long diskBytes) {
    }

    /** {@code PVE::JSONSchema::parse_size} with the pattern of {@code resize_vm}: a number and K, M, G or T. */
    private static final Pattern SIZE = Pattern.compile("(\\+)?(\\d+(?:\\.\\d+)?)([KMGT])?");

    private final EmulatedCluster cluster;

    EmulatedImages(EmulatedCluster cluster) {
        this.cluster = cluster;
    }

    /** {@code 8G}, or bytes when not a whole number of GiB; as {@code print_ct_mountpoint} formats {@code size}. */
    static String sizeText(long bytes) {
        if (bytes % EmulatedStorage.GIB == 0) {
            return bytes / EmulatedStorage.GIB + "G";
        }
        if (bytes % (1 << 20) == 0) {
            return bytes / (1 << 20) + "M";
        }
        return String.valueOf(bytes);
    }

    /**
     * {@code POST …/clone}, in the order of pve-container's {@code API2/LXC.pm clone_vm}: target and storage
     * ({@link EmulatedCluster#cloneTarget}), source lock, new id (used anywhere in the cluster), then (each undoing
     * the new config) {@code storage} only for full clones, the snapshot must exist, a running container is
     * full-cloned only from a snapshot, a linked clone needs the storage's clone feature, and a clone to another
     * node needs its volumes on shared storage (the {@code storage} given, else the source's).
     */
    String clone(int source, Map<String, String> p) {
        synchronized (cluster) {
            String target = cluster.cloneTarget(p);
            EmulatedCluster.Ct src = cluster.existing(source);
            if (src.lock != null) {
                throw PveHttpError.die("CT is locked (" + src.lock + ")");
            }
            int newId = Integer.parseInt(p.get("newid"));
            if (cluster.used(newId)) {
                // LXC::check_vmid_unused reads pmxcfs's cluster-wide vmlist
                throw PveHttpError.die((cluster.anywhere(newId) != null ? "CT " : "VM ") + newId
                        + " already exists on node '" + cluster.nodeOf(newId) + "'");
            }
            boolean full = p.containsKey("full") ? p.get("full").equals("1") : !src.template;
            String snapname = p.get("snapname");
            EmulatedStorage.Storage from = cluster.storage.find(src.storage);
            String volid = EmulatedStorage.volid(from, source, src.template, src.linkedFrom);
            if (p.containsKey("storage") && !full) {
                throw PveHttpError.die("parameter 'storage' not allowed for linked clones");
            }
            if (snapname != null && !src.snapshots.containsKey(snapname)) {
                throw PveHttpError.die("snapshot '" + snapname + "' does not exist");
            }
            if (full && src.status.equals("running") && snapname == null) {
                throw PveHttpError.die("Full clone of a running container is only possible from a snapshot");
            }
            if (!full && !EmulatedStorage.has(from, "clone", src.template, snapname != null)) {
                throw PveHttpError.die("Linked clone feature for '" + volid + "' is not available");
            }
            EmulatedStorage.Storage to = full && p.containsKey("storage")
                    ? cluster.storage.find(p.get("storage")) : from;
            if (target != null && !(p.containsKey("storage") ? to : from).shared()) {
                throw PveHttpError.die("can't clone CT to node '" + target + "' (CT uses local storage)");
            }
            src.lock = "disk";
            EmulatedCluster.Ct ct = new EmulatedCluster.Ct(newId, p.getOrDefault("hostname", src.hostname));
            ct.node = cluster.nodes.here();
            ct.lock = "create";
            ct.cores = src.cores;
            ct.memory = src.memory;
            ct.tags = src.tags; // a clone starts as a copy of the source's config
            ct.description = src.description;
            ct.env = src.env;
            // a linked clone of a template hangs off its base volume; one of a snapshot (LVM-thin) is a thin snapshot
            // volume of its own name (LvmThinPlugin clone_image), with no base in its name
            ct.linkedFrom = full || !src.template ? null : source;
            ct.storage = to.id();
            ct.diskBytes = src.diskBytes;
            if (p.containsKey("description")) {
                ct.description = EmulatedCluster.storedDescription(p.get("description"));
            }
            cluster.seed(ct);
            return cluster.tasks().start("vzclone", source, t -> {
                if (t.failure != null) {
                    // the worker removes what it made and both locks, then dies (pve-api.md §3 clone "Worker")
                    cluster.forget(newId);
                    src.lock = null;
                    t.failure = "clone failed: " + t.failure;
                    return null;
                }
                t.log.add("create " + (full ? "full clone of mountpoint" : "linked clone of mount point")
                        + " rootfs (" + volid + ")");
                src.lock = null;
                ct.lock = null;
                if (target != null) {
                    ct.node = target; // LXC::Config->move_config_to_node at the end of the worker
                }
                return null;
            });
        }
    }

    /** {@code GET …/feature}: {@code LXC::Config::has_feature} over the rootfs volume. */
    Map<String, Object> feature(int vmid, String feature, String snapname) {
        synchronized (cluster) {
            EmulatedCluster.Ct ct = cluster.existing(vmid);
            if (snapname != null && !ct.snapshots.containsKey(snapname)) {
                throw PveHttpError.die("snapshot '" + snapname + "' does not exist");
            }
            boolean has = EmulatedStorage.has(cluster.storage.find(ct.storage), feature, ct.template,
                    snapname != null);
            return Map.of("hasFeature", has ? 1 : 0);
        }
    }

    /** {@code GET …/snapshot}: the snapshots, then {@code current} ("You are here!") with its parent. */
    List<Map<String, Object>> snapshots(int vmid) {
        synchronized (cluster) {
            EmulatedCluster.Ct ct = cluster.existing(vmid);
            List<Map<String, Object>> out = new ArrayList<>();
            for (Snapshot s : ct.snapshots.values()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", s.name());
                m.put("description", s.description());
                m.put("snaptime", s.snaptime());
                if (s.parent() != null) {
                    m.put("parent", s.parent());
                }
                out.add(m);
            }
            Map<String, Object> current = new LinkedHashMap<>();
            current.put("name", "current");
            current.put("description", "You are here!");
            current.put("running", ct.status.equals("running") ? 1 : 0);
            current.put("digest", Integer.toHexString(System.identityHashCode(ct)) + "0".repeat(32));
            if (ct.parent != null) {
                current.put("parent", ct.parent);
            }
            out.add(current);
            return out;
        }
    }

    /**
     * {@code POST …/snapshot}: the reserved names die at once (Snapshot.pm); the rest is {@code __snapshot_prepare}
     * inside the worker: template, lock, name already used, the storage's snapshot feature. The container holds
     * {@code lock: snapshot} while the task runs.
     */
    String createSnapshot(int vmid, String name, String description) {
        synchronized (cluster) {
            if (name.equals("current") || name.equals("vzdump")) {
                throw PveHttpError.die("unable to use snapshot name '" + name + "' (reserved name)");
            }
            EmulatedCluster.Ct ct = cluster.existing(vmid);
            String early = ct.template ? "you can't take a snapshot if it's a template"
                    : ct.lock != null ? "CT is locked (" + ct.lock + ")"
                    : ct.snapshots.containsKey(name) ? "snapshot name '" + name + "' already used"
                    : !EmulatedStorage.has(cluster.storage.find(ct.storage), "snapshot", false, false)
                    ? "snapshot feature is not available" : null;
            if (early == null) {
                ct.lock = "snapshot";
            }
            return cluster.tasks().start("vzsnapshot", vmid, t -> {
                if (early != null) {
                    return early;
                }
                ct.lock = null;
                if (t.failure != null) {
                    return t.failure;
                }
                ct.snapshots.put(name, new Snapshot(name, description == null ? "" : description,
                        System.currentTimeMillis() / 1000, ct.parent, ct.cores, ct.memory, ct.tags, ct.description,
                        ct.diskBytes));
                ct.parent = name;
                return null;
            });
        }
    }

    /** {@code DELETE …/snapshot/{name}}: {@code snapshot_delete} in the worker (template, missing, lock). */
    String deleteSnapshot(int vmid, String name) {
        synchronized (cluster) {
            EmulatedCluster.Ct ct = cluster.existing(vmid);
            return cluster.tasks().start("vzdelsnapshot", vmid, t -> {
                if (ct.template) {
                    return "you can't delete a snapshot if vm is a template";
                }
                if (ct.lock != null) {
                    return "CT is locked (" + ct.lock + ")";
                }
                Snapshot gone = ct.snapshots.remove(name);
                if (gone == null) {
                    return "snapshot '" + name + "' does not exist";
                }
                // children of the deleted snapshot now descend from its parent
                ct.snapshots.replaceAll((k, s) -> name.equals(s.parent()) ? new Snapshot(s.name(), s.description(),
                        s.snaptime(), gone.parent(), s.cores(), s.memory(), s.tags(), s.ctDescription(),
                        s.diskBytes()) : s);
                if (name.equals(ct.parent)) {
                    ct.parent = gone.parent();
                }
                return null;
            });
        }
    }

    /**
     * {@code POST …/snapshot/{name}/rollback}: {@code snapshot_rollback} in the worker: template, missing snapshot,
     * ZFS rolls back only to its most recent snapshot ({@code ZFSPoolPlugin::volume_rollback_is_possible}), lock;
     * a running container is stopped first; with {@code start=1} it is started afterwards.
     */
    String rollback(int vmid, String name, boolean start) {
        synchronized (cluster) {
            EmulatedCluster.Ct ct = cluster.existing(vmid);
            return cluster.tasks().start("vzrollback", vmid, t -> {
                if (ct.template) {
                    return "you can't rollback if vm is a template";
                }
                Snapshot s = ct.snapshots.get(name);
                if (s == null) {
                    return "snapshot '" + name + "' does not exist";
                }
                EmulatedStorage.Storage storage = cluster.storage.find(ct.storage);
                if (storage.type().equals("zfspool") && !name.equals(ct.parent)) {
                    return "can't rollback, '" + name + "' is not most recent snapshot on '"
                            + EmulatedStorage.volid(storage, vmid, false, ct.linkedFrom) + "'";
                }
                if (ct.lock != null) {
                    return "CT is locked (" + ct.lock + ")";
                }
                cluster.setRunning(ct, false);
                ct.cores = s.cores();
                ct.memory = s.memory();
                ct.tags = s.tags();
                ct.description = s.ctDescription();
                ct.diskBytes = s.diskBytes();
                ct.parent = name;
                if (start) {
                    cluster.setRunning(ct, true);
                }
                return null;
            });
        }
    }

    /**
     * {@code POST …/template}: checks under the config flock (500), then a {@code vztemplate} worker whose UPID is
     * not returned; it needs the storage's template feature and renames the volume to a base volume.
     */
    Object template(int vmid) {
        synchronized (cluster) {
            EmulatedCluster.Ct ct = cluster.existing(vmid);
            if (ct.lock != null) {
                throw PveHttpError.die("CT is locked (" + ct.lock + ")");
            }
            if (!ct.snapshots.isEmpty()) {
                throw PveHttpError.die("unable to create template, because CT contains snapshots");
            }
            if (ct.template) {
                throw PveHttpError.die("you can't convert a template to a template");
            }
            if (ct.status.equals("running")) {
                throw PveHttpError.die("you can't convert a CT to template if the CT is running");
            }
            cluster.tasks().start("vztemplate", vmid, t -> {
                EmulatedStorage.Storage storage = cluster.storage.find(ct.storage);
                if (!EmulatedStorage.has(storage, "template", false, false)) {
                    return "Template feature is not available for '"
                            + EmulatedStorage.volid(storage, vmid, false, ct.linkedFrom) + "'";
                }
                if (t.failure != null) {
                    return t.failure;
                }
                ct.template = true;
                return null;
            });
            return null;
        }
    }

    /**
     * {@code PUT …/resize}: {@code resize_vm}'s {@code load_and_check} before the fork (lock, shrink, same size:
     * HTTP 500), then a {@code resize} worker. Only {@code rootfs} exists in this emulator.
     */
    String resize(int vmid, String disk, String size) {
        synchronized (cluster) {
            Matcher m = SIZE.matcher(size);
            if (!m.matches()) {
                throw new PveHttpError(400, "Parameter verification failed.",
                        Map.of("size", "value does not match the regex pattern"));
            }
            EmulatedCluster.Ct ct = cluster.existing(vmid);
            if (!disk.equals("rootfs")) {
                throw PveHttpError.die("unable to parse mount point '" + disk + "'"); // no mpN in the emulator
            }
            if (ct.lock != null) {
                throw PveHttpError.die("CT is locked (" + ct.lock + ")");
            }
            long unit = switch (m.group(3) == null ? "" : m.group(3)) {
                case "K" -> 1L << 10;
                case "M" -> 1L << 20;
                case "G" -> 1L << 30;
                case "T" -> 1L << 40;
                default -> 1;
            };
            long requested = new BigDecimal(m.group(2)).multiply(BigDecimal.valueOf(unit)).longValue();
            long newSize = m.group(1) != null ? ct.diskBytes + requested : requested;
            if (newSize < ct.diskBytes) {
                throw PveHttpError.die("unable to shrink disk size");
            }
            if (newSize == ct.diskBytes) {
                throw PveHttpError.die("disk is already at specified size");
            }
            return cluster.tasks().start("resize", vmid, t -> {
                if (t.failure != null) {
                    return t.failure;
                }
                ct.diskBytes = newSize;
                return null;
            });
        }
    }
}
