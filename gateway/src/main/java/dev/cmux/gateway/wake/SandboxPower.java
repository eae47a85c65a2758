package dev.cmux.gateway.wake;

import dev.cmux.control.api.ActivityView;
import dev.cmux.control.api.ControlServices;
import dev.cmux.control.events.EventLog;
import dev.cmux.control.lifecycle.LifecycleReaper;
import dev.cmux.control.lifecycle.NextAction;
import dev.cmux.control.lifecycle.NextActions;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.metrics.GatewayMetrics;
import dev.cmux.gateway.exchange.DataPlaneLinks;
import dev.cmux.gateway.resolve.AddressAuthority;
import dev.cmux.gateway.resolve.SuffixSource;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Wake-on-HTTP and the sandbox lifecycle together, as the gateway process holds them: with PVE a waker, the
 * activity record and the lifecycle reaper (auto-stop reads the activity); without PVE nothing (the data plane then
 * never wakes and no lifecycle runs).
 */
public final class SandboxPower implements AutoCloseable {

    private final GatewayMetrics metrics;
    private final SandboxActivity activity;
    private final SandboxWaker waker;
    private final LifecycleReaper lifecycle;
    private final Supplier<GatewayConfig> config;

    private SandboxPower(GatewayMetrics metrics, SandboxActivity activity, SandboxWaker waker,
                         LifecycleReaper lifecycle, Supplier<GatewayConfig> config) {
        this.metrics = metrics;
        this.activity = activity;
        this.waker = waker;
        this.lifecycle = lifecycle;
        this.config = config;
    }

    /**
     * @param config the running configuration (it changes on reload)
     * @param clock  the time of traffic, idleness and the lifecycle: the system's, or one a test moves
     */
    public static SandboxPower create(ControlServices services, GatewayMetrics metrics, Supplier<GatewayConfig> config,
                                      Clock clock) {
        if (!services.pveEnabled()) {
            return new SandboxPower(metrics, null, null, null, config);
        }
        SandboxActivity activity = new SandboxActivity(clock);
        EventLog events = services.events().orElseThrow();
        SandboxWaker waker = new SandboxWaker(services.sandboxes(), activity, metrics, config, events);
        LifecycleReaper lifecycle = new LifecycleReaper(services.sandboxes(), () -> config.get().lifecycle().policy(),
                activity::lastActivity, clock, (vmid, action, reason) -> {
                    if (!NextAction.DESTROY.equals(action)) {
                        waker.markAsleep(vmid); // the next request wakes it without trying to connect first
                    }
                    metrics.lifecycle(action, reason);
                    events.record(action, vmid, true, null, "lifecycle: " + reason);
                });
        return new SandboxPower(metrics, activity, waker, lifecycle, config);
    }

    /** What the data plane gets: these counters, PVE's addresses and suffix, and with PVE the waker and the activity. */
    public DataPlaneLinks links(AddressAuthority addresses, SuffixSource suffixes) {
        return new DataPlaneLinks(metrics, addresses, suffixes, waker, activity);
    }

    /** One lifecycle pass now, as the timer does every {@code lifecycle.checkInterval}. */
    public Optional<LifecycleReaper.Pass> lifecyclePass() {
        return lifecycle == null ? Optional.empty() : Optional.of(lifecycle.pass());
    }

    /** Starts the passes, every {@code lifecycle.checkInterval} (read again after each: a reload applies). */
    public void startLifecycle() {
        if (lifecycle != null) {
            lifecycle.start(() -> config.get().lifecycle().checkInterval());
        }
    }

    public ActivityView activity() {
        return activity == null ? ActivityView.NONE : activity;
    }

    /** What the lifecycle will do to a sandbox, for {@code nextAction} in the API. */
    public NextActions nextActions() {
        return lifecycle == null ? NextActions.NONE : lifecycle;
    }

    @Override
    public void close() {
        if (lifecycle != null) {
            lifecycle.close();
        }
        if (waker != null) {
            waker.close();
        }
    }
}
