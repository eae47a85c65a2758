package dev.cmux.gateway.proxy;

import dev.cmux.gateway.metrics.GatewayMetrics;
import dev.cmux.gateway.resolve.AddressSource;
import dev.cmux.gateway.wake.SandboxActivity;
import dev.cmux.gateway.wake.SandboxWaker;

import java.util.List;

/**
 * What the data plane shares with the rest of the process, kept across reloads: its counters, where sandbox
 * addresses come from besides DNS (PVE), and with PVE the waker and the activity record of wake-on-HTTP.
 *
 * @param waker    wakes stopped sandboxes; null without PVE
 * @param activity records traffic per sandbox for the idle policy; null without PVE
 */
public record DataPlaneLinks(GatewayMetrics metrics, List<AddressSource> addressSources, SandboxWaker waker,
                             SandboxActivity activity) {

    public DataPlaneLinks {
        addressSources = List.copyOf(addressSources);
    }

    /** No PVE: DNS (and {@code addressSources}, if any) only, nothing is woken. */
    public static DataPlaneLinks standalone(List<AddressSource> addressSources) {
        return new DataPlaneLinks(new GatewayMetrics(), addressSources, null, null);
    }
}
