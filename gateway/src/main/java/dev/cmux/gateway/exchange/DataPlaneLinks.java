package dev.cmux.gateway.exchange;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.cmux.gateway.metrics.GatewayMetrics;
import dev.cmux.gateway.resolve.AddressSource;
import dev.cmux.gateway.resolve.SuffixSource;

import java.util.List;

/**
 * What the data plane shares with the rest of the process: its counters, where sandbox addresses and the suffix of
 * their names come from besides DNS and local files (PVE), and with PVE the waker and the activity record of
 * wake-on-HTTP.
 *
 * @param waker   wakes stopped sandboxes; null without PVE
 * @param traffic records traffic per sandbox for the idle policy; null without PVE
 * @param resolverTicker the clock of the resolver's TTLs: the system's, or one a test moves
 */
public record DataPlaneLinks(GatewayMetrics metrics, List<AddressSource> addressSources, SuffixSource suffixes,
                             SandboxWake waker, SandboxTraffic traffic, Ticker resolverTicker) {

    public DataPlaneLinks {
        addressSources = List.copyOf(addressSources);
    }

    public DataPlaneLinks(GatewayMetrics metrics, List<AddressSource> addressSources, SuffixSource suffixes,
                          SandboxWake waker, SandboxTraffic traffic) {
        this(metrics, addressSources, suffixes, waker, traffic, Ticker.systemTicker());
    }

    /** These links with the resolver's TTLs on {@code ticker}. */
    public DataPlaneLinks withResolverTicker(Ticker ticker) {
        return new DataPlaneLinks(metrics, addressSources, suffixes, waker, traffic, ticker);
    }

    /** No PVE: DNS (and {@code addressSources}, if any) only, nothing is woken. */
    public static DataPlaneLinks standalone(List<AddressSource> addressSources) {
        return new DataPlaneLinks(new GatewayMetrics(), addressSources, SuffixSource.LOCAL, null, null);
    }
}
