package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.exec.ExecdClient;
import dev.cmux.control.exec.ExecdToken;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveJson;
import dev.cmux.control.pve.TaskWaiter;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * How a sandbox is made ({@link SandboxService#create(CreateRequest, CloneSpec)}): placed ({@link Placement}),
 * cloned with a cluster-wide vmid, given its tags, metadata, resources and execd token, its root disk grown, started,
 * and waited for until it has an address (and execd answers, when configured). What a later step fails on is
 * rolled back by the service.
 */
final class SandboxCreation {

    private static final Logger LOG = Logger.getLogger(SandboxService.class.getName());
    private static final int ID_ATTEMPTS = 10;

    /** Stops and destroys what a failed create made; a failure of its own is attached to the cause. */
    @FunctionalInterface
    interface RollBack {
        void rollBack(String node, SandboxKind kind, int vmid, RuntimeException cause);
    }

    private final PveClient pve;
    private final SandboxSettings settings;
    private final ExecdClient execd;
    private final ResolverInvalidation invalidation;
    private final Clock clock;
    private final Poller poller;
    private final NodeLocator nodes;
    private final Placement placement;
    private final TaskWaiter tasks;
    private final AddressWaiter addresses;
    private final RollBack rollBack;

    SandboxCreation(PveClient pve, SandboxSettings settings, ExecdClient execd, ResolverInvalidation invalidation,
                    Clock clock, Poller poller, NodeLocator nodes, TaskWaiter tasks, AddressWaiter addresses,
                    RollBack rollBack) {
        this.pve = pve;
        this.settings = settings;
        this.execd = execd;
        this.invalidation = invalidation;
        this.clock = clock;
        this.poller = poller;
        this.nodes = nodes;
        this.placement = new Placement(pve, settings.placement());
        this.tasks = tasks;
        this.addresses = addresses;
        this.rollBack = rollBack;
    }

    /** A linked clone of {@code PVE_TEMPLATE_VMID}, up to its clone task. */
    FirstTask<Sandbox> begin(CreateRequest request) {
        if (settings.templateVmid() == null) {
            throw SandboxException.unavailable("no-template",
                    "Creating sandboxes needs a template: set PVE_TEMPLATE_VMID (pve.templateVmid).");
        }
        JsonNode template = templateResource();
        return begin(request, CloneSpec.linked(settings.templateVmid(), PveJson.text(template, "node"),
                NodeLocator.kindOf(template)));
    }

    /** Places it, takes a vmid and starts the clone task; the rest is the returned task's. */
    FirstTask<Sandbox> begin(CreateRequest request, CloneSpec unplaced) {
        CloneSpec spec = placement.place(unplaced);
        Clone clone = cloneTemplate(spec);
        return new FirstTask<>(clone.vmid(), clone.upid(), SandboxUrls.of(clone.vmid(), settings.domain()),
                () -> finish(request, spec, clone));
    }

    private Sandbox finish(CreateRequest request, CloneSpec spec, Clone clone) {
        String node = spec.placedOn();
        SandboxKind kind = spec.kind();
        try {
            tasks.await(clone.upid());
            SandboxMetadata metadata = new SandboxMetadata(request.owner(), clock.instant(),
                    request.ttl() != null ? request.ttl() : settings.defaultTtl(),
                    request.idlePolicy() != null ? request.idlePolicy() : SandboxMetadata.DESTROY, request.idle(),
                    request.autoDelete(), request.protect(), null, spec.image());
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("tags", SandboxService.TAG);
            config.put("description", metadata.toDescription());
            Integer cores = request.cores() != null ? request.cores() : spec.cores();
            Integer memory = request.memoryMiB() != null ? request.memoryMiB() : spec.memoryMiB();
            if (cores != null) {
                config.put("cores", cores);
            }
            if (memory != null) {
                config.put("memory", memory);
            }
            if (kind == SandboxKind.LXC) {
                writeConfigWithToken(node, clone.vmid(), config);
            } else {
                pve.updateConfig(node, kind, clone.vmid(), config); // a VM gets no execd token: no env to carry it
            }
            if (spec.diskGiB() != null && kind == SandboxKind.LXC) { // a VM keeps its template's disks
                growRootDisk(node, clone.vmid(), spec.diskGiB());
            }
            tasks.await(pve.statusAction(node, kind, clone.vmid(), PowerAction.START, Map.of()));
            String address = addresses.await(node, kind, clone.vmid(), settings.addressTimeout());
            if (settings.waitForExecd()) {
                awaitExecd(clone.vmid(), address);
            }
            invalidation.invalidate(clone.vmid());
            LOG.info("created sandbox " + clone.vmid() + " on " + node + " at " + address + " from "
                    + spec.source() + (spec.full() ? " (full clone)" : " (linked clone)"));
            return new Sandbox(clone.vmid(), clone.hostname(), node, "running", null, address,
                    metadata, SandboxUrls.of(clone.vmid(), clone.hostname(), settings.domain()), kind);
        } catch (RuntimeException cause) {
            rollBack.rollBack(node, kind, clone.vmid(), cause);
            throw cause;
        }
    }

    /**
     * Writes a new container's config with its own execd token in the runtime environment (the other entries of the
     * template's {@code env}, which the clone inherited, kept); a PVE before 9.1 refuses {@code env} as a parameter
     * it does not know (400, nothing written), and then the token goes into the description, for the pre-start
     * hookscript of cmux's templates (cmux.md §1.2).
     */
    private void writeConfigWithToken(String node, int vmid, Map<String, Object> config) {
        ExecdToken token = ExecdToken.generate();
        config.put("env", token.inEnvironment(PveJson.text(pve.config(node, vmid), "env")));
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

    /**
     * A linked clone lives where its template lives, so the clone is asked of the template's node; the template's
     * kind (container or VM) is the sandbox's.
     */
    private JsonNode templateResource() {
        JsonNode template = nodes.resource(settings.templateVmid());
        if (template == null) {
            throw SandboxException.unavailable("no-template", "The template "
                    + settings.templateVmid() + " (PVE_TEMPLATE_VMID) is not a guest of this cluster.");
        }
        return template;
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
                return new Clone(vmid, hostname, spec.kind() == SandboxKind.VM
                        ? pve.cloneVm(spec.node(), spec.source(), vmid, hostname, spec.full(), spec.storage(),
                        spec.snapname(), spec.target())
                        : pve.cloneContainer(spec.node(), spec.source(), vmid, hostname, spec.full(), spec.storage(),
                        null, spec.snapname(), spec.target()));
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
}
