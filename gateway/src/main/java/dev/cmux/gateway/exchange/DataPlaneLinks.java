package dev.cmux.gateway.exchange;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.cmux.control.traffic.TrafficRings;
import dev.cmux.gateway.metrics.GatewayMetrics;
import dev.cmux.gateway.resolve.AddressAuthority;
import dev.cmux.gateway.resolve.SandboxNames;
import dev.cmux.gateway.resolve.SuffixSource;

/**
 * What the data plane shares with the rest of the process: its counters, with PVE the authority on sandbox
 * addresses and the suffix of their names, the waker and the activity record of wake-on-HTTP.
 *
 * @param addresses PVE, which vouches for what DNS says of a sandbox; null without PVE
 * @param waker   wakes stopped sandboxes; null without PVE
 * @param traffic records traffic per sandbox for the idle policy; null without PVE
 * @param resolverTicker the clock of the resolver's TTLs: the system's, or one a test moves
 * @param names   PVE's sandboxes by instance id, for {@code port-P-<instanceId>} hosts; null without PVE
 * @param rings   the last hour of requests, errors and latency for the operator's page; null: not kept
 */
public record DataPlaneLinks(GatewayMetrics metrics, AddressAuthority addresses, SuffixSource suffixes,
                             SandboxWake waker, SandboxTraffic traffic, Ticker resolverTicker,
                             SandboxNames.Directory names, TrafficRings rings) {

    public DataPlaneLinks(GatewayMetrics metrics, AddressAuthority addresses, SuffixSource suffixes,
                          SandboxWake waker, SandboxTraffic traffic) {
        this(metrics, addresses, suffixes, waker, traffic, Ticker.systemTicker(), null, null);
    }

    /** These links with the resolver's TTLs on {@code ticker}. */
    public DataPlaneLinks withResolverTicker(Ticker ticker) {
        return new DataPlaneLinks(metrics, addresses, suffixes, waker, traffic, ticker, names, rings);
    }

    /** These links with instance ids looked up in {@code directory} (PVE). */
    public DataPlaneLinks withNames(SandboxNames.Directory directory) {
        return new DataPlaneLinks(metrics, addresses, suffixes, waker, traffic, resolverTicker, directory, rings);
    }

    /** These links with every finished exchange recorded in {@code rings}. */
    public DataPlaneLinks withTrafficRings(TrafficRings rings) {
        return new DataPlaneLinks(metrics, addresses, suffixes, waker, traffic, resolverTicker, names, rings);
    }

    /** No PVE: addresses as DNS gives them, nothing is woken. */
    public static DataPlaneLinks standalone() {
        return new DataPlaneLinks(new GatewayMetrics(), null, SuffixSource.LOCAL, null, null);
    }
}
