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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private static final int ID_ATTEMPTS = 10;
    /** Metadata writes that lost to a concurrent change of the config, tried again on what is there now. */
    private static final int METADATA_ATTEMPTS = 5;

    private final PveClient pve;
    private final SandboxSettings settings;
    private final ExecdClient execd;
    private final ResolverInvalidation invalidation;
    private final Clock clock;
    private final Poller poller;
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
        this.execd = execd;
        this.invalidation = invalidation;
        this.clock = clock;
        this.poller = poller;
        this.nodes = new NodeLocator(pve, settings.node());
        this.tasks = new TaskWaiter(pve, poller, settings.pollInterval(), settings.taskTimeout());
        this.addresses = new AddressWaiter(pve, poller, settings.pollInterval());
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
        if (settings.templateVmid() == null) {
            throw SandboxException.unavailable("no-template",
                    "Creating sandboxes needs a template: set PVE_TEMPLATE_VMID (pve.templateVmid).");
        }
        return create(request, CloneSpec.linked(settings.templateVmid(), templateNode()));
    }

    /**
     * Clones as {@code spec} says, writes the metadata and resources, grows the root disk to the spec's size, starts
     * the container and waits for its address (and for execd when configured). Any failure after the clone removes
     * the container again and reports the original cause.
     */
    public Sandbox create(CreateRequest request, CloneSpec spec) {
        String node = spec.node();
        Clone clone = cloneTemplate(spec);
        try {
            tasks.await(clone.upid());
            SandboxMetadata metadata = new SandboxMetadata(request.owner(), clock.instant(),
                    request.ttl() != null ? request.ttl() : settings.defaultTtl(),
                    request.idlePolicy() != null ? request.idlePolicy() : SandboxMetadata.DESTROY, request.idle(),
                    request.autoDelete(), request.protect(), null, spec.image());
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("tags", TAG);
            config.put("description", metadata.toDescription());
            ExecdToken token = ExecdToken.generate();
            config.put("env", token.inEnvironment(PveJson.text(pve.config(node, clone.vmid()), "env")));
            Integer cores = request.cores() != null ? request.cores() : spec.cores();
            Integer memory = request.memoryMiB() != null ? request.memoryMiB() : spec.memoryMiB();
            if (cores != null) {
                config.put("cores", cores);
            }
            if (memory != null) {
                config.put("memory", memory);
            }
            writeConfigWithToken(node, clone.vmid(), config, token);
            if (spec.diskGiB() != null) {
                growRootDisk(node, clone.vmid(), spec.diskGiB());
            }
            tasks.await(pve.statusAction(node, clone.vmid(), PowerAction.START, Map.of()));
            String address = addresses.await(node, clone.vmid(), settings.addressTimeout());
            if (settings.waitForExecd()) {
                awaitExecd(clone.vmid(), address);
            }
            invalidation.invalidate(clone.vmid());
            LOG.info("created sandbox " + clone.vmid() + " on " + node + " at " + address + " from "
                    + spec.source() + (spec.full() ? " (full clone)" : " (linked clone)"));
            return new Sandbox(clone.vmid(), clone.hostname(), node, "running", null, address,
                    metadata, SandboxUrls.of(clone.vmid(), clone.hostname(), settings.domain()));
        } catch (RuntimeException cause) {
            rollBack(node, clone.vmid(), cause);
            throw cause;
        }
    }

    /**
     * Writes a new sandbox's config with its execd token in the runtime environment; a PVE before 9.1 refuses
     * {@code env} as a parameter it does not know (400, nothing written), and then the token goes into the
     * description, for the pre-start hookscript of cmux's templates (cmux.md §1.2).
     */
    private void writeConfigWithToken(String node, int vmid, Map<String, Object> config, ExecdToken token) {
        try {
            pve.updateConfig(node, vmid, config);
        } catch (PveException e) {
            if (e.status() != 400 || !e.fieldErrors().containsKey("env")) {
                throw e;
            }
            config.remove("env");
            config.put("description", token.inDescription((String) config.get("description")));
            pve.updateConfig(node, vmid, config);
            LOG.info("PVE refused a runtime environment (before 9.1): the execd token of sandbox " + vmid
                    + " is in its description, where the hookscript of cmux's templates passes it on");
        }
    }

    /**
     * PVE grows a disk but never shrinks it ({@code unable to shrink disk size}) and refuses a resize to the size it
     * has ({@code disk is already at specified size}): only a larger size is asked for; a smaller one keeps the
     * template's size, which is logged.
     */
    private void growRootDisk(String node, int vmid, int diskGiB) {
        long current = PveJson.longValue(pve.currentStatus(node, vmid).get("maxdisk"), 0);
        long wanted = diskGiB * (1L << 30);
        if (wanted > current) {
            tasks.await(pve.resize(node, vmid, "rootfs", diskGiB + "G"));
        } else if (wanted < current) {
            LOG.info("sandbox " + vmid + " keeps its template's root disk of " + (current >> 30) + " GiB: PVE "
                    + "cannot shrink it to " + diskGiB + " GiB");
        }
    }

    private record Clone(int vmid, String hostname, String upid) {
    }

    /** A linked clone lives where its template lives, so the clone is asked of the template's node. */
    private String templateNode() {
        JsonNode template = nodes.resource(settings.templateVmid());
        if (template == null) {
            throw SandboxException.unavailable("no-template", "The template "
                    + settings.templateVmid() + " (PVE_TEMPLATE_VMID) is not a container of this cluster.");
        }
        return PveJson.text(template, "node");
    }

    /**
     * {@code /cluster/nextid} reserves nothing, so a clone can lose the id to a concurrent one ("already exists"):
     * take the next id. While another clone holds the template's {@code disk} lock, wait and try again.
     */
    private Clone cloneTemplate(CloneSpec spec) {
        // PVE's own lock serializes clones of one template across every gateway of the cluster: waiting on it is
        // the lock. Jitter, so that gateways which collided do not collide again in step.
        Poller.Backoff backoff = poller.backoff(Duration.ofMillis(Math.max(50, settings.pollInterval().toMillis() / 4)),
                Duration.ofSeconds(2), settings.lockRetry());
        int idConflicts = 0;
        while (true) {
            int vmid = pve.nextId();
            String hostname = settings.naming().hostname(vmid);
            try {
                return new Clone(vmid, hostname, pve.cloneContainer(spec.node(), spec.source(), vmid,
                        hostname, spec.full(), spec.storage(), null, spec.snapname()));
            } catch (PveException e) {
                if (e.alreadyExists() && ++idConflicts < ID_ATTEMPTS) {
                    continue;
                }
                if (e.locked() && backoff.pause()) {
                    continue;
                }
                throw e;
            }
        }
    }

    private void awaitExecd(int vmid, String address) {
        poller.until(settings.pollInterval(), settings.execdTimeout(),
                () -> execd.healthy(address) ? Boolean.TRUE : null,
                () -> SandboxException.unavailable("execd-not-ready", "cmux-execd in "
                        + "sandbox " + vmid + " (" + address + ":" + settings.execdPort() + ") did not answer "
                        + "/healthz within " + settings.execdTimeout().toSeconds() + " s."));
    }

    /**
     * Stop (when running) and destroy with purge what a failed multi-step operation made (a clone, a half-made
     * template); a failure here is attached to the cause, never replaces it.
     */
    public void rollBack(String node, int vmid, RuntimeException cause) {
        try {
            stopIfRunning(node, vmid);
            tasks.await(pve.destroy(node, vmid, true));
            LOG.warning("rolled back sandbox " + vmid + " after: " + cause.getMessage());
        } catch (PveException e) {
            if (!e.noSuchContainer()) {
                cause.addSuppressed(new IllegalStateException("rollback of container " + vmid + " failed, remove "
                        + "it by hand (pct unlock " + vmid + "; pct destroy " + vmid + "): " + e.getMessage(), e));
                LOG.severe("rollback of container " + vmid + " failed: " + e.getMessage());
            }
        }
    }

    private void stopIfRunning(String node, int vmid) {
        JsonNode status = pve.currentStatus(node, vmid);
        if ("running".equals(PveJson.text(status, "status"))) {
            tasks.await(pve.statusAction(node, vmid, PowerAction.STOP, Map.of()));
        }
    }

    /** One sandbox as PVE sees it now; 404 for containers that are not sandboxes (no {@code cmux} tag). */
    public Sandbox get(int vmid) {
        String node = nodeOf(vmid);
        JsonNode config = pve.config(node, vmid);
        if (!isSandbox(PveJson.text(config, "tags"), config.path("template").asInt(0))) {
            throw SandboxException.notFound(vmid);
        }
        JsonNode status = pve.currentStatus(node, vmid);
        String state = PveJson.text(status, "status");
        String address = "running".equals(state) ? addresses.current(node, vmid) : null;
        String hostname = PveJson.text(config, "hostname");
        return new Sandbox(vmid, hostname, node, state, PveJson.text(config, "lock"),
                address, SandboxMetadata.fromDescription(PveJson.text(config, "description")).orElse(null),
                SandboxUrls.of(vmid, hostname, settings.domain()));
    }

    /**
     * Where an exec of sandbox {@code vmid} goes: its address and the execd token of its PVE config, read now (the
     * gateway keeps no token); 409 {@code not-running} unless it runs.
     */
    public ExecTarget execTarget(int vmid) {
        String node = nodeOf(vmid);
        JsonNode config = pve.config(node, vmid);
        if (!isSandbox(PveJson.text(config, "tags"), config.path("template").asInt(0))) {
            throw SandboxException.notFound(vmid);
        }
        String state = PveJson.text(pve.currentStatus(node, vmid), "status");
        if (!"running".equals(state)) {
            throw SandboxException.conflict("not-running", "Sandbox " + vmid + " is " + state + "; start it first.");
        }
        return new ExecTarget(vmid, addresses.current(node, vmid), ExecdToken.fromConfig(config));
    }

    /** Every sandbox of the cluster: containers tagged {@code cmux} that are not templates. */
    public List<Sandbox> list() {
        List<Sandbox> out = new ArrayList<>();
        for (JsonNode r : pve.vmResources()) {
            if (!"lxc".equals(PveJson.text(r, "type"))
                    || !isSandbox(PveJson.text(r, "tags"), PveJson.intValue(r.get("template"), 0))) {
                continue;
            }
            int vmid = PveJson.intValue(r.get("vmid"), -1);
            String node = PveJson.text(r, "node");
            JsonNode config = pve.config(node, vmid);
            String status = PveJson.text(r, "status");
            if (status == null || status.equals("unknown")) {
                // /cluster/resources lags up to 10 s behind; a fresh container is asked directly
                status = PveJson.text(pve.currentStatus(node, vmid), "status");
            }
            String hostname = PveJson.text(config, "hostname");
            out.add(new Sandbox(vmid, hostname, node, status, PveJson.text(r, "lock"), null,
                    SandboxMetadata.fromDescription(PveJson.text(config, "description")).orElse(null),
                    SandboxUrls.of(vmid, hostname, settings.domain())));
        }
        return out;
    }

    /**
     * The bytes each running sandbox has received and sent since it started ({@code netin + netout} of
     * {@code /cluster/resources}, pvestatd's counters of its veth, up to ~10 s old): traffic that went through any
     * gateway, or none.
     */
    public Map<Integer, Long> networkBytes() {
        Map<Integer, Long> out = new LinkedHashMap<>();
        for (JsonNode r : pve.vmResources()) {
            if ("lxc".equals(PveJson.text(r, "type")) && "running".equals(PveJson.text(r, "status"))
                    && isSandbox(PveJson.text(r, "tags"), PveJson.intValue(r.get("template"), 0))) {
                out.put(PveJson.intValue(r.get("vmid"), -1), r.path("netin").asLong() + r.path("netout").asLong());
            }
        }
        return out;
    }

    /** Runs a PVE power action and waits for its task. PVE's "already running" / "not running" become 409. */
    public Sandbox power(int vmid, PowerAction action) {
        Sandbox before = get(vmid);
        String upid;
        try {
            upid = pve.statusAction(before.node(), vmid, action, Map.of());
        } catch (PveException e) {
            if (e.alreadyRunning() || e.notRunning()) {
                throw SandboxException.conflict("conflicting-state",
                        "Cannot " + action.pveName() + " sandbox " + vmid + ": " + e.getMessage() + ".");
            }
            throw e;
        }
        tasks.await(upid);
        invalidation.invalidate(vmid);
        return get(vmid);
    }

    /**
     * Brings a stopped sandbox back for a request that wants it, and waits for its address. A sandbox whose idle
     * policy suspends it is resumed (its CRIU checkpoint holds the processes), or started when resume fails; any
     * other is started. Returns false when it was running already. Containers that are not sandboxes (no
     * {@code cmux} tag) are never touched: 404.
     *
     * @param defaultIdle the gateway's idle policy, for sandboxes without their own
     */
    public boolean wake(int vmid, IdlePolicy defaultIdle) {
        return wake(get(vmid), sandbox -> {
            IdlePolicy idle = sandbox.metadata() != null && sandbox.metadata().idle() != null
                    ? sandbox.metadata().idle() : defaultIdle;
            return idle != null && IdlePolicy.SUSPEND.equals(idle.action());
        });
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
        if (resumeFirst.test(sandbox) && resumed(node, vmid)) {
            LOG.info("resumed sandbox " + vmid);
        } else {
            startOrJoin(node, vmid);
            LOG.info("started sandbox " + vmid);
        }
        addresses.await(node, vmid, settings.addressTimeout());
        invalidation.invalidate(vmid);
        return true;
    }

    /** False when PVE cannot resume it (no checkpoint: it was stopped, not suspended): then it is started. */
    private boolean resumed(String node, int vmid) {
        try {
            tasks.await(pve.statusAction(node, vmid, PowerAction.RESUME, Map.of()));
            return true;
        } catch (PveException e) {
            if (e.alreadyRunning()) {
                return true;
            }
            LOG.info("sandbox " + vmid + " could not be resumed (" + e.getMessage() + "); starting it");
            return false;
        }
    }

    /** Another gateway (or a person in the PVE UI) may have started it meanwhile: that is as good. */
    private void startOrJoin(String node, int vmid) {
        try {
            tasks.await(pve.statusAction(node, vmid, PowerAction.START, Map.of()));
        } catch (PveException e) {
            if (!e.alreadyRunning()) {
                throw e;
            }
        }
    }

    /** Stops the sandbox when it runs, then destroys it with purge. */
    public void destroy(int vmid) {
        Sandbox sandbox = get(vmid);
        if (sandbox.lock() != null) {
            throw SandboxException.conflict("locked", "Sandbox " + vmid
                    + " is locked (" + sandbox.lock() + ") by a running PVE task; try again when it ends.");
        }
        stopIfRunning(sandbox.node(), vmid);
        tasks.await(pve.destroy(sandbox.node(), vmid, true));
        invalidation.invalidate(vmid);
        LOG.info("destroyed sandbox " + vmid);
    }

    /**
     * Rewrites the metadata line of a sandbox's description with {@code change} applied (other lines stay); 409
     * {@code no-metadata} for a sandbox without one. The update carries the config's {@code digest}, so a write by
     * someone else in between (another gateway, a PATCH, a person) is never overwritten: PVE refuses it, and the
     * change is applied again to what is there now. Returns the sandbox as PVE has it afterwards.
     */
    public Sandbox updateMetadata(int vmid, UnaryOperator<SandboxMetadata> change) {
        String node = nodeOf(vmid);
        for (int attempt = 1; ; attempt++) {
            JsonNode config = pve.config(node, vmid);
            if (!isSandbox(PveJson.text(config, "tags"), config.path("template").asInt(0))) {
                throw SandboxException.notFound(vmid);
            }
            String description = PveJson.text(config, "description");
            SandboxMetadata metadata = SandboxMetadata.fromDescription(description).orElseThrow(() ->
                    SandboxException.conflict("no-metadata", "Sandbox " + vmid + " has no cmux-metadata line in its "
                            + "description (an orphan): it can only be destroyed."));
            try {
                pve.updateConfig(node, vmid, Map.of("description", change.apply(metadata).replaceIn(description),
                        "digest", PveJson.text(config, "digest")));
                return get(vmid);
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
        Orphans.Orphan orphan = new Orphans(pve).find(vmid).orElseThrow(() -> SandboxException.notFound(vmid));
        stopIfRunning(orphan.node(), vmid);
        tasks.await(pve.destroy(orphan.node(), vmid, true));
        invalidation.invalidate(vmid);
        LOG.info("destroyed orphan container " + vmid);
    }

    private String nodeOf(int vmid) {
        JsonNode r = nodes.resource(vmid);
        if (r == null) {
            throw SandboxException.notFound(vmid);
        }
        return PveJson.text(r, "node");
    }

    static boolean isSandbox(String tags, int template) {
        return template != 1 && tags != null && Arrays.asList(tags.split("[;, ]+")).contains(TAG);
    }
}
