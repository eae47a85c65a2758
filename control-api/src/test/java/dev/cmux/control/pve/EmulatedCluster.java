package dev.cmux.control.pve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The state of a PVE cluster (one node or several: the same code) and the rules of pve-api.md: which checks fail at
 * once with HTTP 500 and which fail inside the task, the {@code disk} lock on a clone's source and {@code create} on
 * its target, tasks that take time, {@code /interfaces} that is null while stopped. Every guest has a node; a call
 * addressed to another node does not see it (docs/pve-cluster.md). Guarded by its own monitor; tasks finish on a
 * scheduler.
 */
final class EmulatedCluster {

    /** One container; mutable, always read and written under the cluster's monitor. */
    static final class Ct {
        final int vmid;
        String hostname;
        /** The node whose {@code /etc/pve/nodes/<node>/lxc/} holds the config; the first node unless placed. */
        String node;
        String status = "stopped";
        boolean template;
        String lock;
        String tags;
        String description;
        int cores = 1;
        int memory = 512;
        String address;
        Integer linkedFrom;
        /** Stopped by suspend: a CRIU checkpoint waits for resume (pve-api.md §5: the status is {@code stopped}). */
        boolean suspended;
        /** The storage of the rootfs volume, and its size in bytes. */
        String storage = "local-zfs";
        long diskBytes = 8 * EmulatedStorage.GIB;
        /** Snapshots by name, oldest first; {@code parent} is the newest (the one "current" descends from). */
        final Map<String, EmulatedImages.Snapshot> snapshots = new LinkedHashMap<>();
        String parent;
        /**
         * Bytes received and sent by the guest on its veth since it started (pve-qemu-cluster.md §4.1: LXC counts
         * {@code veth<vmid>i<N>} as QEMU counts its taps; 0 while stopped, from 0 again after a start).
         */
        long netin;
        long netout;
        /** The fraction of its cores it used over pvestatd's last interval (§4.2); 0 while stopped. */
        double cpu;
        /** {@code env}: NUL-separated {@code KEY=value} entries (PVE 9.1+), null when unset. */
        String env;
        /**
         * The environment the container's init got at its last start: each {@code env} entry becomes an
         * {@code lxc.environment.runtime} line (pve-container {@code LXC.pm update_lxc_config}, split on
         * {@code /\0+/}), so it is what {@code /proc/1/environ} holds inside.
         */
        Map<String, String> runtimeEnv = Map.of();

        Ct(int vmid, String hostname) {
            this.vmid = vmid;
            this.hostname = hostname;
        }
    }

    final EmulatedNodes nodes;
    /** The guests' addresses and who is told when they start or stop answering. */
    final GuestNetwork network;
    /** The PVE release answered by {@code /version}; before 9 the schema lacks what its DIFF lines added. */
    volatile String release = "9.2";
    private final Map<Integer, Ct> containers = new TreeMap<>();
    private final EmulatedTasks tasks;
    final EmulatedStorage storage = new EmulatedStorage();
    final EmulatedImages images = new EmulatedImages(this);
    /** The node's VMs: they share the vmid space, the tasks and this monitor with the containers. */
    final EmulatedQemu qemu = new EmulatedQemu(this);
    final EmulatedMigration migration = new EmulatedMigration(this);
    /** Route ({@code PUT /nodes/{node}/lxc/{vmid}/config}) → the 500 its next call answers with. */
    private final Map<String, String> rejectNext = new LinkedHashMap<>();
    private String failNextStartTask;
    private boolean staleResources;
    private String rejectNextStart;
    private int staleNextIds;
    private Integer staleNextId;
    /** The token's ACLs: path → privileges; {@code /} holds everything, as for {@code root@pam}. */
    private final Map<String, Set<String>> acls = new TreeMap<>(Map.of("/", ALL_PRIVILEGES));

    /**
     * The privileges this emulator knows (PVEAdmin's, pve-qemu-cluster.md §5.2, with PVE 9's guest agent ones),
     * all granted by default.
     */
    static final Set<String> ALL_PRIVILEGES = Set.of("VM.Allocate", "VM.Audit", "VM.Clone",
            "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Options", "VM.Config.Disk", "VM.Config.Network",
            "VM.Console", "VM.Migrate", "VM.PowerMgmt", "VM.Snapshot", "VM.Snapshot.Rollback",
            "Datastore.AllocateSpace", "Datastore.Audit", "Sys.Audit", "Sys.Modify", "SDN.Use",
            "VM.GuestAgent.Audit", "VM.GuestAgent.Unrestricted");

    EmulatedCluster(List<String> nodeNames, ScheduledExecutorService scheduler) {
        this.nodes = new EmulatedNodes(nodeNames);
        this.tasks = new EmulatedTasks(nodes, scheduler, this);
        this.network = new GuestNetwork(nodes, scheduler);
    }

    /** Sets the state (under the monitor, from a task) and tells the listener after the task has finished. */
    void setRunning(Ct ct, boolean running) {
        power(ct, running);
    }

    private void power(Ct ct, boolean running) {
        ct.status = running ? "running" : "stopped";
        ct.netin = 0; // a new veth on start, none while stopped
        ct.netout = 0;
        ct.cpu = 0;
        network.announce(ct.vmid, ct.node, ct.address, running);
    }

    // ---- knobs for tests ----

    /**
     * The guest received {@code in} and sent {@code out} bytes (through any gateway, or none): its {@code netin} /
     * {@code netout} grow while it runs (§4.1), container or VM.
     */
    synchronized void addTraffic(int vmid, long in, long out) {
        Ct ct = find(vmid);
        if (ct != null) {
            if (ct.status.equals("running")) {
                ct.netin += in;
                ct.netout += out;
            }
            return;
        }
        EmulatedQemu.Vm vm = qemu.existing(vmid);
        if (vm.status.equals("running")) {
            vm.netin += in;
            vm.netout += out;
        }
    }

    /** The guest's CPU load as pvestatd last measured it (§4.2), while it runs; a start resets it to 0. */
    synchronized void cpu(int vmid, double load) {
        Ct ct = find(vmid);
        if (ct != null) {
            if (ct.status.equals("running")) {
                ct.cpu = load;
            }
            return;
        }
        EmulatedQemu.Vm vm = qemu.existing(vmid);
        if (vm.status.equals("running")) {
            vm.cpu = load;
        }
    }

    synchronized void seed(Ct ct) {
        if (ct.node == null) {
            ct.node = nodes.first();
        }
        containers.put(ct.vmid, ct);
    }

    /**
     * The container as the node answering the call sees it: null when it does not exist or lives on another node.
     * Outside of a call (a test's read) every node's containers are seen.
     */
    synchronized Ct find(int vmid) {
        Ct ct = containers.get(vmid);
        String here = nodes.answering();
        return ct == null || here == null || ct.node.equals(here) ? ct : null;
    }

    /** The guest's node, container or VM, wherever it is; null when there is none. */
    synchronized String nodeOf(int vmid) {
        Ct ct = containers.get(vmid);
        if (ct != null) {
            return ct.node;
        }
        EmulatedQemu.Vm vm = qemu.anywhere(vmid);
        return vm == null ? null : vm.node;
    }

    /** Whether the vmid is used anywhere in the cluster, by a container or a VM (pmxcfs's vmlist). */
    synchronized boolean used(int vmid) {
        return nodeOf(vmid) != null;
    }

    /**
     * A node goes offline (corosync loses it, and with it every address on it) or comes back with its guests as
     * they were: the running guests' addresses stop or start answering.
     */
    synchronized void nodeOnline(String node, boolean online) {
        EmulatedNodes.Node n = nodes.member(node);
        if (n.online == online) {
            return;
        }
        n.online = online;
        for (Ct ct : containers.values()) {
            if (ct.node.equals(node) && ct.status.equals("running")) {
                network.announce(ct.vmid, node, ct.address, online);
            }
        }
        qemu.announceAll(node, online);
    }

    synchronized List<Integer> vmids() {
        return List.copyOf(containers.keySet());
    }

    synchronized void failNextStartTask(String message) {
        failNextStartTask = message;
    }

    /** The next call of {@code route} (e.g. {@code PUT /nodes/{node}/lxc/{vmid}/config}) is refused with a 500. */
    synchronized void rejectNext(String route, String message) {
        rejectNext.put(route, message);
    }

    /** Throws the refusal armed for {@code route}, once. */
    synchronized void refuseIfArmed(String route) {
        String message = rejectNext.remove(route);
        if (message != null) {
            throw PveHttpError.die(message);
        }
    }

    /** Every container of the cluster, for migration and placement. */
    synchronized Ct anywhere(int vmid) {
        return containers.get(vmid);
    }

    /** Removes a container's config (a failed clone's worker does). */
    synchronized void forget(int vmid) {
        containers.remove(vmid);
    }

    /** Every container, for the image rules in {@link EmulatedImages}. */
    synchronized java.util.Collection<Ct> all() {
        return List.copyOf(containers.values());
    }

    synchronized void rejectNextStart(String message) {
        rejectNextStart = message;
    }

    synchronized void repeatNextId(int times) {
        staleNextIds = times;
    }

    /** An ACL on {@code path} with exactly {@code privileges}: it replaces what the path inherits. */
    synchronized void acl(String path, Set<String> privileges) {
        acls.put(path, Set.copyOf(privileges));
    }

    /**
     * {@code GET /access/permissions}: with {@code path}, the privileges there, from the most specific ACL at or above
     * it (a more specific ACL replaces inherited roles, pve-qemu-cluster.md §5.1); each maps to its propagate flag.
     */
    synchronized Map<String, Object> permissions(String path) {
        Map<String, Object> out = new TreeMap<>();
        if (path == null) {
            acls.forEach((p, privileges) -> out.put(p, flags(privileges)));
            return out;
        }
        String at = path;
        while (!acls.containsKey(at)) {
            at = at.lastIndexOf('/') <= 0 ? "/" : at.substring(0, at.lastIndexOf('/'));
        }
        out.put(path, flags(acls.get(at)));
        return out;
    }

    private static Map<String, Integer> flags(Set<String> privileges) {
        Map<String, Integer> flags = new TreeMap<>();
        privileges.forEach(p -> flags.put(p, 1));
        return flags;
    }

    /** What {@code ip a} inside the container shows from now on (its DHCP lease, say). */
    synchronized void address(int vmid, String address) {
        existing(vmid).address = address;
    }

    void taskDuration(Duration duration) {
        tasks.duration(duration);
    }

    synchronized <T> T read(Supplier<T> reader) {
        return reader.get();
    }

    // ---- endpoints ----

    synchronized Ct existing(int vmid) {
        Ct ct = find(vmid);
        if (ct == null) {
            throw noConfig(vmid);
        }
        return ct;
    }

    /** {@code AbstractConfig::load_config} on the answering node: the config is not in its directory. */
    PveHttpError noConfig(int vmid) {
        return PveHttpError.die("Configuration file 'nodes/" + nodes.here() + "/lxc/" + vmid + ".conf' does not exist");
    }

    /**
     * The checks of a clone's {@code target} and {@code storage} that PVE makes before anything else (qemu-server
     * and pve-container {@code clone_vm}, docs/pve-cluster.md): the target must be a member (the answering node or
     * {@code localhost} means no target), the storage enabled here and, with a target, enabled there and shared;
     * then quorum. The effective target, or null.
     */
    synchronized String cloneTarget(Map<String, String> p) {
        String here = nodes.here();
        String target = p.get("target");
        if (target == null || target.equals(here) || target.equals("localhost")) {
            target = null;
        } else {
            nodes.checkExists(target);
        }
        String storageId = p.get("storage");
        if (storageId != null) {
            EmulatedStorage.Storage s = storage.enabled(storageId, here);
            if (target != null) {
                storage.enabled(storageId, target);
                if (!s.shared()) {
                    throw PveHttpError.die("can't clone to non-shared storage '" + storageId + "'");
                }
            }
        }
        nodes.checkQuorum();
        return target;
    }

    synchronized String nextId(String wanted) {
        if (wanted != null) {
            int vmid = Integer.parseInt(wanted);
            if (used(vmid)) {
                throw new PveHttpError(400, "Parameter verification failed.",
                        Map.of("vmid", "VM " + vmid + " already exists"));
            }
            return wanted;
        }
        if (staleNextIds > 0 && staleNextId != null) {
            staleNextIds--;
            return String.valueOf(staleNextId);
        }
        int vmid = 100;
        while (used(vmid)) {
            vmid++;
        }
        staleNextId = vmid;
        return String.valueOf(vmid); // a string, as real PVE answers
    }

    /** A config update's options (path variables left out) and the digest it was made from, if it names one. */
    record ConfigUpdate(Map<String, String> options, String digest) {

        /** PVE refuses an update without options, for containers and VMs alike. */
        static ConfigUpdate of(Map<String, String> p) {
            Map<String, String> options = new LinkedHashMap<>(p);
            options.remove("node");
            options.remove("vmid");
            String digest = options.remove("digest");
            if (options.isEmpty()) {
                throw PveHttpError.die("no options specified");
            }
            return new ConfigUpdate(options, digest);
        }
    }

    synchronized void updateConfig(int vmid, Map<String, String> p) {
        Ct ct = existing(vmid);
        ConfigUpdate update = ConfigUpdate.of(p);
        Map<String, String> options = update.options();
        String digest = update.digest();
        if (ct.lock != null) {
            throw PveHttpError.die("CT is locked (" + ct.lock + ")");
        }
        // PVE::AbstractConfig::assert_config_digest (pve-api.md "PUT config"): the update is refused when the config
        // changed since the caller read it
        if (digest != null && !digest.equals(digest(ct))) {
            throw PveHttpError.die("detected modified configuration - file changed by other user? Try again.");
        }
        options.forEach((k, v) -> {
            switch (k) {
                case "tags" -> ct.tags = String.join(";",
                        new TreeSet<>(List.of(v.toLowerCase().trim().split("[;, ]+"))));
                case "description" -> ct.description = storedDescription(v);
                case "cores" -> ct.cores = Integer.parseInt(v);
                case "memory" -> ct.memory = Integer.parseInt(v);
                case "hostname" -> ct.hostname = v;
                case "env" -> ct.env = v;
                default -> { }
            }
        });
    }

    private static Map<String, String> runtimeEnvironment(String env) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : env == null ? new String[0] : env.split("\0+")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                out.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return Map.copyOf(out);
    }

    /**
     * The description as read back: PVE stores it as {@code #} comment lines ({@code split /\n/}, so trailing empty
     * lines vanish) and each line comes back with its newline.
     */
    static String storedDescription(String text) {
        String trimmed = text.replaceAll("\n+$", "");
        return trimmed + "\n";
    }

    synchronized Map<String, Object> config(int vmid) {
        Ct ct = existing(vmid);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("arch", "amd64");
        c.put("cores", ct.cores);
        c.put("memory", ct.memory);
        c.put("hostname", ct.hostname);
        c.put("ostype", "debian");
        c.put("net0", "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:" + String.format("%02X", ct.vmid % 256)
                + ",ip=dhcp,type=veth");
        c.put("rootfs", rootfs(ct));
        c.put("swap", 512);
        c.put("unprivileged", 1);
        c.put("digest", digest(ct));
        if (ct.description != null) {
            c.put("description", ct.description);
        }
        if (ct.env != null) {
            c.put("env", ct.env);
        }
        putPresentOnly(c, ct);
        return c;
    }

    /** {@code local-zfs:subvol-101-disk-0,size=8G}: the volume and its size as {@code print_ct_mountpoint} writes. */
    String rootfs(Ct ct) {
        return EmulatedStorage.volid(storage.find(ct.storage), ct.vmid, ct.template, ct.linkedFrom)
                + ",size=" + EmulatedImages.sizeText(ct.diskBytes);
    }

    /** SHA1 of the config as PVE computes it of the config file: any change of the config changes it. */
    private static String digest(Ct ct) {
        String file = ct.hostname + "|" + ct.cores + "|" + ct.memory + "|" + ct.tags + "|" + ct.lock + "|"
                + ct.template + "|" + ct.description + "|" + ct.storage + "|" + ct.diskBytes + "|" + ct.parent + "|"
                + ct.env;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(file.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putPresentOnly(Map<String, Object> out, Ct ct) {
        putPresentOnly(out, ct.tags, ct.lock, ct.template);
    }

    /**
     * {@code tags}, {@code lock} and {@code template} appear only when set, in config and status alike, of
     * containers and VMs.
     */
    static void putPresentOnly(Map<String, Object> out, String tags, String lock, boolean template) {
        if (tags != null) {
            out.put("tags", tags);
        }
        if (lock != null) {
            out.put("lock", lock);
        }
        if (template) {
            out.put("template", 1);
        }
    }

    synchronized Map<String, Object> currentStatus(int vmid) {
        Ct ct = existing(vmid);
        Map<String, Object> s = summary(ct);
        s.put("ha", Map.of("managed", 0));
        return s;
    }

    private Map<String, Object> summary(Ct ct) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("vmid", ct.vmid);
        s.put("type", "lxc");
        s.put("status", ct.status);
        s.put("name", ct.hostname);
        s.put("cpus", ct.cores);
        s.put("maxmem", ct.memory * 1048576L);
        s.put("maxdisk", ct.diskBytes);
        s.put("uptime", ct.status.equals("running") ? 42 : 0);
        s.put("cpu", ct.cpu);
        s.put("netin", ct.netin);
        s.put("netout", ct.netout);
        putPresentOnly(s, ct);
        return s;
    }

    /** {@code GET /nodes/{node}/lxc}: the containers of the answering node. */
    synchronized List<Map<String, Object>> list() {
        return containers.values().stream().filter(ct -> ct.node.equals(nodes.here())).map(this::summary).toList();
    }

    /**
     * {@code GET /cluster/resources} (pve-manager {@code API2/Cluster.pm resources}): guests with their node
     * ({@code type=vm}), nodes ({@code type=node}), one entry per node and enabled storage ({@code type=storage});
     * all of them without {@code type}.
     */
    synchronized List<Map<String, Object>> resources(String type) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (type == null || type.equals("vm")) {
            for (Ct ct : containers.values()) {
                Map<String, Object> r = summary(ct);
                r.put("id", "lxc/" + ct.vmid);
                r.put("node", ct.node);
                r.put("template", ct.template ? 1 : 0);
                out.add(broadcast(r, ct.node));
            }
            out.addAll(qemu.resources());
        }
        if (type == null || type.equals("node")) {
            out.addAll(nodes.list(true));
        }
        if (type == null || type.equals("storage")) {
            for (String node : nodes.names()) {
                for (EmulatedStorage.Storage s : storage.all()) {
                    if (s.enabledOn(node)) {
                        out.add(s.resource(node, nodes.online(node)));
                    }
                }
            }
        }
        return out;
    }

    /** RRD-fed fields of a guest entry, which pvestatd on the guest's node broadcasts (§3.2). */
    private static final List<String> BROADCAST = List.of("name", "uptime", "cpu", "maxcpu", "cpus", "mem", "maxmem",
            "disk", "maxdisk", "netin", "netout", "diskread", "diskwrite");

    /**
     * A guest entry as pmxcfs has it: right after a create (stale) pvestatd has not broadcast yet, so status is
     * {@code unknown} and the name is missing; for a guest of an offline node the broadcast stopped and its entry was
     * dropped (pmxcfs {@code status.c rrd_entry_is_old}), so only the live config fields (id, node, lock, tags,
     * template) remain, with status {@code unknown}.
     */
    Map<String, Object> broadcast(Map<String, Object> entry, String node) {
        if (!nodes.online(node)) {
            entry.keySet().removeAll(BROADCAST);
            entry.put("status", "unknown");
        } else if (staleResources) {
            entry.put("status", "unknown");
            entry.remove("name");
        }
        return entry;
    }

    synchronized void staleResources(boolean stale) {
        staleResources = stale;
    }

    synchronized String statusAction(int vmid, String action) {
        Ct ct = find(vmid);
        boolean running = ct != null && ct.status.equals("running");
        switch (action) {
            case "start" -> {
                if (running) {
                    throw PveHttpError.die("CT " + vmid + " already running");
                }
                if (rejectNextStart != null) {
                    String message = rejectNextStart;
                    rejectNextStart = null;
                    throw PveHttpError.die(message);
                }
                String failure = failNextStartTask;
                failNextStartTask = null;
                // the worker checks config, template and lock as soon as it is forked, not when it ends
                String early = ct == null ? noConfig(vmid).getMessage()
                        : ct.template ? "you can't start a CT if it's a template"
                        : ct.lock != null ? "CT is locked (" + ct.lock + ")" : null;
                return task("vzstart", vmid, t -> {
                    if (early != null) {
                        return early;
                    }
                    if (failure != null) {
                        t.log.add("run_buffer: 571 Script exited with status 1");
                        return failure;
                    }
                    Ct started = existing(vmid);
                    started.suspended = false; // a cold start discards a checkpoint
                    started.runtimeEnv = runtimeEnvironment(started.env);
                    power(started, true);
                    return null;
                });
            }
            case "resume" -> {
                if (running) {
                    throw PveHttpError.die("CT " + vmid + " already running");
                }
                return task("vzresume", vmid, t -> {
                    Ct resumed = existing(vmid);
                    if (!resumed.suspended) {
                        // real PVE fails inside lxc-checkpoint when there is no checkpoint; the wording is ours
                        return "lxc-checkpoint failed: no checkpoint to restore for CT " + vmid;
                    }
                    resumed.suspended = false;
                    power(resumed, true);
                    return null;
                });
            }
            case "stop", "shutdown", "suspend" -> {
                if (!running) {
                    throw PveHttpError.die("CT " + vmid + " not running");
                }
                String early = ct.lock != null ? "CT is locked (" + ct.lock + ")" : null;
                return task("vz" + action, vmid, t -> {
                    if (early != null) {
                        return early;
                    }
                    if (t.failure != null) {
                        return t.failure; // e.g. a shutdown whose guest ignores it: "container did not stop"
                    }
                    ct.suspended = action.equals("suspend");
                    power(ct, false);
                    return null;
                });
            }
            default -> throw new PveHttpError(501, "Method 'POST /nodes/" + nodes.here() + "/lxc/" + vmid + "/status/"
                    + action + "' not implemented");
        }
    }

    synchronized String destroy(int vmid, Map<String, String> p) {
        Ct ct = existing(vmid);
        if (ct.lock != null) {
            throw PveHttpError.die("CT is locked (" + ct.lock + ")");
        }
        boolean force = "1".equals(p.get("force"));
        if (ct.status.equals("running") && !force) {
            throw PveHttpError.die("unable to destroy CT " + vmid + " - container is running");
        }
        ct.lock = "destroyed";
        return task("vzdestroy", vmid, t -> {
            if (ct.template && containers.values().stream().anyMatch(c -> Integer.valueOf(vmid).equals(c.linkedFrom))) {
                ct.lock = null;
                return "base volume 'basevol-" + vmid + "-disk-0' is still in use by linked clones";
            }
            containers.remove(vmid);
            return null;
        });
    }

    synchronized Object interfaces(int vmid) {
        Ct ct = existing(vmid);
        if (!ct.status.equals("running")) {
            return null;
        }
        if (!network.dhcp() && ct.address == null) {
            return List.of(Map.of("name", "eth0", "hwaddr", "bc:24:11:00:00:01", "inet6", "fe80::be24:11ff:fe00:1/64",
                    "ip-addresses", List.of(Map.of("ip-address-type", "inet6", "ip-address", "fe80::be24:11ff:fe00:1",
                            "prefix", "64"))));
        }
        String ip = network.ipv4(ct.node, ct.vmid, ct.address);
        String mac = String.format("bc:24:11:00:00:%02x", ct.vmid % 256);
        return List.of(
                Map.of("name", "lo", "hwaddr", "00:00:00:00:00:00", "inet", "127.0.0.1/8",
                        "ip-addresses", List.of(Map.of("ip-address-type", "inet", "ip-address", "127.0.0.1",
                                "prefix", "8"))),
                Map.of("name", "eth0", "hwaddr", mac, "hardware-address", mac, "inet", ip + "/24",
                        "inet6", "fe80::be24:11ff:fe00:1/64",
                        "ip-addresses", List.of(
                                Map.of("ip-address-type", "inet", "ip-address", ip, "prefix", "24"),
                                Map.of("ip-address-type", "inet6", "ip-address", "fe80::be24:11ff:fe00:1",
                                        "prefix", "64"))));
    }

    private String task(String type, int id, EmulatedTasks.Body body) {
        return tasks.start(type, id, body);
    }

    EmulatedTasks tasks() {
        return tasks;
    }
}
