package dev.cmux.control.pve;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /nodes/{node}/lxc|qemu/{vmid}/migrate}: the checks PVE makes before forking (HTTP errors), the worker's
 * own checks (its exit status is only {@code migration aborted}, the reason in the log), {@code lock: migrate} while
 * the guest moves, and the move itself: a container in restart mode is shut down, moved and started on the target;
 * a VM moves live. On the target the guest has a new address and fresh counters. Sources: pve-container
 * {@code API2/LXC.pm migrate_vm} and {@code LXC/Migrate.pm}, qemu-server {@code API2/Qemu.pm migrate_vm} and
 * {@code QemuMigrate.pm}, pve-guest-common {@code AbstractMigrate.pm}; see docs/pve-cluster.md §5.
 */
final class EmulatedMigration {

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final EmulatedCluster cluster;

    EmulatedMigration(EmulatedCluster cluster) {
        this.cluster = cluster;
    }

    /** The checks both API handlers start with: the target is another member and the cluster is quorate. */
    private String target(Map<String, String> p) {
        String target = p.get("target");
        if (target.equals(cluster.nodes.here())) {
            throw new PveHttpError(400, "Parameter verification failed.", Map.of("target", "target is local node."));
        }
        cluster.nodes.checkQuorum();
        cluster.nodes.checkExists(target);
        return target;
    }

    /**
     * A container: running needs {@code restart} (or {@code online}, which the worker then refuses: there is no live
     * migration of containers); in restart mode the worker shuts it down ({@code timeout}), moves it and starts it on
     * the target.
     */
    String container(int vmid, Map<String, String> p) {
        synchronized (cluster) {
            String target = target(p);
            EmulatedCluster.Ct ct = cluster.existing(vmid);
            boolean running = ct.status.equals("running");
            boolean online = "1".equals(p.get("online"));
            boolean restart = "1".equals(p.get("restart"));
            if (running && !online && !restart) {
                throw PveHttpError.die("can't migrate running container without --online or --restart");
            }
            EmulatedStorage.Storage storage = cluster.storage.find(ct.storage);
            String refusal = ct.lock != null ? "CT is locked (" + ct.lock + ")"
                    : running && online ? "lxc live migration is currently not implemented"
                    : unreachable(target) != null ? unreachable(target)
                    : !storage.enabledOn(target) ? "storage '" + storage.id() + "' is not available on node '" + target + "'"
                    : linkedOnLocal(storage, ct.linkedFrom, EmulatedStorage.volid(storage, vmid, ct.template, ct.linkedFrom));
            if (refusal == null) {
                if (running) {
                    cluster.setRunning(ct, false); // lxc-stop --nokill --timeout <timeout>: the restart's first half
                }
                ct.lock = "migrate";
            }
            String source = ct.node;
            return cluster.tasks().start("vzmigrate", vmid, t -> {
                if (refusal != null) {
                    return aborted(t, refusal);
                }
                log(t, false, "starting migration of CT " + vmid + " to node '" + target + "'");
                ct.lock = null;
                if (t.failure != null) {
                    if (running) {
                        cluster.setRunning(ct, true); // on error it is started again on the source
                    }
                    return aborted(t, t.failure);
                }
                ct.node = target;
                ct.address = null; // a lease of the source node's network
                if (running) {
                    cluster.setRunning(ct, true);
                }
                log(t, false, "migration finished successfully (from " + source + ")");
                return null;
            });
        }
    }

    /**
     * A VM: running needs {@code online}; a running VM's local disks need {@code with-local-disks}; each disk's
     * storage (or its {@code targetstorage}) must be enabled on the target. It keeps running while it moves, then a
     * new QEMU process on the target answers (at the target's address, counters from 0).
     */
    String vm(int vmid, Map<String, String> p) {
        synchronized (cluster) {
            String target = target(p);
            EmulatedQemu.Vm vm = cluster.qemu.existing(vmid);
            if (vm.lock != null) {
                throw PveHttpError.die("VM is locked (" + vm.lock + ")");
            }
            boolean running = vm.status.equals("running");
            if (running && !"1".equals(p.get("online"))) {
                throw PveHttpError.die("can't migrate running VM without --online");
            }
            EmulatedStorage.Storage from = cluster.storage.find(vm.storage);
            EmulatedStorage.Storage to = cluster.storage.enabled(
                    from.shared() ? from.id() : mapped(p.get("targetstorage"), from.id()), target);
            String volid = EmulatedQemu.volid(vm);
            String refusal = unreachable(target) != null ? unreachable(target)
                    : linkedOnLocal(from, vm.linkedFrom, volid) != null ? linkedOnLocal(from, vm.linkedFrom, volid)
                    : running && !from.shared() && !"1".equals(p.get("with-local-disks")) ? "local disks" : null;
            boolean answering = running && !vm.paused;
            if (refusal == null) {
                vm.lock = "migrate";
            }
            return cluster.tasks().start("qmigrate", vmid, t -> {
                if ("local disks".equals(refusal)) {
                    log(t, true, "can't migrate local disk '" + volid + "': can't live migrate attached local disks"
                            + " without with-local-disks option");
                    return aborted(t, "Problem found while scanning volumes - can't migrate VM - check log");
                }
                if (refusal != null) {
                    return aborted(t, refusal);
                }
                if (!running && "1".equals(p.get("online"))) {
                    log(t, false, "VM isn't running. Doing offline migration instead.");
                }
                log(t, false, "starting migration of VM " + vmid + " to node '" + target + "'");
                vm.lock = null;
                if (t.failure != null) {
                    return aborted(t, t.failure); // the source's QEMU process keeps running
                }
                if (answering) {
                    cluster.network.announce(vmid, vm.node, vm.address, false);
                }
                vm.node = target;
                vm.storage = to.id();
                vm.address = null; // a lease of the source node's network
                vm.netin = 0; // a new QEMU process with new tap devices (§4.1)
                vm.netout = 0;
                vm.cpu = 0;
                if (answering) {
                    cluster.network.announce(vmid, target, null, true);
                }
                log(t, false, "migration finished successfully");
                return null;
            });
        }
    }

    /** The storage a disk on {@code source} goes to: {@code targetstorage} is one id or {@code src:dst} pairs. */
    private static String mapped(String targetStorage, String source) {
        if (targetStorage == null) {
            return source;
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : targetStorage.split(",")) {
            String[] kv = pair.split(":", 2);
            if (kv.length == 1) {
                return kv[0]; // one storage for every disk
            }
            pairs.put(kv[0], kv[1]);
        }
        return pairs.getOrDefault(source, source);
    }

    /** The ssh test at the end of the worker's {@code prepare}: an offline target cannot be reached. */
    private String unreachable(String target) {
        return cluster.nodes.online(target) ? null : "Can't connect to destination address using public key";
    }

    /** A linked clone's volume on local storage depends on its base there and never moves (§3.5). */
    private static String linkedOnLocal(EmulatedStorage.Storage storage, Integer linkedFrom, String volid) {
        if (linkedFrom == null || storage.shared()) {
            return null;
        }
        String base = volid.substring(volid.indexOf(':') + 1, volid.indexOf('/'));
        return "can't migrate '" + volid + "' as it's a clone of '" + base + "'";
    }

    /** {@code AbstractMigrate::migrate}: the reason goes to the log, the exit status is only this. */
    private static String aborted(EmulatedTasks.Task t, String reason) {
        log(t, true, "migration aborted (duration 00:00:01): " + reason);
        return "migration aborted";
    }

    /** {@code AbstractMigrate::log}: a timestamp, and {@code ERROR: } before errors. */
    private static void log(EmulatedTasks.Task t, boolean error, String line) {
        t.log.add(LocalDateTime.now().format(LOG_TIME) + (error ? " ERROR: " : " ") + line);
    }
}
