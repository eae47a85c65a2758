package dev.cmux.gateway.config;

import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.config.PveConfig;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The whole configuration, immutable and validated once at load ({@code ConfigLoader}); every key is
 * documented in {@code config/gateway.yaml}.
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
        IdleConfig idle) {

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
                IdleConfig.defaults());
    }

    public GatewayConfig withListen(InetSocketAddress newListen) {
        return new GatewayConfig(newListen, domain, trustedProxies, routing, resolver, timeouts, limits, pool,
                accessLog, logging, access, tls, control, pve, cloudflare, wake, idle);
    }

    public GatewayConfig withDomain(String newDomain) {
        return new GatewayConfig(listen, newDomain, trustedProxies, routing, resolver, timeouts, limits, pool,
                accessLog, logging, access, tls, control, pve, cloudflare, wake, idle);
    }

    public GatewayConfig withRouting(RoutingConfig newRouting) {
        return new GatewayConfig(listen, domain, trustedProxies, newRouting, resolver, timeouts, limits, pool,
                accessLog, logging, access, tls, control, pve, cloudflare, wake, idle);
    }

    public GatewayConfig withResolver(ResolverConfig newResolver) {
        return new GatewayConfig(listen, domain, trustedProxies, routing, newResolver, timeouts, limits, pool,
                accessLog, logging, access, tls, control, pve, cloudflare, wake, idle);
    }

    public GatewayConfig withTimeouts(Timeouts newTimeouts) {
        return new GatewayConfig(listen, domain, trustedProxies, routing, resolver, newTimeouts, limits, pool,
                accessLog, logging, access, tls, control, pve, cloudflare, wake, idle);
    }

    public GatewayConfig withTrustedProxies(List<Cidr> newTrustedProxies) {
        return new GatewayConfig(listen, domain, newTrustedProxies, routing, resolver, timeouts, limits, pool,
                accessLog, logging, access, tls, control, pve, cloudflare, wake, idle);
    }

    public GatewayConfig withPool(PoolConfig newPool) {
        return new GatewayConfig(listen, domain, trustedProxies, routing, resolver, timeouts, limits, newPool,
                accessLog, logging, access, tls, control, pve, cloudflare, wake, idle);
    }

    public GatewayConfig withLimits(Limits newLimits) {
        return new GatewayConfig(listen, domain, trustedProxies, routing, resolver, timeouts, newLimits, pool,
                accessLog, logging, access, tls, control, pve, cloudflare, wake, idle);
    }

    public GatewayConfig withAccess(AccessConfig newAccess) {
        return new GatewayConfig(listen, domain, trustedProxies, routing, resolver, timeouts, limits, pool,
                accessLog, logging, newAccess, tls, control, pve, cloudflare, wake, idle);
    }

    public GatewayConfig withTls(TlsConfig newTls) {
        return new GatewayConfig(listen, domain, trustedProxies, routing, resolver, timeouts, limits, pool,
                accessLog, logging, access, newTls, control, pve, cloudflare, wake, idle);
    }

    public GatewayConfig withPve(PveConfig newPve) {
        return new GatewayConfig(listen, domain, trustedProxies, routing, resolver, timeouts, limits, pool,
                accessLog, logging, access, tls, control, newPve, cloudflare, wake, idle);
    }

    public GatewayConfig withWake(WakeConfig newWake, IdleConfig newIdle) {
        return new GatewayConfig(listen, domain, trustedProxies, routing, resolver, timeouts, limits, pool,
                accessLog, logging, access, tls, control, pve, cloudflare, newWake, newIdle);
    }

    public GatewayConfig withControl(ControlConfig newControl) {
        return new GatewayConfig(listen, domain, trustedProxies, routing, resolver, timeouts, limits, pool,
                accessLog, logging, access, tls, newControl, pve, cloudflare, wake, idle);
    }
}
