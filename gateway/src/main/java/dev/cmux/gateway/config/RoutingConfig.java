package dev.cmux.gateway.config;

import java.util.List;
import java.util.Map;

/**
 * How a Host header becomes a backend.
 *
 * @param suffix       DNS suffix of sandbox names ({@code cmux-<vmid><suffix>}); {@link #AUTO_SUFFIX} asks PVE
 *                     or /etc/resolv.conf, {@code ""} uses the bare name
 * @param allowedPorts sandbox ports that may be routed
 * @param deniedPorts  sandbox ports that never are, even when allowed (execd's root exec port, ssh)
 * @param hosts        exact-host routes, keyed by lower-case host name without port
 */
public record RoutingConfig(String suffix, List<PortRange> allowedPorts, List<PortRange> deniedPorts,
                            Map<String, UpstreamRoute> hosts) {

    public static final String AUTO_SUFFIX = "auto";

    public RoutingConfig {
        allowedPorts = List.copyOf(allowedPorts);
        deniedPorts = List.copyOf(deniedPorts);
        hosts = Map.copyOf(hosts);
    }

    public static RoutingConfig defaults() {
        return new RoutingConfig(AUTO_SUFFIX, List.of(new PortRange(1, 65535)),
                List.of(new PortRange(22, 22), new PortRange(39375, 39375)), Map.of());
    }

    /** True when a sandbox port is inside the allowed ranges and outside the denied ones. */
    public boolean portAllowed(int port) {
        for (PortRange denied : deniedPorts) {
            if (denied.contains(port)) {
                return false;
            }
        }
        for (PortRange allowed : allowedPorts) {
            if (allowed.contains(port)) {
                return true;
            }
        }
        return false;
    }

    public RoutingConfig withHosts(Map<String, UpstreamRoute> newHosts) {
        return new RoutingConfig(suffix, allowedPorts, deniedPorts, newHosts);
    }

    public RoutingConfig withSuffix(String newSuffix) {
        return new RoutingConfig(newSuffix, allowedPorts, deniedPorts, hosts);
    }

    public RoutingConfig withPorts(List<PortRange> allowed, List<PortRange> denied) {
        return new RoutingConfig(suffix, allowed, denied, hosts);
    }
}
