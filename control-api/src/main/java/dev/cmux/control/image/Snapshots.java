package dev.cmux.control.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveJson;
import dev.cmux.control.pve.TaskWaiter;
import dev.cmux.control.sandbox.ResolverInvalidation;
import dev.cmux.control.sandbox.Sandbox;
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
        for (JsonNode n : pve.snapshots(s.node(), vmid)) {
            String name = PveJson.text(n, "name");
            if (!"current".equals(name)) {
                long time = PveJson.longValue(n.get("snaptime"), 0);
                out.add(new Snapshot(name, PveJson.text(n, "description"),
                        time == 0 ? null : Instant.ofEpochSecond(time), PveJson.text(n, "parent")));
            }
        }
        return out;
    }

    /** Takes a snapshot and waits for it; a running sandbox keeps running. */
    public Snapshot create(int vmid, String name, String description) {
        Sandbox s = sandboxes.get(vmid);
        pveSays(() -> {
            tasks.await(pve.snapshot(s.node(), vmid, name, description));
            return null;
        });
        return list(vmid).stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalStateException("PVE reported snapshot " + name + " of " + vmid + " made but lists none"));
    }

    /**
     * Rolls the sandbox back to {@code name}. PVE stops a running container for that; it is started again in the
     * same task ({@code start=1}) so a running sandbox is running afterwards, a stopped one stays stopped.
     */
    public Sandbox rollback(int vmid, String name) {
        Sandbox s = sandboxes.get(vmid);
        boolean running = "running".equals(s.status());
        pveSays(() -> {
            tasks.await(pve.rollback(s.node(), vmid, name, running));
            return null;
        });
        invalidation.invalidate(vmid);
        return sandboxes.get(vmid);
    }

    public void delete(int vmid, String name) {
        Sandbox s = sandboxes.get(vmid);
        pveSays(() -> {
            tasks.await(pve.deleteSnapshot(s.node(), vmid, name));
            return null;
        });
    }

    private static <T> T pveSays(Supplier<T> call) {
        try {
            return call.get();
        } catch (PveException e) {
            throw PveRefusals.translate(e);
        }
    }
}
