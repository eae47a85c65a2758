package dev.cmux.gateway.wake;

import dev.cmux.control.poll.Periodic;
import dev.cmux.control.sandbox.IdlePolicy;
import dev.cmux.control.sandbox.PowerAction;
import dev.cmux.control.sandbox.Sandbox;
import dev.cmux.control.sandbox.SandboxService;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.metrics.GatewayMetrics;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Suspends or stops running sandboxes that have had no traffic for their idle time ({@code idle} in their metadata,
 * else the gateway's {@code idle} default). Idle time counts from the last request or upgraded byte this gateway
 * saw, and never from before the gateway first saw the sandbox running: after a restart every sandbox gets a full
 * period. Where PVE cannot suspend (no CRIU), the sandbox is stopped instead, and the log says so.
 */
public final class IdleReaper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(IdleReaper.class.getName());

    /** What one pass did, for the log and for tests. */
    public record Pass(List<Integer> suspended, List<Integer> stopped, List<String> errors) {
    }

    private final SandboxService sandboxes;
    private final SandboxActivity activity;
    private final SandboxWaker waker;
    private final GatewayMetrics metrics;
    private final Supplier<GatewayConfig> config;
    private final Clock clock;
    private final Map<Integer, Long> runningSince = new ConcurrentHashMap<>();
    private Periodic passes;

    public IdleReaper(SandboxService sandboxes, SandboxActivity activity, SandboxWaker waker, GatewayMetrics metrics,
                      Supplier<GatewayConfig> config, Clock clock) {
        this.sandboxes = sandboxes;
        this.activity = activity;
        this.waker = waker;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    /** Looks for idle sandboxes every {@code idle.checkInterval} (read again after each pass: reload applies). */
    public IdleReaper start() {
        passes = Periodic.start("cmux-idle-reaper", () -> config.get().idle().checkInterval(), this::reapLogged);
        return this;
    }

    private void reapLogged() {
        Pass pass = reapOnce();
        if (!pass.suspended().isEmpty() || !pass.stopped().isEmpty() || !pass.errors().isEmpty()) {
            LOG.info("idle: suspended " + pass.suspended() + ", stopped " + pass.stopped() + ", errors "
                    + pass.errors());
        }
    }

    public Pass reapOnce() {
        long now = clock.millis();
        IdlePolicy fallback = config.get().idle().policy();
        List<Integer> suspended = new ArrayList<>();
        List<Integer> stopped = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<Integer> running = new HashSet<>();
        for (Sandbox s : sandboxes.list()) {
            if (!"running".equals(s.status())) {
                continue;
            }
            running.add(s.vmid());
            IdlePolicy policy = s.metadata() != null && s.metadata().idle() != null ? s.metadata().idle() : fallback;
            long since = runningSince.computeIfAbsent(s.vmid(), v -> now);
            long last = Math.max(since, activity.lastMillis(s.vmid()));
            if (!policy.enabled() || now - last < policy.after().toMillis()) {
                continue;
            }
            try {
                (putToSleep(s.vmid(), policy.action()) ? suspended : stopped).add(s.vmid());
            } catch (RuntimeException e) {
                errors.add("sandbox " + s.vmid() + ": " + e.getMessage());
            }
        }
        runningSince.keySet().retainAll(running);
        return new Pass(suspended, stopped, errors);
    }

    /** True when suspended, false when stopped. */
    private boolean putToSleep(int vmid, String action) {
        boolean suspended = false;
        if (IdlePolicy.SUSPEND.equals(action)) {
            try {
                sandboxes.power(vmid, PowerAction.SUSPEND);
                suspended = true;
            } catch (RuntimeException e) {
                LOG.warning("sandbox " + vmid + " could not be suspended (" + e.getMessage() + "); stopping it");
            }
        }
        if (!suspended) {
            sandboxes.power(vmid, PowerAction.STOP);
        }
        runningSince.remove(vmid);
        waker.markAsleep(vmid);
        metrics.idled(suspended ? IdlePolicy.SUSPEND : IdlePolicy.STOP);
        return suspended;
    }

    @Override
    public void close() {
        if (passes != null) {
            passes.close();
        }
    }
}
