package dev.cmux.gateway.config;

import dev.cmux.control.config.ConfigSection;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a Host header becomes a backend.
 *
 * @param suffix       DNS suffix of sandbox names ({@code cmux-<vmid><suffix>}); {@link #AUTO_SUFFIX} asks PVE
 *                     or /etc/resolv.conf, {@code ""} uses the bare name
 * @param allowedPorts sandbox ports that may be routed
 * @param deniedPorts  sandbox ports that never are, even when allowed (execd's root exec port, ssh)
 * @param hosts        exact-host routes, keyed by lower-case host name without port
 * @param sharedCookiePorts sandbox ports whose {@code Set-Cookie} keeps its {@code Domain} attribute (every other
 *                     sandbox port's cookies are made host-only: {@code headers.SandboxCookies})
 */
public record RoutingConfig(String suffix, List<PortRange> allowedPorts, List<PortRange> deniedPorts,
                            Map<String, UpstreamRoute> hosts, List<PortRange> sharedCookiePorts) {

    public static final String AUTO_SUFFIX = "auto";

    public RoutingConfig {
        allowedPorts = List.copyOf(allowedPorts);
        deniedPorts = List.copyOf(deniedPorts);
        hosts = Map.copyOf(hosts);
        sharedCookiePorts = List.copyOf(sharedCookiePorts);
    }

    public static RoutingConfig defaults() {
        return new RoutingConfig(AUTO_SUFFIX, List.of(new PortRange(1, 65535)),
                List.of(new PortRange(22, 22), new PortRange(39375, 39375)), Map.of(), List.of());
    }

    static RoutingConfig read(ConfigSection s) {
        s.allowOnly("suffix", "allowedPorts", "deniedPorts", "hosts", "sharedCookiePorts");
        RoutingConfig d = defaults();
        Map<String, UpstreamRoute> hosts = new HashMap<>();
        s.sections("hosts").forEach((name, h) -> {
            UpstreamRoute route = UpstreamRoute.read(h);
            if (route != null) {
                hosts.put(name.toLowerCase(Locale.ROOT), route);
            }
        });
        String suffix = s.has("suffix") ? s.string("suffix") : d.suffix();
        // set but empty is meaningful here: bare names, no suffix
        String fromEnv = s.rawEnv("GATEWAY_SUFFIX");
        return new RoutingConfig(fromEnv != null ? fromEnv : suffix == null ? "" : suffix,
                s.list("allowedPorts", PortRange::parse, d.allowedPorts()),
                s.list("deniedPorts", PortRange::parse, d.deniedPorts()), hosts,
                s.list("sharedCookiePorts", PortRange::parse, d.sharedCookiePorts()));
    }

    /** True when the sandboxes' port {@code port} may set cookies for the whole domain ({@code sharedCookiePorts}). */
    public boolean sharesCookies(int port) {
        return PortRange.anyContains(sharedCookiePorts, port);
    }

    /** True when a sandbox port is inside the allowed ranges and outside the denied ones. */
    public boolean portAllowed(int port) {
        return !PortRange.anyContains(deniedPorts, port) && PortRange.anyContains(allowedPorts, port);
    }
}
