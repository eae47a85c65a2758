package dev.cmux.gateway.wake;

import dev.cmux.control.api.ActivityView;
import dev.cmux.control.api.ControlServices;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.metrics.GatewayMetrics;
import dev.cmux.gateway.exchange.DataPlaneLinks;
import dev.cmux.gateway.resolve.AddressAuthority;
import dev.cmux.gateway.resolve.SuffixSource;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Wake-on-HTTP and the idle policy together, as the gateway process holds them: with PVE a waker, the activity
 * record and the idle reaper; without PVE nothing (the data plane then never wakes and the reaper never runs).
 */
public final class SandboxPower implements AutoCloseable {

    private final GatewayMetrics metrics;
    private final SandboxActivity activity;
    private final SandboxWaker waker;
    private final IdleReaper reaper;

    private SandboxPower(GatewayMetrics metrics, SandboxActivity activity, SandboxWaker waker, IdleReaper reaper) {
        this.metrics = metrics;
        this.activity = activity;
        this.waker = waker;
        this.reaper = reaper;
    }

    /**
     * @param config the running configuration (it changes on reload)
     * @param clock  the time of traffic and idleness: the system's, or one a test moves
     */
    public static SandboxPower create(ControlServices services, GatewayMetrics metrics, Supplier<GatewayConfig> config,
                                      Clock clock) {
        if (!services.pveEnabled()) {
            return new SandboxPower(metrics, null, null, null);
        }
        SandboxActivity activity = new SandboxActivity(clock);
        SandboxWaker waker = new SandboxWaker(services.sandboxes(), activity, metrics, config,
                services.events().orElseThrow());
        return new SandboxPower(metrics, activity, waker,
                new IdleReaper(services.sandboxes(), activity, waker, metrics, config, clock));
    }

    /** What the data plane gets: these counters, PVE's addresses and suffix, and with PVE the waker and the activity. */
    public DataPlaneLinks links(AddressAuthority addresses, SuffixSource suffixes) {
        return new DataPlaneLinks(metrics, addresses, suffixes, waker, activity);
    }

    /** One look for idle sandboxes now, as the reaper's timer does every {@code idle.checkInterval}. */
    public Optional<IdleReaper.Pass> reapIdleOnce() {
        return reaper == null ? Optional.empty() : Optional.of(reaper.reapOnce());
    }

    public void startIdleReaper() {
        if (reaper != null) {
            reaper.start();
        }
    }

    public ActivityView activity() {
        return activity == null ? ActivityView.NONE : activity;
    }

    @Override
    public void close() {
        if (reaper != null) {
            reaper.close();
        }
        if (waker != null) {
            waker.close();
        }
    }
}
