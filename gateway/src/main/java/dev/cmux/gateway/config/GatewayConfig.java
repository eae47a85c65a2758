package dev.cmux.gateway.config;

import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ConfigSection;
import dev.cmux.control.config.ConfigValues;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.config.PveConfig;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.logging.Logger;

/**
 * The whole configuration, immutable and validated once at load ({@code ConfigLoader}); every key is
 * documented in {@code config/gateway.yaml}. Made by {@link #read} from the file, or by {@link #builder()} in code.
 *
 * @param listen         the data plane listener (cloudflared forwards here)
 * @param domain         public domain, lower case without dots at either end; {@code null} routes any domain
 * @param trustedProxies peers whose forwarding headers ({@code Cf-Connecting-Ip}, {@code X-Forwarded-*}) are believed
 */
public record GatewayConfig(
        InetSocketAddress listen,
        String domain,
        List<Cidr> trustedProxies,
        RoutingConfig routing,
        ResolverConfig resolver,
        Timeouts timeouts,
        Limits limits,
        PoolConfig pool,
        AccessLogConfig accessLog,
        LoggingConfig logging,
        AccessConfig access,
        TlsConfig tls,
        ControlConfig control,
        PveConfig pve,
        CloudflareConfig cloudflare,
        WakeConfig wake,
        LifecycleConfig lifecycle,
        EmbeddingConfig embedding,
        SandboxesConfig sandboxes) {

    public static final int DEFAULT_PORT = 8080;

    public GatewayConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** The built-in defaults: safe to run with no file at all. */
    public static GatewayConfig defaults() {
        return new GatewayConfig(
                InetSocketAddress.createUnresolved("127.0.0.1", DEFAULT_PORT),
                null,
                List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("::1/128")),
                RoutingConfig.defaults(),
                ResolverConfig.defaults(),
                Timeouts.defaults(),
                Limits.defaults(),
                PoolConfig.defaults(),
                AccessLogConfig.defaults(),
                LoggingConfig.defaults(),
                AccessConfig.disabled(),
                TlsConfig.disabled(),
                ControlConfig.defaults(),
                PveConfig.defaults(),
                CloudflareConfig.defaults(),
                WakeConfig.defaults(),
                LifecycleConfig.defaults(),
                EmbeddingConfig.disabled(),
                SandboxesConfig.defaults());
    }

    /** Starts from the built-in defaults. */
    public static GatewayConfigBuilder builder() {
        return defaults().toBuilder();
    }

    public GatewayConfigBuilder toBuilder() {
        return new GatewayConfigBuilder(this);
    }

    /**
     * The file's top level, each section read by its own record, the environment variables of DESIGN.md over
     * them; then the checks that span sections.
     */
    static GatewayConfig read(ConfigSection root) {
        root.allowOnly("listen", "domain", "trustedProxies", "routing", "resolver", "timeouts", "limits", "pool",
                "accessLog", "logging", "access", "tls", "control", "pve", "cloudflare", "wake", "idle",
                "lifecycle", "presets", "embedding", "sandboxes");
        GatewayConfig d = defaults();
        String domain = root.env("PVE_PUBLIC_DOMAIN", ConfigValues::domain,
                root.value("domain", "CF_DOMAIN", ConfigValues::domain, d.domain()));
        GatewayConfig c = new GatewayConfig(
                root.value("listen", "GATEWAY_LISTEN", ConfigValues::listenAddress, d.listen()),
                domain,
                root.list("trustedProxies", Cidr::parse, d.trustedProxies()),
                RoutingConfig.read(root.section("routing")),
                ResolverConfig.read(root.section("resolver")),
                Timeouts.read(root.section("timeouts")),
                Limits.read(root.section("limits")),
                PoolConfig.read(root.section("pool")),
                AccessLogConfig.read(root.section("accessLog")),
                LoggingConfig.read(root.section("logging")),
                AccessConfig.read(root.section("access")),
                TlsConfig.read(root.section("tls")),
                ControlConfig.read(root.section("control")),
                PveConfig.read(root.section("pve"), root.sectionList("presets")),
                CloudflareConfig.read(root.section("cloudflare"), domain),
                WakeConfig.read(root.section("wake")),
                root.has("idle") ? LifecycleConfig.fromIdle(root.section("idle"))
                        : LifecycleConfig.read(root.section("lifecycle")),
                EmbeddingConfig.read(root.section("embedding")),
                SandboxesConfig.read(root.section("sandboxes")));
        if (root.has("idle") && root.has("lifecycle")) {
            root.problem("idle", LifecycleConfig.IDLE_MOVED + "; with lifecycle: there, delete idle:");
        } else if (root.has("idle")) {
            // at every start and reload, until the operator renames it
            Logger.getLogger(GatewayConfig.class.getName()).warning("idle: is read as lifecycle.autoStop and "
                    + "lifecycle.checkInterval; it " + LifecycleConfig.IDLE_MOVED);
        }
        InetSocketAddress control = c.control().listen();
        if (control.getPort() != 0 && control.getPort() == c.listen().getPort()
                && control.getHostString().equals(c.listen().getHostString())) {
            root.problem("control.listen", "must differ from listen (" + c.listen() + ")");
        }
        if (c.tls().enabled() && c.domain() == null && c.tls().certificates().isEmpty()) {
            root.problem("tls", "give tls.certificates, or set domain so a certificate for *.<domain> can be made");
        }
        return c;
    }
}
