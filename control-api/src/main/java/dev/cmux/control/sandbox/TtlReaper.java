package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.poll.Periodic;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveJson;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Applies each sandbox's TTL: past it, a sandbox is destroyed, or stopped when its policy says {@code stop}. It
 * reads everything from PVE, so it may run on every gateway of a cluster; a second gateway finds the work done (a
 * destroy of a container that is already gone is reported, not retried). Containers that look like ours but carry
 * no metadata are reported as orphans and left alone: a person decides about them.
 */
public final class TtlReaper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TtlReaper.class.getName());

    private final SandboxService sandboxes;
    private final PveClient pve;
    private final Clock clock;
    private Periodic passes;

    public TtlReaper(SandboxService sandboxes, PveClient pve, Clock clock) {
        this.sandboxes = sandboxes;
        this.pve = pve;
        this.clock = clock;
    }

    /** Runs {@link #reapOnce()} every {@link SandboxSettings#reaperInterval()}, when that is set. */
    public TtlReaper startIfEnabled() {
        SandboxSettings settings = sandboxes.settings();
        if (!settings.reaperEnabled()) {
            return this;
        }
        passes = Periodic.start("cmux-ttl-reaper", settings::reaperInterval, this::reapLogged);
        return this;
    }

    private void reapLogged() {
        ReapReport report = reapOnce();
        if (!report.destroyed().isEmpty() || !report.stopped().isEmpty() || !report.errors().isEmpty()) {
            LOG.info("ttl reaper: destroyed " + report.destroyed() + ", stopped " + report.stopped()
                    + ", errors " + report.errors());
        }
        if (!report.orphans().isEmpty()) {
            LOG.warning("ttl reaper: containers named cmux-<vmid> without sandbox metadata (left alone): "
                    + report.orphans());
        }
    }

    public ReapReport reapOnce() {
        Instant now = clock.instant();
        List<Integer> destroyed = new ArrayList<>();
        List<Integer> stopped = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Sandbox s : sandboxes.list()) {
            SandboxMetadata m = s.metadata();
            if (m == null || !m.expired(now) || SandboxMetadata.KEEP.equals(m.idlePolicy())) {
                continue;
            }
            try {
                if (SandboxMetadata.STOP.equals(m.idlePolicy())) {
                    if ("running".equals(s.status())) {
                        sandboxes.power(s.vmid(), PowerAction.STOP);
                        stopped.add(s.vmid());
                    }
                } else {
                    sandboxes.destroy(s.vmid());
                    destroyed.add(s.vmid());
                }
            } catch (RuntimeException e) {
                errors.add("sandbox " + s.vmid() + ": " + e.getMessage());
            }
        }
        return new ReapReport(destroyed, stopped, orphans(), errors);
    }

    private List<Integer> orphans() {
        List<Integer> orphans = new ArrayList<>();
        for (JsonNode r : pve.vmResources()) {
            int vmid = PveJson.intValue(r.get("vmid"), -1);
            String name = PveJson.text(r, "name");
            if (!"lxc".equals(PveJson.text(r, "type")) || !SandboxId.inRange(vmid)
                    || !new SandboxId(vmid).hostname().equals(name)
                    || PveJson.intValue(r.get("template"), 0) == 1) {
                continue;
            }
            boolean tagged = SandboxService.isSandbox(PveJson.text(r, "tags"), 0);
            if (!tagged || SandboxMetadata.fromDescription(
                    PveJson.text(pve.config(PveJson.text(r, "node"), vmid), "description")).isEmpty()) {
                orphans.add(vmid);
            }
        }
        return orphans;
    }

    @Override
    public void close() {
        if (passes != null) {
            passes.close();
        }
    }
}
