package dev.cmux.control.image;

import dev.cmux.control.sandbox.SandboxException;
import dev.cmux.control.sandbox.SandboxKind;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveJson;
import dev.cmux.control.pve.TaskWaiter;
import dev.cmux.control.sandbox.FirstTask;
import dev.cmux.control.sandbox.NodeLocator;
import dev.cmux.control.sandbox.PowerAction;
import dev.cmux.control.sandbox.Sandbox;
import dev.cmux.control.sandbox.SandboxService;
import dev.cmux.control.sandbox.SandboxSettings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Preset versions made from sandboxes. The sandbox is shut down (gracefully, then stopped), <em>full-cloned</em>
 * into a free id of 9000-9999 and the clone converted: the sandbox itself stays a sandbox, its own linked-clone
 * parent and snapshots are untouched, and it runs again afterwards if it ran before. The template is tagged
 * {@code cmux;preset-<id>} and describes itself in cmux's lines ({@link TemplateDescription}), which is where every
 * gateway of the cluster learns the new version. Whatever fails after the clone destroys the half-made template.
 */
public final class Templates {

    /** cmux's template range ({@code findNextTemplateVmid}). */
    static final int FIRST_ID = 9000;
    static final int LAST_ID = 9999;
    private static final Logger LOG = Logger.getLogger(Templates.class.getName());
    /** The base volume a linked clone's rootfs hangs off: {@code local-zfs:basevol-9000-disk-0/subvol-101-disk-0}. */
    private static final Pattern BASE_VOLUME = Pattern.compile(":(?:basevol|base)-(\\d+)-disk-\\d+/");
    /** PVE's default shutdown timeout; after it the container is stopped hard. */
    private static final int SHUTDOWN_SECONDS = 60;
    /** How far the gateways' clocks may be off PVE's, for {@link #madeFrom}. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private final PveClient pve;
    private final SandboxService sandboxes;
    private final PresetCatalog catalog;
    private final StorageChoice storage;
    private final TaskWaiter tasks;
    private final Poller poller;
    private final SandboxSettings settings;
    private final Clock clock;
    private final NodeLocator nodes;

    public Templates(PveClient pve, SandboxService sandboxes, PresetCatalog catalog, StorageChoice storage,
                     Poller poller, Clock clock) {
        this.pve = pve;
        this.sandboxes = sandboxes;
        this.catalog = catalog;
        this.storage = storage;
        this.poller = poller;
        this.settings = sandboxes.settings();
        this.tasks = new TaskWaiter(pve, poller, settings.pollInterval(), settings.taskTimeout());
        this.clock = clock;
        this.nodes = new NodeLocator(pve, settings.node());
    }

    /** Makes version {@code version} (null: the next) of preset {@code presetId} from sandbox {@code fromVmid}. */
    public TemplateView create(int fromVmid, String presetId, Integer version) {
        return beginCreate(fromVmid, presetId, version).finish();
    }

    /**
     * {@link #create} in two steps: this one checks the sandbox and the version and starts the first task, the
     * shutdown of the running sandbox or else the clone; the rest does everything after (and starts the sandbox
     * again when it ran).
     */
    public FirstTask<TemplateView> beginCreate(int fromVmid, String presetId, Integer version) {
        Sandbox source = sandboxes.get(fromVmid);
        if (source.kind() != SandboxKind.LXC) {
            // the capture (shutdown, full clone, convert) is written for containers; a VM template is made with qm
            throw SandboxException.of(SandboxException.Kind.CONFLICT, "wrong-kind", "Sandbox " + fromVmid + " is a "
                    + "VM: preset templates are captured from containers only; a VM template (qm template) becomes a "
                    + "preset version through the config's presets:.", null);
        }
        if (source.lock() != null) {
            throw SandboxException.of(SandboxException.Kind.CONFLICT, "locked", "Sandbox " + fromVmid
                    + " is locked (" + source.lock() + ") by a running PVE task.", null);
        }
        Preset preset = catalog.all().get(presetId);
        int number = version != null ? version
                : preset == null ? 1 : preset.newest().map(v -> v.version() + 1).orElse(1);
        if (preset != null && preset.version(number).isPresent()) {
            throw SandboxException.of(SandboxException.Kind.CONFLICT, "version-exists", "Preset '" + presetId
                    + "' has version " + number + " already (template " + preset.version(number).get().templateVmid()
                    + ").", null);
        }
        Capture capture = new Capture(source, new SnapshotId(presetId, number));
        String shutdown = "running".equals(source.status()) ? startShutdown(source.node(), fromVmid) : null;
        if (shutdown == null) {
            TemplateClone clone = capture.startClone();
            return new FirstTask<>(fromVmid, clone.upid(), () -> capture.finish(clone, List.of()));
        }
        return new FirstTask<>(fromVmid, shutdown, () -> {
            List<String> warnings = new ArrayList<>();
            try {
                awaitShutdown(source.node(), fromVmid, shutdown);
                return capture.finish(capture.startClone(), warnings); // restart's warnings join it
            } finally {
                restart(source.node(), fromVmid, warnings);
            }
        });
    }

    /** One template made from {@code source} as {@code id}. */
    private final class Capture {
        private final Sandbox source;
        private final SnapshotId id;
        private Instant captured;
        private TemplateDescription description;

        Capture(Sandbox source, SnapshotId id) {
            this.source = source;
            this.id = id;
        }

        /** The source is stopped now: what the clone copies is what it had when it stopped. */
        TemplateClone startClone() {
            captured = clock.instant();
            description = new TemplateDescription(id, captured, source.vmid(), source.hostname());
            return cloneIntoTemplateRange(source.node(), source.vmid(), storage.forFullClone(source.node()),
                    description);
        }

        /** @param warnings the view's warnings, still open for what the restart of the source reports */
        TemplateView finish(TemplateClone clone, List<String> warnings) {
            String node = source.node();
            try {
                tasks.await(clone.upid());
                pve.updateConfig(node, clone.vmid(), Map.of("tags", TemplateDescription.tags(description.snapshotId()
                        .presetId())));
                pve.convertToTemplate(node, clone.vmid());
                awaitTemplate(node, clone.vmid());
            } catch (RuntimeException cause) {
                sandboxes.rollBack(node, clone.vmid(), cause);
                throw cause;
            }
            LOG.info("made template " + clone.vmid() + " (" + id + ") from sandbox " + source.vmid());
            return new TemplateView(clone.vmid(), node, id, null, captured, source.vmid(), "pve", warnings);
        }
    }

    /** The shutdown task of a running sandbox; null when PVE says it does not run (any more). */
    private String startShutdown(String node, int vmid) {
        try {
            return pve.statusAction(node, vmid, PowerAction.SHUTDOWN, Map.of("timeout", SHUTDOWN_SECONDS));
        } catch (PveException e) {
            if (e.notRunning()) {
                return null;
            }
            throw e;
        }
    }

    /** Graceful first (services flush their files), then hard when it does not stop within PVE's timeout. */
    private void awaitShutdown(String node, int vmid, String shutdown) {
        try {
            tasks.await(shutdown);
        } catch (PveException e) {
            if (e.notRunning()) {
                return;
            }
            LOG.info("sandbox " + vmid + " did not shut down (" + e.getMessage() + "); stopping it");
        }
        if ("running".equals(PveJson.text(pve.currentStatus(node, vmid), "status"))) {
            tasks.await(pve.statusAction(node, vmid, PowerAction.STOP, Map.of()));
        }
    }

    private void restart(String node, int vmid, List<String> warnings) {
        try {
            tasks.await(pve.statusAction(node, vmid, PowerAction.START, Map.of()));
        } catch (PveException e) {
            if (!e.alreadyRunning()) {
                LOG.severe("sandbox " + vmid + " did not start again after its template was made: " + e.getMessage());
                warnings.add("Sandbox " + vmid + " did not start again: " + e.getMessage());
            }
        }
    }

    /** A template's clone task, started. */
    private record TemplateClone(int vmid, String upid) {
    }

    /** The clone takes the next free id of 9000-9999; one taken meanwhile by another gateway moves it on. */
    private TemplateClone cloneIntoTemplateRange(String node, int source, String target,
                                                 TemplateDescription description) {
        Set<Integer> used = new HashSet<>();
        for (JsonNode r : pve.vmResources()) {
            used.add(PveJson.intValue(r.get("vmid"), -1));
        }
        for (int vmid = FIRST_ID; vmid <= LAST_ID; vmid++) {
            if (used.contains(vmid)) {
                continue;
            }
            try {
                return new TemplateClone(vmid, pve.cloneContainer(node, source, vmid, "cmux-template-" + vmid, true,
                        target, description.text(), null));
            } catch (PveException e) {
                if (!e.alreadyExists()) {
                    throw e;
                }
            }
        }
        throw SandboxException.of(SandboxException.Kind.UNAVAILABLE, "no-template-id", "Every id of "
                + FIRST_ID + "-" + LAST_ID + " is taken; delete templates that are no longer used.", null);
    }

    /**
     * PVE converts in a {@code vztemplate} worker whose UPID it does not return: done when the config says
     * {@code template: 1}; failed when that worker ended with an error (e.g. {@code Template feature is not
     * available} on thick LVM).
     */
    private void awaitTemplate(String node, int vmid) {
        poller.until(settings.pollInterval(), settings.taskTimeout(), () -> {
            if (PveJson.intValue(pve.config(node, vmid).get("template"), 0) == 1) {
                return Boolean.TRUE;
            }
            for (JsonNode t : pve.tasks(node, vmid, "vztemplate")) {
                String status = PveJson.text(t, "status");
                if (status != null && !status.equals("RUNNING") && !status.equals("OK")
                        && !status.startsWith("WARNINGS")) {
                    throw new PveException(500, "vztemplate failed: " + status, null);
                }
            }
            return null;
        }, () -> new PveException(0, "PVE did not convert container " + vmid + " to a template within "
                + settings.taskTimeout().toSeconds() + " s", null));
    }

    /**
     * The newest preset template made from sandbox {@code fromVmid} at or after {@code since} (less a minute: the
     * capture time is the gateway's clock, {@code since} PVE's), once it is a template; empty before.
     */
    public Optional<TemplateView> madeFrom(int fromVmid, Instant since) {
        Instant after = since.minus(CLOCK_SKEW);
        return catalog.learnedTemplates().stream()
                .filter(t -> Integer.valueOf(fromVmid).equals(t.description().sourceVmid())
                        && t.description().capturedAt() != null && !t.description().capturedAt().isBefore(after))
                .max(Comparator.comparing(t -> t.description().capturedAt()))
                .map(t -> new TemplateView(t.vmid(), t.node(), t.description().snapshotId(), null,
                        t.description().capturedAt(), fromVmid, "pve", List.of()));
    }

    /** Every template a preset version names (config or learned), with where it is. */
    public List<TemplateView> list() {
        Map<Integer, String> nodeOf = new java.util.HashMap<>();
        for (JsonNode r : pve.vmResources()) {
            nodeOf.put(PveJson.intValue(r.get("vmid"), -1), PveJson.text(r, "node"));
        }
        Map<Integer, PresetCatalog.PresetTemplate> learned = new java.util.HashMap<>();
        catalog.learnedTemplates().forEach(t -> learned.put(t.vmid(), t));
        List<TemplateView> out = new ArrayList<>();
        for (Preset p : catalog.all().values()) {
            for (PresetVersion v : p.versions()) {
                PresetCatalog.PresetTemplate t = learned.get(v.templateVmid());
                out.add(new TemplateView(v.templateVmid(), nodeOf.get(v.templateVmid()), p.snapshotId(v),
                        v.snapname(), v.capturedAt(), t == null ? null : t.description().sourceVmid(),
                        v.learned() ? "pve" : "config", List.of()));
            }
        }
        return out;
    }

    /**
     * Destroys a preset template. Refused while linked clones depend on it (PVE would refuse inside its task; here
     * the caller gets their ids). Only templates of presets are touched: others are 404.
     */
    public void delete(int vmid) {
        boolean known = list().stream().anyMatch(t -> t.vmid() == vmid && t.node() != null);
        JsonNode r = nodes.resource(vmid);
        if (!known || r == null || PveJson.intValue(r.get("template"), 0) != 1) {
            throw SandboxException.of(SandboxException.Kind.NOT_FOUND, "unknown-template", "There is no preset "
                    + "template " + vmid + " (GET /v1/templates lists them).", null);
        }
        List<Integer> clones = linkedClonesOf(vmid);
        if (!clones.isEmpty()) {
            throw SandboxException.of(SandboxException.Kind.CONFLICT, "template-in-use", "Template " + vmid
                    + " still has linked clones " + clones + "; destroy them first.", Map.of("linkedClones", clones));
        }
        String node = PveJson.text(r, "node");
        try {
            tasks.await(pve.destroy(node, vmid, true));
        } catch (PveException e) {
            if (e.templateInUse()) {
                throw SandboxException.of(SandboxException.Kind.CONFLICT, "template-in-use", "PVE: "
                        + e.getMessage(), null, e);
            }
            throw e;
        }
        LOG.info("destroyed template " + vmid);
    }

    /** Containers whose rootfs is a linked clone of {@code template}'s base volume; reads every container's config. */
    List<Integer> linkedClonesOf(int template) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode r : pve.vmResources()) {
            int vmid = PveJson.intValue(r.get("vmid"), -1);
            if (vmid == template || !"lxc".equals(PveJson.text(r, "type"))) {
                continue;
            }
            Matcher m = BASE_VOLUME.matcher(String.valueOf(PveJson.text(pve.config(PveJson.text(r, "node"), vmid),
                    "rootfs")));
            if (m.find() && Integer.parseInt(m.group(1)) == template) {
                out.add(vmid);
            }
        }
        return out;
    }
}
