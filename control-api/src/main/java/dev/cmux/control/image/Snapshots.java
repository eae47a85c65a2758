package dev.cmux.control.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveJson;
import dev.cmux.control.pve.TaskWaiter;
import dev.cmux.control.sandbox.FirstTask;
import dev.cmux.control.sandbox.ResolverInvalidation;
import dev.cmux.control.sandbox.Sandbox;
import dev.cmux.control.sandbox.SandboxException;
import dev.cmux.control.sandbox.SandboxKind;
import dev.cmux.control.sandbox.SandboxService;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Disk snapshots of sandboxes (PVE's {@code …/snapshot} endpoints). Only sandboxes (tagged {@code cmux}) are touched:
 * anything else is 404 as everywhere in the API. PVE checks names, storage support and locks; its refusals reach
 * the caller through {@link PveRefusals}.
 */
public final class Snapshots {

    private final PveClient pve;
    private final SandboxService sandboxes;
    private final TaskWaiter tasks;
    private final ResolverInvalidation invalidation;

    public Snapshots(PveClient pve, SandboxService sandboxes, TaskWaiter tasks, ResolverInvalidation invalidation) {
        this.pve = pve;
        this.sandboxes = sandboxes;
        this.tasks = tasks;
        this.invalidation = invalidation;
    }

    /** The snapshots, oldest first, without PVE's {@code current} entry. */
    public List<Snapshot> list(int vmid) {
        Sandbox s = sandboxes.get(vmid);
        List<Snapshot> out = new ArrayList<>();
        for (JsonNode n : pve.snapshots(s.node(), s.kind(), vmid)) {
            String name = PveJson.text(n, "name");
            if (!"current".equals(name)) {
                long time = PveJson.longValue(n.get("snaptime"), 0);
                out.add(new Snapshot(name, PveJson.text(n, "description"),
                        time == 0 ? null : Instant.ofEpochSecond(time), PveJson.text(n, "parent")));
            }
        }
        return out;
    }

    /** Takes a disk snapshot and waits for it; a running sandbox keeps running. */
    public Snapshot create(int vmid, String name, String description) {
        return create(vmid, name, description, false);
    }

    /**
     * Takes a snapshot, of a running VM's RAM too when {@code vmstate} (PVE ignores it for a stopped VM), and waits
     * for it; 400 {@code vmstate-for-vms} for a container.
     */
    public Snapshot create(int vmid, String name, String description, boolean vmstate) {
        Sandbox s = sandboxes.get(vmid);
        if (vmstate && s.kind() != SandboxKind.VM) {
            throw SandboxException.of(SandboxException.Kind.BAD_REQUEST, "vmstate-for-vms", "Sandbox " + vmid
                    + " is a container: a snapshot with RAM (vmstate) is for VMs.", null);
        }
        pveSays(() -> {
            tasks.await(pve.snapshot(s.node(), s.kind(), vmid, name, description, vmstate));
            return null;
        });
        return list(vmid).stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalStateException("PVE reported snapshot " + name + " of " + vmid + " made but lists none"));
    }

    /**
     * Rolls the sandbox back to {@code name}. PVE stops a running container for that; it is started again in the
     * same task ({@code start=1}) so a running sandbox is running afterwards, a stopped one stays stopped. A VM's
     * snapshot with RAM ends running by itself (docs/pve-qemu.md §1.9): no {@code start} then.
     */
    public Sandbox rollback(int vmid, String name) {
        return beginRollback(vmid, name).finish();
    }

    /** {@link #rollback} in two steps: this one starts the rollback task; the rest waits for it. */
    public FirstTask<Sandbox> beginRollback(int vmid, String name) {
        Sandbox s = sandboxes.get(vmid);
        boolean start = "running".equals(s.status()) && !withRam(s, name);
        String upid = pveSays(() -> pve.rollback(s.node(), s.kind(), vmid, name, start));
        return new FirstTask<>(vmid, upid, () -> {
            pveSays(() -> {
                tasks.await(upid);
                return null;
            });
            invalidation.invalidate(vmid);
            return sandboxes.get(vmid);
        });
    }

    public void delete(int vmid, String name) {
        Sandbox s = sandboxes.get(vmid);
        pveSays(() -> {
            tasks.await(pve.deleteSnapshot(s.node(), s.kind(), vmid, name));
            return null;
        });
    }

    private boolean withRam(Sandbox s, String name) {
        if (s.kind() != SandboxKind.VM) {
            return false;
        }
        for (JsonNode n : pve.snapshots(s.node(), s.kind(), s.vmid())) {
            if (name.equals(PveJson.text(n, "name"))) {
                return PveJson.intValue(n.get("vmstate"), 0) == 1;
            }
        }
        return false;
    }

    private static <T> T pveSays(Supplier<T> call) {
        try {
            return call.get();
        } catch (PveException e) {
            throw PveRefusals.translate(e);
        }
    }
}
