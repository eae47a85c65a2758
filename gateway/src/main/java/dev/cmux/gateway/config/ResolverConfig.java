package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;
import dev.cmux.control.config.HostPort;
import dev.cmux.control.sandbox.SandboxId;

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

    private static final Duration MAX_NEGATIVE_TTL = Duration.ofSeconds(2);

    public ResolverConfig {
        statics = Map.copyOf(statics);
        allowedNetworks = List.copyOf(allowedNetworks);
        nameservers = List.copyOf(nameservers);
    }

    public static ResolverConfig defaults() {
        return new ResolverConfig(Duration.ofSeconds(30), Duration.ofSeconds(20), MAX_NEGATIVE_TTL, Map.of(),
                List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.168.0.0/16"),
                        Cidr.parse("fc00::/7")),
                List.of(), 100_000);
    }

    static ResolverConfig read(ConfigSection s) {
        s.allowOnly("ttl", "refreshAfter", "negativeTtl", "static", "allowedNetworks", "nameservers", "maxEntries");
        ResolverConfig d = defaults();
        Duration ttl = s.value("ttl", ConfigValues::duration, d.ttl());
        // refresh ahead at two thirds of the TTL unless told otherwise
        Duration refresh = s.value("refreshAfter", ConfigValues::duration,
                s.has("ttl") ? ttl.multipliedBy(2).dividedBy(3) : d.refreshAfter());
        ResolverConfig r = new ResolverConfig(ttl, refresh, s.value("negativeTtl", ConfigValues::duration,
                d.negativeTtl()), s.map("static", vmid -> SandboxId.parse(vmid).value(), ConfigValues::ipLiteral),
                s.list("allowedNetworks", Cidr::parse, d.allowedNetworks()),
                s.list("nameservers", ResolverConfig::nameserver, d.nameservers()),
                s.value("maxEntries", ConfigValues::positiveInt, (int) d.maxEntries()));
        if (r.negativeTtl().compareTo(MAX_NEGATIVE_TTL) > 0) {
            s.problem("negativeTtl", "at most 2s, so a sandbox that just started is found quickly");
        }
        if (r.refreshAfter().compareTo(r.ttl()) >= 0) {
            s.problem("refreshAfter", "must be shorter than resolver.ttl (" + r.ttl().toSeconds() + "s)");
        }
        return r;
    }

    /** An IP address, with an optional port (53 when none): {@code 127.0.0.53}, {@code [::1]:5353}. */
    private static InetSocketAddress nameserver(String text) {
        String s = text.trim();
        boolean hasPort = s.startsWith("[") ? s.contains("]:") : s.indexOf(':') >= 0 && s.indexOf(':') == s
                .lastIndexOf(':');
        if (!hasPort) {
            return new InetSocketAddress(ConfigValues.ipLiteral(s.replace("[", "").replace("]", "")), 53);
        }
        HostPort server = HostPort.connectAddress(s);
        return new InetSocketAddress(ConfigValues.ipLiteral(server.host()), server.port());
    }

    public boolean addressAllowed(InetAddress address) {
        for (Cidr network : allowedNetworks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
