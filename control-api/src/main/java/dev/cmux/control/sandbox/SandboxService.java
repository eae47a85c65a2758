package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.exec.ExecTarget;
import dev.cmux.control.exec.ExecdClient;
import dev.cmux.control.exec.ExecdToken;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveJson;
import dev.cmux.control.pve.TaskWaiter;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The sandbox lifecycle on PVE: linked clones of one template, named {@code cmux-<vmid>} or {@code pvelxc-<8 hex>}
 * ({@link SandboxNaming}), tagged {@code cmux},
 * with their metadata in the description. PVE is the only state: every answer here is read from it, so gateways
 * are interchangeable and a restart loses nothing. Methods block (PVE tasks take seconds); callers run them on an
 * executor, never on an event loop.
 */
public final class SandboxService {

    public static final String TAG = "cmux";
    private static final Logger LOG = Logger.getLogger(SandboxService.class.getName());
    /** Metadata writes that lost to a concurrent change of the config, tried again on what is there now. */
    private static final int METADATA_ATTEMPTS = 5;

    private final PveClient pve;
    private final SandboxSettings settings;
    private final ResolverInvalidation invalidation;
    private final SandboxCreation creation;
    private final NodeLocator nodes;
    private final TaskWaiter tasks;
    private final AddressWaiter addresses;

    public SandboxService(PveClient pve, SandboxSettings settings, ExecdClient execd,
                          ResolverInvalidation invalidation, Clock clock) {
        this(pve, settings, execd, invalidation, clock, Poller.SYSTEM);
    }

    /** @param poller how PVE tasks, addresses, execd and the template lock are waited for */
    public SandboxService(PveClient pve, SandboxSettings settings, ExecdClient execd,
                          ResolverInvalidation invalidation, Clock clock, Poller poller) {
        this.pve = pve;
        this.settings = settings;
        this.invalidation = invalidation;
        this.nodes = new NodeLocator(pve, settings.node());
        this.tasks = new TaskWaiter(pve, poller, settings.pollInterval(), settings.taskTimeout());
        this.addresses = new AddressWaiter(pve, poller, settings.pollInterval());
        this.creation = new SandboxCreation(pve, settings, execd, invalidation, clock, poller, nodes, tasks,
                addresses, this::rollBack);
    }

    public SandboxSettings settings() {
        return settings;
    }

    /** PVE's version, e.g. {@code 9.2.11}: the readiness check. */
    public String pveVersion() {
        return PveJson.text(pve.version(), "version");
    }

    /**
     * A linked clone of {@code PVE_TEMPLATE_VMID} ({@link SandboxSettings#templateVmid()}), as
     * {@link #create(CreateRequest, CloneSpec)} makes it.
     */
    public Sandbox create(CreateRequest request) {
        return beginCreate(request).finish();
    }

    /** {@link #create(CreateRequest)} up to its clone task: {@link #beginCreate(CreateRequest, CloneSpec)}. */
    public FirstTask<Sandbox> beginCreate(CreateRequest request) {
        return creation.begin(request);
    }

    /**
     * Clones as {@code unplaced} says onto the node the placement picks ({@link Placement}), writes the metadata and
     * resources, grows the root disk to the spec's size, starts the container or VM and waits for its address (and
     * for execd when configured). Any failure after the clone removes the sandbox again and reports the original
     * cause ({@link SandboxCreation}).
     */
    public Sandbox create(CreateRequest request, CloneSpec unplaced) {
        return beginCreate(request, unplaced).finish();
    }

    /**
     * {@link #create(CreateRequest, CloneSpec)} in two steps: this one places it, takes a vmid and starts the clone
     * task (nothing exists before it, so a failure here leaves nothing behind); the returned rest does everything
     * after, rolling back on failure.
     */
    public FirstTask<Sandbox> beginCreate(CreateRequest request, CloneSpec unplaced) {
        return creation.begin(request, unplaced);
    }

    /**
     * Stop (when running) and destroy with purge what a failed multi-step operation made (a clone, a half-made
     * template); a failure here is attached to the cause, never replaces it.
     */
    public void rollBack(String node, int vmid, RuntimeException cause) {
        rollBack(node, SandboxKind.LXC, vmid, cause);
    }

    /** {@link #rollBack(String, int, RuntimeException)} of a container or a VM. */
    public void rollBack(String node, SandboxKind kind, int vmid, RuntimeException cause) {
        try {
            stopIfRunning(node, kind, vmid);
            tasks.await(pve.destroy(node, kind, vmid, true));
            LOG.warning("rolled back sandbox " + vmid + " after: " + cause.getMessage());
        } catch (PveException e) {
            if (!e.noSuchContainer()) {
                cause.addSuppressed(new IllegalStateException("rollback of container " + vmid + " failed, remove "
                        + "it by hand (pct unlock " + vmid + "; pct destroy " + vmid + "): " + e.getMessage(), e));
                LOG.severe("rollback of container " + vmid + " failed: " + e.getMessage());
            }
        }
    }

    private void stopIfRunning(String node, SandboxKind kind, int vmid) {
        if (processRuns(node, kind, vmid)) {
            tasks.await(pve.statusAction(node, kind, vmid, PowerAction.STOP, Map.of()));
        }
    }

    /** A paused VM runs too (its QEMU process exists) and is stopped like a running one. */
    private boolean processRuns(String node, SandboxKind kind, int vmid) {
        return "running".equals(PveJson.text(pve.currentStatus(node, kind, vmid), "status"));
    }

    /** One sandbox as PVE sees it now; 404 for guests that are not sandboxes (no {@code cmux} tag). */
    public Sandbox get(int vmid) {
        return read(vmid).sandbox();
    }

    /** A sandbox and the PVE config it was read from. */
    private record Read(Sandbox sandbox, JsonNode config) {
    }

    /**
     * A guest's node comes from {@code /cluster/resources}; should a migration end between that and the node's
     * answer, the node no longer has its config: asked once more, the cluster names the new one.
     */
    private Read read(int vmid) {
        try {
            return readOnce(vmid);
        } catch (PveException e) {
            if (!e.noSuchContainer()) {
                throw e;
            }
            return readOnce(vmid);
        }
    }

    private Read readOnce(int vmid) {
        Guest guest = guestOf(vmid);
        try {
            return readOn(guest.node(), guest.kind(), vmid);
        } catch (PveException e) {
            if (e.nodeUnreachable()) {
                throw new NodeUnreachableException(vmid, guest.node(), e.getMessage());
            }
            throw e;
        }
    }

    private Read readOn(String node, SandboxKind kind, int vmid) {
        JsonNode config = pve.config(node, kind, vmid);
        if (!isSandbox(PveJson.text(config, "tags"), config.path("template").asInt(0))) {
            throw SandboxException.notFound(vmid);
        }
        JsonNode status = pve.currentStatus(node, kind, vmid);
        String qemu = PveJson.text(status, "qmpstatus");
        String lock = PveJson.text(config, "lock");
        String state = SandboxState.of(kind, qemu != null && kind == SandboxKind.VM ? qemu
                : PveJson.text(status, "status"), lock);
        String address = SandboxState.RUNNING.equals(state) ? addresses.current(node, kind, vmid) : null;
        String hostname = hostname(kind, config);
        return new Read(new Sandbox(vmid, hostname, node, state, SandboxState.lock(kind, state, lock),
                address, SandboxMetadata.fromDescription(PveJson.text(config, "description")).orElse(null),
                SandboxUrls.of(vmid, hostname, settings.domain()), kind), config);
    }

    /**
     * Where an exec of sandbox {@code vmid} goes: its node, kind, address and the execd token of its PVE config, read
     * now (the gateway keeps no token); 409 {@code not-running} unless it runs.
     */
    public ExecTarget execTarget(int vmid) {
        Read read = read(vmid);
        Sandbox sandbox = read.sandbox();
        if (!SandboxState.RUNNING.equals(sandbox.status())) {
            throw SandboxException.conflict("not-running", "Sandbox " + vmid + " is " + sandbox.status() + "; "
                    + (sandbox.kind() == SandboxKind.VM ? "resume" : "start") + " it first.");
        }
        return new ExecTarget(vmid, sandbox.node(), sandbox.kind() == SandboxKind.VM, sandbox.address(),
                ExecdToken.fromConfig(read.config()));
    }

    /** A container's {@code hostname}; a VM's {@code name} (PVE has no hostname for a VM). */
    private static String hostname(SandboxKind kind, JsonNode config) {
        return PveJson.text(config, kind == SandboxKind.VM ? "name" : "hostname");
    }

    /**
     * Every sandbox of the cluster: containers and VMs tagged {@code cmux} that are not templates. A VM's status in
     * {@code /cluster/resources} is its qmpstatus, so a paused VM shows as paused here too.
     */
    public List<Sandbox> list() {
        return survey().sandboxes();
    }

    /**
     * Every sandbox ({@link #list()}) and what PVE counts of each running one ({@link GuestUse}: traffic that went
     * through any gateway, or none, and work of its own), from one read of {@code /cluster/resources}.
     */
    public record Survey(List<Sandbox> sandboxes, Map<Integer, GuestUse> use) {
    }

    public Survey survey() {
        List<Sandbox> out = new ArrayList<>();
        Map<Integer, GuestUse> use = new LinkedHashMap<>();
        for (JsonNode r : pve.vmResources()) {
            SandboxKind kind = NodeLocator.kindOf(r);
            if (kind == null || !isSandbox(PveJson.text(r, "tags"), PveJson.intValue(r.get("template"), 0))) {
                continue;
            }
            int vmid = PveJson.intValue(r.get("vmid"), -1);
            String node = PveJson.text(r, "node");
            JsonNode config;
            String status = PveJson.text(r, "status");
            if ("running".equals(status)) {
                use.put(vmid, new GuestUse(r.path("netin").asLong() + r.path("netout").asLong(),
                        r.path("cpu").asDouble() * Math.max(1, r.path("maxcpu").asInt(1))));
            }
            try {
                config = pve.config(node, kind, vmid);
                if (status == null || status.equals("unknown")) {
                    // /cluster/resources lags up to 10 s behind; a fresh guest is asked directly
                    JsonNode current = pve.currentStatus(node, kind, vmid);
                    status = PveJson.text(current, current.has("qmpstatus") ? "qmpstatus" : "status");
                }
            } catch (PveException e) {
                if (!e.nodeUnreachable()) {
                    throw e;
                }
                // its node is down: listed as PVE's cluster view has it, without what only the node can say
                String name = PveJson.text(r, "name");
                out.add(new Sandbox(vmid, name, node, SandboxState.UNKNOWN, null, null, null,
                        SandboxUrls.of(vmid, name, settings.domain()), kind));
                continue;
            }
            String lock = PveJson.text(r, "lock");
            String state = SandboxState.of(kind, status, lock);
            String hostname = hostname(kind, config);
            out.add(new Sandbox(vmid, hostname, node, state, SandboxState.lock(kind, state, lock), null,
                    SandboxMetadata.fromDescription(PveJson.text(config, "description")).orElse(null),
                    SandboxUrls.of(vmid, hostname, settings.domain()), kind));
        }
        return new Survey(out, use);
    }

    /** Runs a PVE power action and waits for its task. PVE's "already running" / "not running" become 409. */
    public Sandbox power(int vmid, PowerAction action) {
        return beginPower(vmid, action).finish();
    }

    /**
     * {@link #power} in two steps: this one checks the sandbox and starts the action's task; the rest waits for it.
     * Stopping a hibernated VM is one config write and no task: done here, the rest only reads the sandbox.
     */
    public FirstTask<Sandbox> beginPower(int vmid, PowerAction action) {
        Sandbox before = get(vmid);
        SandboxKind kind = before.kind();
        if (!action.appliesTo(kind)) {
            throw SandboxException.conflict("wrong-kind", "Sandbox " + vmid + " is a container; "
                    + action.pveName() + " is for VMs.");
        }
        if (kind == SandboxKind.VM && action == PowerAction.STOP && SandboxState.HIBERNATED.equals(before.status())) {
            // a hibernated VM is stopped already: stopping it discards its RAM state, which PVE does by deleting
            // vmstate (the volume and the suspended lock go with it; docs/pve-qemu.md §4)
            pve.updateConfig(before.node(), kind, vmid, Map.of("delete", "vmstate"));
            invalidation.invalidate(vmid);
            return new FirstTask<>(vmid, null, () -> get(vmid));
        }
        PowerAction pveAction = kind == SandboxKind.VM ? VmPower.asked(before, action) : action;
        String upid;
        try {
            upid = pve.statusAction(before.node(), kind, vmid, pveAction, kind == SandboxKind.VM
                    ? VmPower.options(pveAction) : Map.of());
        } catch (PveException e) {
            if (e.alreadyRunning() || e.notRunning()) {
                throw SandboxException.conflict("conflicting-state",
                        "Cannot " + action.pveName() + " sandbox " + vmid + ": " + e.getMessage() + ".");
            }
            throw e;
        }
        return new FirstTask<>(vmid, upid, () -> {
            tasks.await(upid);
            invalidation.invalidate(vmid);
            return get(vmid);
        });
    }

    /**
     * Brings a stopped sandbox back for a request that wants it, and waits for its address. A container whose idle
     * policy suspends it is resumed (its CRIU checkpoint holds the processes), or started when resume fails; any
     * other is started. A VM is woken from its level: paused → resume, hibernated or stopped → start. Returns false when it was running already. Containers that are not sandboxes (no
     * {@code cmux} tag) are never touched: 404.
     *
     * @param defaultIdle the gateway's idle policy, for sandboxes without their own
     */
    public boolean wake(int vmid, IdlePolicy defaultIdle) {
        return wakeFrom(vmid, defaultIdle).isPresent();
    }

    /**
     * {@link #wake(int, IdlePolicy)}, telling what was woken: the sandbox as it was before (its kind and the level it
     * slept at), or empty when it was running already.
     */
    public Optional<Sandbox> wakeFrom(int vmid, IdlePolicy defaultIdle) {
        return wakeFrom(get(vmid), defaultIdle);
    }

    /**
     * {@link #wakeFrom(int, IdlePolicy)} from a sandbox read a moment ago ({@link #get}), which saves reading it again
     * on the way to the guest. Should it have changed meanwhile, PVE's "already running" is as good as a wake.
     */
    public Optional<Sandbox> wakeFrom(Sandbox before, IdlePolicy defaultIdle) {
        return wake(before, sandbox -> {
            IdlePolicy idle = sandbox.metadata() != null && sandbox.metadata().idle() != null
                    ? sandbox.metadata().idle() : defaultIdle;
            return idle != null && IdlePolicy.SUSPEND.equals(idle.action());
        }) ? Optional.of(before) : Optional.empty();
    }

    /**
     * Brings a sandbox back from whatever state it is in (cmux's "resume a task's sandbox"): resumed when PVE holds
     * a checkpoint, else started; running already, it is left as it is. Waits for its address.
     */
    public Sandbox resume(int vmid) {
        Sandbox sandbox = get(vmid);
        return wake(sandbox, s -> true) ? get(vmid) : sandbox;
    }

    private boolean wake(Sandbox sandbox, Predicate<Sandbox> resumeFirst) {
        int vmid = sandbox.vmid();
        if ("running".equals(sandbox.status())) {
            return false;
        }
        if (sandbox.lock() != null) {
            throw SandboxException.conflict("locked", "Sandbox " + vmid
                    + " is locked (" + sandbox.lock() + ") by a running PVE task.");
        }
        String node = sandbox.node();
        SandboxKind kind = sandbox.kind();
        if (kind == SandboxKind.VM) {
            // each sleep level has its own way back (docs/pve-qemu.md §4): paused → resume (QMP cont, ms),
            // hibernated → start (loads the RAM state from disk), stopped → start
            if (SandboxState.PAUSED.equals(sandbox.status())) {
                tasks.awaitPromptly(pve.statusAction(node, kind, vmid, PowerAction.RESUME, Map.of()));
            } else {
                startOrJoin(node, kind, vmid);
            }
            LOG.info("woke VM sandbox " + vmid + " from " + sandbox.status());
        } else if (resumeFirst.test(sandbox) && resumed(node, vmid)) {
            LOG.info("resumed sandbox " + vmid);
        } else {
            startOrJoin(node, kind, vmid);
            LOG.info("started sandbox " + vmid);
        }
        invalidation.running(vmid, addresses.awaitPromptly(node, kind, vmid, settings.addressTimeout()));
        return true;
    }

    /** False when PVE cannot resume it (no checkpoint: it was stopped, not suspended): then it is started. */
    private boolean resumed(String node, int vmid) {
        try {
            tasks.awaitPromptly(pve.statusAction(node, vmid, PowerAction.RESUME, Map.of()));
            return true;
        } catch (PveException e) {
            if (e.alreadyRunning()) {
                return true;
            }
            LOG.info("sandbox " + vmid + " could not be resumed (" + e.getMessage() + "); starting it");
            return false;
        }
    }

    /**
     * Another gateway (or a person in the PVE UI) may have started it meanwhile: that is as good. (A VM's "already
     * running" comes from its task, a container's from the call.)
     */
    private void startOrJoin(String node, SandboxKind kind, int vmid) {
        try {
            tasks.awaitPromptly(pve.statusAction(node, kind, vmid, PowerAction.START, Map.of()));
        } catch (PveException e) {
            if (!e.alreadyRunning()) {
                throw e;
            }
        }
    }

    /** Stops the sandbox when it runs, then destroys it with purge. */
    public void destroy(int vmid) {
        beginDestroy(vmid).finish();
    }

    /**
     * {@link #destroy(int)} in two steps: this one checks the sandbox and starts its stop (when it runs) or its
     * destroy; the rest waits for that, destroys a stopped one and forgets its address.
     */
    public FirstTask<Void> beginDestroy(int vmid) {
        Sandbox sandbox = get(vmid);
        if (sandbox.lock() != null) {
            throw SandboxException.conflict("locked", "Sandbox " + vmid
                    + " is locked (" + sandbox.lock() + ") by a running PVE task; try again when it ends.");
        }
        return stopThenDestroy(sandbox.node(), sandbox.kind(), vmid, "destroyed sandbox " + vmid);
    }

    /**
     * The first task of a destroy: the stop of a running guest, else the destroy with purge; the rest waits,
     * destroys after a stop, forgets the address and logs {@code done}.
     */
    private FirstTask<Void> stopThenDestroy(String node, SandboxKind kind, int vmid, String done) {
        boolean running = processRuns(node, kind, vmid);
        String first = running ? pve.statusAction(node, kind, vmid, PowerAction.STOP, Map.of())
                : pve.destroy(node, kind, vmid, true);
        return new FirstTask<>(vmid, first, () -> {
            tasks.await(first);
            if (running) {
                tasks.await(pve.destroy(node, kind, vmid, true));
            }
            invalidation.invalidate(vmid);
            LOG.info(done);
            return null;
        });
    }

    /**
     * Rewrites the metadata line of a sandbox's description with {@code change} applied (other lines stay); 409
     * {@code no-metadata} for a sandbox without one. The update carries the config's {@code digest}, so a write by
     * someone else in between (another gateway, a PATCH, a person) is never overwritten: PVE refuses it, and the
     * change is applied again to what is there now. Returns the sandbox as PVE has it afterwards.
     */
    public Sandbox updateMetadata(int vmid, UnaryOperator<SandboxMetadata> change) {
        return updateMetadataIf(vmid, metadata -> true, change).orElseThrow();
    }

    /**
     * As {@link #updateMetadata}, only while {@code still} holds for the metadata PVE has: empty when it does not,
     * also after a write lost to another one (the config's digest changed: read again, asked again). A
     * compare-and-set in the sandbox's own config, which every gateway of a cluster sees.
     */
    public Optional<Sandbox> updateMetadataIf(int vmid, Predicate<SandboxMetadata> still,
                                              UnaryOperator<SandboxMetadata> change) {
        Guest guest = guestOf(vmid);
        String node = guest.node();
        for (int attempt = 1; ; attempt++) {
            JsonNode config = pve.config(node, guest.kind(), vmid);
            if (!isSandbox(PveJson.text(config, "tags"), config.path("template").asInt(0))) {
                throw SandboxException.notFound(vmid);
            }
            String description = PveJson.text(config, "description");
            SandboxMetadata metadata = SandboxMetadata.fromDescription(description).orElseThrow(() ->
                    SandboxException.conflict("no-metadata", "Sandbox " + vmid + " has no cmux-metadata line in its "
                            + "description (an orphan): it can only be destroyed."));
            if (!still.test(metadata)) {
                return Optional.empty();
            }
            try {
                pve.updateConfig(node, guest.kind(), vmid, Map.of("description",
                        change.apply(metadata).replaceIn(description),
                        "digest", PveJson.text(config, "digest")));
                return Optional.of(get(vmid));
            } catch (PveException e) {
                if (!e.configChanged() || attempt == METADATA_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Destroys a container named like a sandbox that has no metadata ({@link Orphans}); never anything else: a
     * container that is a sandbox, or not named {@code cmux-<vmid>}, is 404 here.
     */
    public void destroyOrphan(int vmid) {
        beginDestroyOrphan(vmid).finish();
    }

    /** {@link #destroyOrphan(int)} in two steps, as {@link #beginDestroy(int)}. */
    public FirstTask<Void> beginDestroyOrphan(int vmid) {
        Orphans.Orphan orphan = new Orphans(pve).find(vmid).orElseThrow(() -> SandboxException.notFound(vmid));
        return stopThenDestroy(orphan.node(), SandboxKind.LXC, vmid, "destroyed orphan container " + vmid);
    }

    /** Where a guest lives and what it is, from {@code /cluster/resources}. */
    private record Guest(String node, SandboxKind kind) {
    }

    private Guest guestOf(int vmid) {
        JsonNode r = nodes.resource(vmid);
        if (r == null) {
            throw SandboxException.notFound(vmid);
        }
        return new Guest(PveJson.text(r, "node"), NodeLocator.kindOf(r));
    }

    static boolean isSandbox(String tags, int template) {
        return template != 1 && tags != null && Arrays.asList(tags.split("[;, ]+")).contains(TAG);
    }
}
