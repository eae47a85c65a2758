package dev.cmux.control.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveJson;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private ScheduledExecutorService schedule;

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
        schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cmux-ttl-reaper");
            t.setDaemon(true);
            return t;
        });
        long every = settings.reaperInterval().toMillis();
        schedule.scheduleWithFixedDelay(this::reapLogged, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    private void reapLogged() {
        try {
            ReapReport report = reapOnce();
            if (!report.destroyed().isEmpty() || !report.stopped().isEmpty() || !report.errors().isEmpty()) {
                LOG.info("ttl reaper: destroyed " + report.destroyed() + ", stopped " + report.stopped()
                        + ", errors " + report.errors());
            }
            if (!report.orphans().isEmpty()) {
                LOG.warning("ttl reaper: containers named cmux-<vmid> without sandbox metadata (left alone): "
                        + report.orphans());
            }
        } catch (RuntimeException e) {
            LOG.warning("ttl reaper pass failed: " + e.getMessage());
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
                        sandboxes.stop(s.vmid());
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
            if (!"lxc".equals(PveJson.text(r, "type")) || !("cmux-" + vmid).equals(name)
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
        if (schedule != null) {
            schedule.shutdownNow();
        }
    }
}
