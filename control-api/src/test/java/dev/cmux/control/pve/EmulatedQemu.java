package dev.cmux.control.pve;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The QEMU half of the emulated node: VMs with PVE's two notions of state ({@code status}: is there a QEMU process;
 * {@code qmpstatus}: QEMU's run state), pause in RAM, hibernation to disk ({@code lock: suspended} + {@code vmstate}),
 * clones, snapshots with or without RAM, destroy, and the guest agent (ping, network, exec that really runs the
 * command on this machine). Every rule is from docs/pve-qemu.md, which names the qemu-server function it was read in;
 * the section is given at each rule. Guarded by the cluster's monitor, like the containers.
 */
final class EmulatedQemu {

    /** QGA's {@code GUEST_EXEC_MAX_OUTPUT}: each stream is captured up to 16 MiB (docs/pve-qemu.md §6). */
    static final int GUEST_EXEC_MAX_OUTPUT = 16 * 1024 * 1024;

    /** One VM; mutable, read and written under the cluster's monitor. */
    static final class Vm {
        final int vmid;
        String name;
        /** The node whose {@code /etc/pve/nodes/<node>/qemu-server/} holds the config; the first unless placed. */
        String node;
        /** The storage of its disk {@code scsi0}. */
        String storage = "local-zfs";
        /** The fraction of its vCPUs it used over pvestatd's last interval (§4.2); 0 while stopped. */
        double cpu;
        /** A QEMU process exists: {@code running}, else {@code stopped}. */
        String status = "stopped";
        /** QMP {@code stop} was sent ({@code suspend} without {@code todisk}): qmpstatus {@code paused}. */
        boolean paused;
        boolean template;
        String lock;
        String tags;
        String description;
        int cores = 1;
        int memory = 2048;
        /** The {@code agent} config key; null: absent ("No QEMU guest agent configured"). */
        String agent = "1";
        /** qemu-ga is installed and started in the guest. */
        boolean guestAgent = true;
        /** The hibernation state volume ({@code vmstate} config key) while hibernated. */
        String vmstate;
        Integer linkedFrom;
        String address;
        long netin;
        long netout;
        /** Snapshot name → whether it holds RAM ({@code vmstate}); oldest first. */
        final Map<String, Boolean> snapshots = new LinkedHashMap<>();
        /** The guest ignores ACPI power-down (no acpid): a shutdown times out. */
        boolean ignoresAcpi;

        Vm(int vmid, String name) {
            this.vmid = vmid;
            this.name = name;
        }

        String qmpstatus() {
            return status.equals("running") ? (paused ? "paused" : "running") : "stopped";
        }
    }

    /** A command the agent started: the process and what it has written so far. */
    private static final class GuestProcess {
        final Process process;
        final Capture out;
        final Capture err;

        GuestProcess(Process process) {
            this.process = process;
            this.out = new Capture(process.getInputStream());
            this.err = new Capture(process.getErrorStream());
        }
    }

    /** Reads one stream to its end, keeping the first 16 MiB and discarding the rest, as qemu-ga does. */
    private static final class Capture extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private volatile boolean truncated;

        Capture(InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] buffer = new byte[65536];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (kept) {
                        int room = GUEST_EXEC_MAX_OUTPUT - kept.size();
                        kept.write(buffer, 0, Math.min(room, n));
                        truncated |= n > room;
                    }
                }
            } catch (IOException ignored) {
                // the process is gone: what was read is what it wrote
            }
        }

        byte[] bytes() {
            synchronized (kept) {
                return kept.toByteArray();
            }
        }
    }

    private final EmulatedCluster cluster;
    private final Map<Integer, Vm> vms = new TreeMap<>();
    /** The agent's exec records by guest pid: removed by the first status that reports the exit. */
    private final Map<Long, GuestProcess> guestProcesses = new ConcurrentHashMap<>();

    EmulatedQemu(EmulatedCluster cluster) {
        this.cluster = cluster;
    }

    // ---- state, for the cluster and tests ----

    void seed(Vm vm) {
        synchronized (cluster) {
            if (vm.node == null) {
                vm.node = cluster.nodes.first();
            }
            vms.put(vm.vmid, vm);
        }
    }

    /** The VM as the node answering the call sees it (see {@link EmulatedCluster#find}); every VM outside a call. */
    Vm find(int vmid) {
        synchronized (cluster) {
            Vm vm = vms.get(vmid);
            String here = cluster.nodes.answering();
            return vm == null || here == null || vm.node.equals(here) ? vm : null;
        }
    }

    /** The VM wherever it is. */
    Vm anywhere(int vmid) {
        synchronized (cluster) {
            return vms.get(vmid);
        }
    }

    /** Its node's going offline or coming back stops or restarts the answers of each running VM's address. */
    void announceAll(String node, boolean online) {
        synchronized (cluster) {
            for (Vm vm : vms.values()) {
                if (vm.node.equals(node) && vm.status.equals("running") && !vm.paused) {
                    cluster.network.announce(vm.vmid, node, vm.address, online);
                }
            }
        }
    }

    boolean has(int vmid) {
        return find(vmid) != null;
    }

    List<Integer> vmids() {
        synchronized (cluster) {
            return List.copyOf(vms.keySet());
        }
    }

    /** A missing VM: {@code AbstractConfig::load_config}'s message (docs/pve-qemu.md §1). */
    private PveHttpError noConfig(int vmid) {
        return PveHttpError.die("Configuration file 'nodes/" + cluster.nodes.here() + "/qemu-server/" + vmid
                + ".conf' does not exist");
    }

    Vm existing(int vmid) {
        synchronized (cluster) {
            Vm vm = find(vmid);
            if (vm == null) {
                throw noConfig(vmid);
            }
            return vm;
        }
    }

    // ---- status ----

    /** {@code /cluster/resources} entries: {@code status} is the qmpstatus there (docs/pve-qemu.md §2). */
    List<Map<String, Object>> resources() {
        synchronized (cluster) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Vm vm : vms.values()) {
                Map<String, Object> r = summary(vm);
                r.remove("qmpstatus");
                r.put("status", vm.qmpstatus());
                r.put("id", "qemu/" + vm.vmid);
                r.put("type", "qemu");
                r.put("node", vm.node);
                r.put("template", vm.template ? 1 : 0);
                out.add(cluster.broadcast(r, vm.node));
            }
            return out;
        }
    }

    /** {@code GET /nodes/{node}/qemu}: the VMs of the answering node. */
    List<Map<String, Object>> list() {
        synchronized (cluster) {
            return vms.values().stream().filter(vm -> vm.node.equals(cluster.nodes.here()))
                    .map(vm -> currentStatus(vm.vmid)).toList();
        }
    }

    private Map<String, Object> summary(Vm vm) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("vmid", vm.vmid);
        s.put("status", vm.status);
        s.put("qmpstatus", vm.qmpstatus());
        s.put("name", vm.name);
        s.put("cpus", vm.cores);
        s.put("maxmem", vm.memory * 1048576L);
        s.put("maxdisk", 32L << 30);
        s.put("disk", 0); // "no info available" for QEMU
        s.put("uptime", vm.status.equals("running") ? 42 : 0);
        s.put("cpu", vm.cpu);
        s.put("netin", vm.netin);
        s.put("netout", vm.netout);
        presentOnly(s, vm);
        return s;
    }

    private static void presentOnly(Map<String, Object> out, Vm vm) {
        EmulatedCluster.putPresentOnly(out, vm.tags, vm.lock, vm.template);
    }

    /** {@code status/current}: {@code agent: 1} only when the agent is enabled in the config (§2). */
    Map<String, Object> currentStatus(int vmid) {
        synchronized (cluster) {
            Vm vm = existing(vmid);
            Map<String, Object> s = summary(vm);
            s.put("ha", Map.of("managed", 0));
            if (agentEnabled(vm)) {
                s.put("agent", 1);
            }
            return s;
        }
    }

    private static boolean agentEnabled(Vm vm) {
        return vm.agent != null && (vm.agent.equals("1") || vm.agent.contains("enabled=1"));
    }

    // ---- config ----

    /** {@code GET …/config}: {@code memory} and {@code agent} are strings, the description trimmed (§1.7). */
    Map<String, Object> config(int vmid) {
        synchronized (cluster) {
            Vm vm = existing(vmid);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", vm.name);
            c.put("cores", vm.cores);
            c.put("sockets", 1);
            c.put("memory", String.valueOf(vm.memory));
            if (vm.agent != null) {
                c.put("agent", vm.agent);
            }
            c.put("ostype", "l26");
            c.put("scsihw", "virtio-scsi-pci");
            c.put("net0", "virtio=BC:24:11:00:01:" + String.format("%02X", vm.vmid % 256) + ",bridge=vmbr0");
            c.put("scsi0", volid(vm) + ",size=32G");
            if (vm.description != null) {
                c.put("description", vm.description);
            }
            if (vm.vmstate != null) {
                c.put("vmstate", vm.vmstate);
                c.put("runningmachine", "pc-i440fx-10.0+pve0");
            }
            c.put("digest", digest(vm));
            presentOnly(c, vm);
            return c;
        }
    }

    /** The disk's volume id: a linked clone's names its template's base volume. */
    static String volid(Vm vm) {
        return vm.storage + ":" + (vm.linkedFrom != null ? "base-" + vm.linkedFrom + "-disk-0/" : "")
                + (vm.template ? "base-" : "vm-") + vm.vmid + "-disk-0";
    }

    private static String digest(Vm vm) {
        String file = vm.name + "|" + vm.cores + "|" + vm.memory + "|" + vm.tags + "|" + vm.lock + "|" + vm.template
                + "|" + vm.description + "|" + vm.agent + "|" + vm.vmstate + "|" + vm.snapshots;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(file.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code PUT …/config} (§1.7): {@code no options specified}; the lock, {@code suspended} included (§1.4: a
     * hibernated VM's config cannot change); the digest's own wording.
     */
    void updateConfig(int vmid, Map<String, String> p) {
        synchronized (cluster) {
            Vm vm = existing(vmid);
            EmulatedCluster.ConfigUpdate update = EmulatedCluster.ConfigUpdate.of(p);
            Map<String, String> options = update.options();
            String digest = update.digest();
            if (digest != null && !digest.equals(digest(vm))) {
                throw PveHttpError.die("checksum mismatch (file change by other user?)");
            }
            if (options.equals(Map.of("delete", "vmstate")) && "suspended".equals(vm.lock)) {
                // discarding the hibernation state: the state volume and the suspended lock go (§4)
                vm.vmstate = null;
                vm.lock = null;
                return;
            }
            if (vm.lock != null) {
                throw PveHttpError.die("VM is locked (" + vm.lock + ")");
            }
            options.forEach((k, v) -> {
                switch (k) {
                    case "tags" -> vm.tags = String.join(";",
                            new TreeSet<>(List.of(v.toLowerCase().trim().split("[;, ]+"))));
                    case "description" -> vm.description = v.stripTrailing();
                    case "cores" -> vm.cores = Integer.parseInt(v);
                    case "memory" -> vm.memory = Integer.parseInt(v.replace("current=", ""));
                    case "name" -> vm.name = v;
                    case "agent" -> vm.agent = v;
                    default -> { }
                }
            });
        }
    }

    // ---- power (§3) ----

    /** The QEMU process starts or ends: new tap devices, so the counters restart; the guest's app follows. */
    private void power(Vm vm, boolean running) {
        vm.status = running ? "running" : "stopped";
        vm.paused = false;
        vm.netin = 0;
        vm.netout = 0;
        vm.cpu = 0;
        cluster.network.announce(vm.vmid, vm.node, vm.address, running);
    }

    String statusAction(int vmid, String action, Map<String, String> p) {
        synchronized (cluster) {
            Vm vm = find(vmid);
            boolean running = vm != null && vm.status.equals("running");
            return switch (action) {
                case "start" -> start(vmid);
                case "stop" -> task("qmstop", vmid, t -> {
                    Vm v = find(vmid);
                    if (v == null) {
                        return missingOnNode(vmid).getMessage();
                    }
                    if (!v.status.equals("running")) {
                        return null; // _do_vm_stop returns when not running: TASK OK
                    }
                    if (v.lock != null) {
                        return "VM is locked (" + v.lock + ")";
                    }
                    power(v, false);
                    return null;
                });
                case "shutdown" -> shutdown(vmid, vm, running, "1".equals(p.get("forceStop")));
                case "reboot" -> {
                    if (vm == null) {
                        throw missingOnNode(vmid);
                    }
                    if (vm.paused) {
                        throw PveHttpError.die("VM is paused - cannot shutdown");
                    }
                    if (!running) {
                        throw PveHttpError.die("VM " + vmid + " not running");
                    }
                    yield task("qmreboot", vmid, t -> {
                        if (vm.lock != null) {
                            return "VM is locked (" + vm.lock + ")";
                        }
                        // a new QEMU process (§3 notes): counters restart, the guest's app restarts with it
                        power(vm, false);
                        power(vm, true);
                        return null;
                    });
                }
                case "suspend" -> suspend(vmid, vm, running, "1".equals(p.get("todisk")));
                case "resume" -> {
                    if (vm == null) {
                        throw missingOnNode(vmid);
                    }
                    if (!running && !"suspended".equals(vm.lock)) {
                        throw PveHttpError.die("VM " + vmid + " not running");
                    }
                    yield task("qmresume", vmid, t -> {
                        if ("suspended".equals(vm.lock)) {
                            return wakeFromDisk(vm, t); // vm_resume runs the start path (§4)
                        }
                        if (vm.lock != null) {
                            return "VM is locked (" + vm.lock + ")";
                        }
                        if (vm.paused) {
                            vm.paused = false; // QMP cont
                            cluster.network.announce(vmid, vm.node, vm.address, true);
                        }
                        return null;
                    });
                }
                default -> throw new PveHttpError(501, "Method 'POST /nodes/" + cluster.nodes.here() + "/qemu/" + vmid
                        + "/status/" + action + "' not implemented in the emulator");
            };
        }
    }

    /** {@code unable to find configuration file …}: the helpers that call {@code check_running} first (§1). */
    private PveHttpError missingOnNode(int vmid) {
        return PveHttpError.die("unable to find configuration file for VM " + vmid + " on node '"
                + cluster.nodes.here() + "'");
    }

    /** {@code qmstart}: every check is inside the task; {@code lock: suspended} is the wake from disk (§3, §4). */
    private String start(int vmid) {
        return task("qmstart", vmid, t -> {
            Vm vm = find(vmid);
            if (vm == null) {
                return noConfig(vmid).getMessage();
            }
            if (vm.template) {
                return "you can't start a vm if it's a template";
            }
            if ("suspended".equals(vm.lock)) {
                return wakeFromDisk(vm, t);
            }
            if (vm.lock != null) {
                return "VM is locked (" + vm.lock + ")";
            }
            if (vm.status.equals("running")) {
                return "VM " + vmid + " already running";
            }
            power(vm, true);
            return null;
        });
    }

    /** {@code vm_start} with {@code -loadstate}: then the state volume is freed and lock and vmstate removed. */
    private String wakeFromDisk(Vm vm, EmulatedTasks.Task t) {
        t.log.add("Resuming suspended VM");
        vm.lock = null;
        vm.vmstate = null;
        power(vm, true);
        t.log.add("Resumed VM, removing state");
        return null;
    }

    private String shutdown(int vmid, Vm vm, boolean running, boolean forceStop) {
        if (vm != null && vm.paused && !forceStop) {
            throw PveHttpError.die("VM is paused - cannot shutdown");
        }
        return task("qmshutdown", vmid, t -> {
            if (vm == null) {
                return missingOnNode(vmid).getMessage();
            }
            if (!vm.status.equals("running")) {
                return null; // not running: TASK OK
            }
            if (vm.lock != null) {
                return "VM is locked (" + vm.lock + ")";
            }
            if (vm.ignoresAcpi && !vm.paused) {
                if (!forceStop) {
                    return "VM quit/powerdown failed - got timeout";
                }
                t.log.add("VM quit/powerdown failed - terminating now with SIGTERM");
            }
            power(vm, false);
            return null;
        });
    }

    /** {@code qmpause} (QMP stop, no lock) or {@code qmsuspend} (state to disk, lock suspending → suspended). */
    private String suspend(int vmid, Vm vm, boolean running, boolean toDisk) {
        if (vm == null) {
            throw missingOnNode(vmid);
        }
        if (!running) {
            throw PveHttpError.die("VM " + vmid + " not running");
        }
        if (!toDisk) {
            return task("qmpause", vmid, t -> {
                if (vm.lock != null && !vm.lock.equals("backup")) {
                    return "VM is locked (" + vm.lock + ")";
                }
                vm.paused = true;
                cluster.network.announce(vmid, vm.node, vm.address, false); // the guest's app no longer answers
                return null;
            });
        }
        // the lock is checked in the worker (§3 table); while it saves the RAM the config says suspending
        String early = vm.lock != null ? "VM is locked (" + vm.lock + ")" : null;
        if (early == null) {
            vm.lock = "suspending";
        }
        return task("qmsuspend", vmid, t -> {
            if (early != null) {
                return early;
            }
            vm.vmstate = "local-zfs:vm-" + vmid + "-state-suspend-2026-12-07";
            power(vm, false);
            vm.lock = "suspended";
            return null;
        });
    }

    // ---- clone, destroy (§1.6, §1.10) ----

    Object clone(int source, Map<String, String> p) {
        synchronized (cluster) {
            String target = cluster.cloneTarget(p);
            Vm src = existing(source);
            if (src.lock != null) {
                throw PveHttpError.die("VM is locked (" + src.lock + ")");
            }
            String snapname = p.get("snapname");
            if (snapname != null && !src.snapshots.containsKey(snapname)) {
                throw PveHttpError.die("snapshot '" + snapname + "' does not exist");
            }
            boolean full = p.containsKey("full") ? "1".equals(p.get("full")) : !src.template;
            if (!full && p.containsKey("storage")) {
                throw PveHttpError.die("parameter 'storage' not allowed for linked clones");
            }
            if (!full && !src.template && snapname == null) {
                throw PveHttpError.die("Linked clone feature is not supported for 'local-zfs:vm-" + source
                        + "-disk-0' (scsi0)");
            }
            if (target != null && !cluster.storage.find(src.storage).shared()) {
                // every disk of the source must be shared; a shared 'storage' does not help (§3.5)
                throw PveHttpError.die("can't clone VM to node '" + target + "' (VM uses local storage)");
            }
            int newid = Integer.parseInt(p.get("newid"));
            if (find(newid) != null) {
                throw PveHttpError.die("unable to create VM " + newid + ": config file already exists");
            }
            // pmxcfs refuses a config whose vmid another node or a container uses (§1.6): only the task sees it
            boolean takenElsewhere = cluster.used(newid);
            String here = cluster.nodes.here();
            Vm copy = takenElsewhere ? null : new Vm(newid, p.getOrDefault("name", "Copy-of-VM-" + src.name));
            if (copy != null) {
                copy.node = here;
                copy.storage = full && p.containsKey("storage") ? p.get("storage") : src.storage;
                copy.lock = "clone";
                copy.tags = src.tags;
                copy.description = p.containsKey("description") ? p.get("description").stripTrailing()
                        : src.description;
                copy.cores = src.cores;
                copy.memory = src.memory;
                copy.agent = src.agent;
                copy.guestAgent = src.guestAgent;
                copy.linkedFrom = full ? null : source;
                vms.put(newid, copy);
            }
            return task("qmclone", source, t -> {
                if (takenElsewhere) {
                    return "clone failed: close (rename) atomic file '/etc/pve/nodes/" + here
                            + "/qemu-server/" + newid + ".conf' failed: File exists";
                }
                if (t.failure != null) {
                    vms.remove(newid);
                    return "clone failed: " + t.failure;
                }
                t.log.add("create " + (full ? "full" : "linked") + " clone of drive scsi0");
                copy.lock = null;
                if (target != null) {
                    copy.node = target; // the config is moved to the target at the end (§3.5)
                }
                return null;
            });
        }
    }

    String destroy(int vmid) {
        synchronized (cluster) {
            Vm vm = existing(vmid);
            if (vm.status.equals("running")) {
                throw PveHttpError.die("VM " + vmid + " is running - destroy failed");
            }
            return task("qmdestroy", vmid, t -> {
                if (vm.lock != null && !vm.lock.equals("suspended")) {
                    return "VM is locked (" + vm.lock + ")"; // a hibernated VM can be destroyed
                }
                if (vm.template && vms.values().stream().anyMatch(v -> Integer.valueOf(vmid).equals(v.linkedFrom))) {
                    return "base volume 'local-zfs:base-" + vmid + "-disk-0' is still in use by linked cloned";
                }
                vms.remove(vmid);
                return null;
            });
        }
    }

    /** {@code POST …/template}: a UPID of {@code qmtemplate} (unlike LXC); checks before the task (§1.8). */
    String template(int vmid) {
        synchronized (cluster) {
            Vm vm = existing(vmid);
            if (vm.lock != null) {
                throw PveHttpError.die("VM is locked (" + vm.lock + ")");
            }
            if (!vm.snapshots.isEmpty()) {
                throw PveHttpError.die("unable to create template, because VM contains snapshots");
            }
            if (vm.template) {
                throw PveHttpError.die("you can't convert a template to a template");
            }
            if (vm.status.equals("running")) {
                throw PveHttpError.die("you can't convert a VM to template if VM is running");
            }
            return task("qmtemplate", vmid, t -> {
                vm.template = true;
                return null;
            });
        }
    }

    // ---- snapshots (§1.9) ----

    List<Map<String, Object>> snapshots(int vmid) {
        synchronized (cluster) {
            Vm vm = existing(vmid);
            List<Map<String, Object>> out = new ArrayList<>();
            String parent = null;
            for (Map.Entry<String, Boolean> s : vm.snapshots.entrySet()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("name", s.getKey());
                item.put("description", "");
                item.put("snaptime", 1765000000);
                item.put("vmstate", s.getValue() ? 1 : 0);
                if (parent != null) {
                    item.put("parent", parent);
                }
                out.add(item);
                parent = s.getKey();
            }
            Map<String, Object> current = new LinkedHashMap<>();
            current.put("name", "current");
            current.put("description", "You are here!");
            current.put("running", vm.status.equals("running") ? 1 : 0);
            current.put("digest", digest(vm));
            if (parent != null) {
                current.put("parent", parent);
            }
            out.add(current);
            return out;
        }
    }

    String snapshot(int vmid, String name, boolean withRam) {
        synchronized (cluster) {
            Vm vm = existing(vmid);
            if (name.equals("current") || name.equals("pending")) {
                throw PveHttpError.die("unable to use snapshot name '" + name + "' (reserved name)");
            }
            return task("qmsnapshot", vmid, t -> {
                if (vm.template) {
                    return "you can't take a snapshot if it's a template";
                }
                if (vm.lock != null) {
                    return "VM is locked (" + vm.lock + ")";
                }
                if (vm.snapshots.containsKey(name)) {
                    return "snapshot name '" + name + "' already used";
                }
                // vmstate of a stopped VM is silently ignored
                vm.snapshots.put(name, withRam && vm.status.equals("running"));
                return null;
            });
        }
    }

    String rollback(int vmid, String name, boolean start) {
        synchronized (cluster) {
            Vm vm = existing(vmid);
            return task("qmrollback", vmid, t -> {
                if (vm.template) {
                    return "you can't rollback if vm is a template";
                }
                if (!vm.snapshots.containsKey(name)) {
                    return "snapshot '" + name + "' does not exist";
                }
                if (vm.lock != null) {
                    return "VM is locked (" + vm.lock + ")";
                }
                if (vm.status.equals("running")) {
                    power(vm, false); // a running VM is hard-stopped first
                }
                if (vm.snapshots.get(name) || start) {
                    power(vm, true); // with RAM state it is started from it
                }
                return null;
            });
        }
    }

    String deleteSnapshot(int vmid, String name) {
        synchronized (cluster) {
            Vm vm = existing(vmid);
            return task("qmdelsnapshot", vmid, t -> {
                if (vm.snapshots.remove(name) == null) {
                    return "snapshot '" + name + "' does not exist";
                }
                return null;
            });
        }
    }

    // ---- guest agent (§5, §6) ----

    /**
     * {@code assert_agent_available}, in its order: the {@code agent} key absent; the VM not running (a hibernated VM
     * included); the agent not answering its 3 s ping (not installed, or the VM paused: a stopped CPU answers
     * nothing).
     */
    private Vm agentAvailable(int vmid) {
        Vm vm = existing(vmid);
        if (vm.agent == null) {
            throw PveHttpError.die("No QEMU guest agent configured");
        }
        if (!vm.status.equals("running")) {
            throw PveHttpError.die("VM " + vmid + " is not running");
        }
        if (!vm.guestAgent || vm.paused || !agentEnabled(vm)) {
            throw PveHttpError.die("QEMU guest agent is not running");
        }
        return vm;
    }

    Object ping(int vmid) {
        synchronized (cluster) {
            agentAvailable(vmid);
            return Map.of("result", Map.of());
        }
    }

    /** {@code ip-address-type} {@code ipv4}/{@code ipv6}, {@code prefix} a number; {@code lo} and link-local listed. */
    Object networkInterfaces(int vmid) {
        synchronized (cluster) {
            Vm vm = agentAvailable(vmid);
            String mac = String.format("bc:24:11:00:01:%02x", vm.vmid % 256);
            List<Map<String, Object>> addresses = new ArrayList<>();
            String ip = cluster.network.ipv4(vm.node, vm.vmid, vm.address);
            if (ip != null) {
                addresses.add(Map.of("ip-address-type", "ipv4", "ip-address", ip, "prefix", 24));
            }
            addresses.add(Map.of("ip-address-type", "ipv6", "ip-address", "fe80::be24:11ff:fe00:101", "prefix", 64));
            return Map.of("result", List.of(
                    Map.of("name", "lo", "hardware-address", "00:00:00:00:00:00", "ip-addresses", List.of(
                            Map.of("ip-address-type", "ipv4", "ip-address", "127.0.0.1", "prefix", 8),
                            Map.of("ip-address-type", "ipv6", "ip-address", "::1", "prefix", 128))),
                    Map.of("name", "eth0", "hardware-address", mac, "ip-addresses", addresses)));
        }
    }

    /**
     * {@code agent/exec}: {@code command} an array (path, then arguments; no shell), {@code input-data} written to
     * stdin and closed, else stdin is /dev/null; returns at once with the pid. The command really runs here, as
     * the guest would run it.
     */
    Object exec(int vmid, List<String> command, String input) {
        synchronized (cluster) {
            agentAvailable(vmid);
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        if (input == null) {
            builder.redirectInput(new File("/dev/null"));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw PveHttpError.die("Agent error: Guest agent command failed, error was 'Failed to execute child "
                    + "process \"" + command.get(0) + "\" (No such file or directory)'");
        }
        if (input != null) {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.ISO_8859_1)); // PVE base64-encodes it as Latin-1
            } catch (IOException ignored) {
                // the command does not read its stdin
            }
        }
        guestProcesses.put(process.pid(), new GuestProcess(process));
        return Map.of("pid", process.pid());
    }

    /**
     * {@code agent/exec-status}: {@code exited: 0} while it runs or its pipes are open; then once the exit code and
     * the streams (bytes as Latin-1 characters: PVE's decoding), {@code *-truncated} with the data (a fixed
     * qemu-ga), and the record is gone: a second call is {@code Agent error: Invalid parameter 'pid'}.
     */
    Object execStatus(int vmid, long pid) {
        synchronized (cluster) {
            agentAvailable(vmid);
        }
        GuestProcess p = guestProcesses.get(pid);
        if (p == null) {
            throw PveHttpError.die("Agent error: Invalid parameter 'pid'");
        }
        if (p.process.isAlive() || p.out.isAlive() || p.err.isAlive()) {
            return Map.of("exited", 0);
        }
        guestProcesses.remove(pid);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("exited", 1);
        int code = p.process.exitValue();
        if (code > 128) {
            status.put("signal", code - 128);
        } else {
            status.put("exitcode", code);
        }
        stream(status, "out", p.out);
        stream(status, "err", p.err);
        return status;
    }

    private static void stream(Map<String, Object> status, String name, Capture capture) {
        byte[] bytes = capture.bytes();
        if (bytes.length > 0) {
            status.put(name + "-data", new String(bytes, StandardCharsets.ISO_8859_1));
            status.put(name + "-truncated", capture.truncated ? 1 : 0);
        }
    }

    /** Kills what the agent still runs, when the emulator closes. */
    void close() {
        guestProcesses.values().forEach(p -> p.process.destroyForcibly());
    }

    private String task(String type, int id, EmulatedTasks.Body body) {
        return cluster.tasks().start(type, id, body);
    }
}
