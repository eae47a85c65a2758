package dev.cmux.gateway.config;

import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.config.PveConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The environment variables of DESIGN.md, laid over the file: secrets belong in {@code /etc/cmux-gateway/env}
 * (0600), not in the YAML. A set variable wins over the file; an empty one counts as unset.
 */
final class EnvOverrides {

    private final Map<String, String> env;
    private final List<String> problems;

    private EnvOverrides(Map<String, String> env, List<String> problems) {
        this.env = env;
        this.problems = problems;
    }

    static GatewayConfig apply(GatewayConfig c, Map<String, String> env, List<String> problems) {
        return new EnvOverrides(env, problems).apply(c);
    }

    private GatewayConfig apply(GatewayConfig c) {
        String domain = get("PVE_PUBLIC_DOMAIN", Values::domain, get("CF_DOMAIN", Values::domain, c.domain()));
        RoutingConfig routing = c.routing();
        String suffix = env.get("GATEWAY_SUFFIX");
        if (suffix != null) {
            routing = routing.withSuffix(suffix);
        }
        ControlConfig control = new ControlConfig(get("GATEWAY_CONTROL_LISTEN", Values::listenAddress,
                c.control().listen()), get("GATEWAY_CONTROL_TOKEN", v -> v, c.control().token()));
        PveConfig p = c.pve();
        PveConfig pve = new PveConfig(
                get("PVE_API_URL", java.net.URI::create, p.apiUrl()),
                get("PVE_API_TOKEN", v -> v, p.apiToken()),
                get("PVE_NODE", v -> v, p.node()),
                get("PVE_TEMPLATE_VMID", ConfigLoader::positiveInt, p.templateVmid()),
                get("PVE_VERIFY_TLS", ConfigLoader::bool, p.verifyTls()),
                get("PVE_TLS_FINGERPRINT", ConfigLoader::fingerprint, p.tlsFingerprint()),
                p.caFile());
        CloudflareConfig f = c.cloudflare();
        CloudflareConfig cloudflare = new CloudflareConfig(
                get("CF_API_URL", java.net.URI::create, f.apiUrl()),
                get("CF_API_TOKEN", v -> v, f.apiToken()),
                get("CF_ACCOUNT_ID", v -> v, f.accountId()),
                get("CF_ZONE_ID", v -> v, f.zoneId()),
                get("CF_DOMAIN", Values::domain, f.domain() != null ? f.domain() : domain),
                get("CF_TUNNEL_NAME", v -> v, f.tunnelName()),
                get("CLOUDFLARED_DIR", Path::of, f.cloudflaredDir()),
                get("SYSTEMD_UNIT_DIR", Path::of, f.systemdUnitDir()));
        return new GatewayConfig(get("GATEWAY_LISTEN", Values::listenAddress, c.listen()), domain, c.trustedProxies(),
                routing, c.resolver(), c.timeouts(), c.limits(), c.pool(), c.accessLog(), c.logging(), c.access(), c.tls(),
                control, pve, cloudflare, c.wake(), c.idle());
    }

    private <T> T get(String name, Function<String, T> parse, T fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return parse.apply(v.trim());
        } catch (IllegalArgumentException e) {
            problems.add("environment " + name + ": " + e.getMessage());
            return fallback;
        }
    }
}
