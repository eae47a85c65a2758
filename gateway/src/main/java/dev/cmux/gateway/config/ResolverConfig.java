package dev.cmux.gateway.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a vmid becomes an address (see {@code BackendResolver}).
 *
 * @param ttl             how long a resolved address is used
 * @param refreshAfter    when a still-valid entry is refreshed in the background (before {@code ttl})
 * @param negativeTtl     how long a failed lookup is remembered (short: a booting sandbox appears quickly)
 * @param statics         fixed vmid -> address overrides, for LANs without DNS and for tests
 * @param allowedNetworks resolved addresses must lie here (the SSRF guard)
 * @param nameservers     DNS servers to ask; empty means those of /etc/resolv.conf
 * @param maxEntries      cache size bound
 */
public record ResolverConfig(Duration ttl, Duration refreshAfter, Duration negativeTtl,
                             Map<Integer, InetAddress> statics, List<Cidr> allowedNetworks,
                             List<InetSocketAddress> nameservers, long maxEntries) {

    public ResolverConfig {
        statics = Map.copyOf(statics);
        allowedNetworks = List.copyOf(allowedNetworks);
        nameservers = List.copyOf(nameservers);
    }

    public static ResolverConfig defaults() {
        return new ResolverConfig(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(2), Map.of(),
                List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.168.0.0/16"),
                        Cidr.parse("fc00::/7")),
                List.of(), 100_000);
    }

    public boolean addressAllowed(InetAddress address) {
        for (Cidr network : allowedNetworks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    public ResolverConfig withStatics(Map<Integer, InetAddress> newStatics) {
        return new ResolverConfig(ttl, refreshAfter, negativeTtl, newStatics, allowedNetworks, nameservers, maxEntries);
    }

    public ResolverConfig withAllowedNetworks(List<Cidr> networks) {
        return new ResolverConfig(ttl, refreshAfter, negativeTtl, statics, networks, nameservers, maxEntries);
    }

    public ResolverConfig withNameservers(List<InetSocketAddress> servers) {
        return new ResolverConfig(ttl, refreshAfter, negativeTtl, statics, allowedNetworks, servers, maxEntries);
    }

    public ResolverConfig withTtls(Duration newTtl, Duration newRefreshAfter, Duration newNegativeTtl) {
        return new ResolverConfig(newTtl, newRefreshAfter, newNegativeTtl, statics, allowedNetworks, nameservers,
                maxEntries);
    }
}
