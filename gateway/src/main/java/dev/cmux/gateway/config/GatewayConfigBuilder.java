package dev.cmux.gateway.config;

import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.config.PveConfig;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a {@link GatewayConfig} in code (tests, benchmarks): {@link GatewayConfig#builder()} starts from the
 * built-in defaults, {@link GatewayConfig#toBuilder()} from a config. The settings of routing, resolver, timeouts
 * and limits are set one by one, the other sections whole, e.g.
 * {@code GatewayConfig.builder().domain("example.com").suffix(".lan").connectTimeout(Duration.ofSeconds(1)).build()}.
 * Each setter means what the key of the same name in {@code config/gateway.yaml} means; {@code statics} and
 * {@code allowedNetworks} replace the lists, {@code putStatic} and {@code allowNetwork} add to them.
 */
public final class GatewayConfigBuilder {

    private InetSocketAddress listen;
    private String domain;
    private List<Cidr> trustedProxies;
    private String suffix;
    private List<PortRange> allowedPorts;
    private List<PortRange> deniedPorts;
    private Map<String, UpstreamRoute> hosts;
    private List<PortRange> sharedCookiePorts;
    private Duration resolverTtl;
    private Duration refreshAfter;
    private Duration negativeTtl;
    private final Map<Integer, InetAddress> statics = new HashMap<>();
    private final List<Cidr> allowedNetworks = new ArrayList<>();
    private List<InetSocketAddress> nameservers;
    private long maxEntries;
    private Duration connectTimeout;
    private Duration responseHeadersTimeout;
    private Duration clientIdleTimeout;
    private Duration requestHeadTimeout;
    private Duration upgradedIdleTimeout;
    private Duration shutdownGrace;
    private int maxRequestLine;
    private int maxHeaderSize;
    private int maxConnections;
    private int maxConnectionsPerClient;
    private PoolConfig pool;
    private AccessLogConfig accessLog;
    private LoggingConfig logging;
    private AccessConfig access;
    private TlsConfig tls;
    private ControlConfig control;
    private PveConfig pve;
    private CloudflareConfig cloudflare;
    private WakeConfig wake;
    private LifecycleConfig lifecycle;
    private EmbeddingConfig embedding;
    private SandboxesConfig sandboxes;

    GatewayConfigBuilder(GatewayConfig from) {
        listen = from.listen();
        domain = from.domain();
        trustedProxies = from.trustedProxies();
        suffix = from.routing().suffix();
        allowedPorts = from.routing().allowedPorts();
        deniedPorts = from.routing().deniedPorts();
        hosts = from.routing().hosts();
        sharedCookiePorts = from.routing().sharedCookiePorts();
        resolverTtl = from.resolver().ttl();
        refreshAfter = from.resolver().refreshAfter();
        negativeTtl = from.resolver().negativeTtl();
        statics.putAll(from.resolver().statics());
        allowedNetworks.addAll(from.resolver().allowedNetworks());
        nameservers = from.resolver().nameservers();
        maxEntries = from.resolver().maxEntries();
        connectTimeout = from.timeouts().connect();
        responseHeadersTimeout = from.timeouts().responseHeaders();
        clientIdleTimeout = from.timeouts().clientIdle();
        requestHeadTimeout = from.timeouts().requestHead();
        upgradedIdleTimeout = from.timeouts().upgradedIdle();
        shutdownGrace = from.timeouts().shutdownGrace();
        maxRequestLine = from.limits().maxRequestLine();
        maxHeaderSize = from.limits().maxHeaderSize();
        maxConnections = from.limits().maxConnections();
        maxConnectionsPerClient = from.limits().maxConnectionsPerClient();
        pool = from.pool();
        accessLog = from.accessLog();
        logging = from.logging();
        access = from.access();
        tls = from.tls();
        control = from.control();
        pve = from.pve();
        cloudflare = from.cloudflare();
        wake = from.wake();
        lifecycle = from.lifecycle();
        embedding = from.embedding();
        sandboxes = from.sandboxes();
    }

    public GatewayConfigBuilder listen(InetSocketAddress address) {
        listen = address;
        return this;
    }

    public GatewayConfigBuilder domain(String publicDomain) {
        domain = publicDomain;
        return this;
    }

    public GatewayConfigBuilder suffix(String dnsSuffix) {
        suffix = dnsSuffix;
        return this;
    }

    public GatewayConfigBuilder trustedProxies(List<Cidr> networks) {
        trustedProxies = networks;
        return this;
    }

    public GatewayConfigBuilder allowedPorts(List<PortRange> ranges) {
        allowedPorts = ranges;
        return this;
    }

    public GatewayConfigBuilder deniedPorts(List<PortRange> ranges) {
        deniedPorts = ranges;
        return this;
    }

    public GatewayConfigBuilder hosts(Map<String, UpstreamRoute> routes) {
        hosts = routes;
        return this;
    }

    public GatewayConfigBuilder sharedCookiePorts(List<PortRange> ranges) {
        sharedCookiePorts = ranges;
        return this;
    }

    public GatewayConfigBuilder resolverTtls(Duration ttl, Duration refreshAhead, Duration negative) {
        resolverTtl = ttl;
        refreshAfter = refreshAhead;
        negativeTtl = negative;
        return this;
    }

    public GatewayConfigBuilder statics(Map<Integer, InetAddress> overrides) {
        statics.clear();
        statics.putAll(overrides);
        return this;
    }

    public GatewayConfigBuilder putStatic(int vmid, InetAddress address) {
        statics.put(vmid, address);
        return this;
    }

    public GatewayConfigBuilder allowedNetworks(List<Cidr> networks) {
        allowedNetworks.clear();
        allowedNetworks.addAll(networks);
        return this;
    }

    public GatewayConfigBuilder allowNetwork(Cidr network) {
        allowedNetworks.add(network);
        return this;
    }

    public GatewayConfigBuilder nameservers(List<InetSocketAddress> servers) {
        nameservers = servers;
        return this;
    }

    public GatewayConfigBuilder maxEntries(long cachedSandboxes) {
        maxEntries = cachedSandboxes;
        return this;
    }

    public GatewayConfigBuilder connectTimeout(Duration d) {
        connectTimeout = d;
        return this;
    }

    public GatewayConfigBuilder responseHeadersTimeout(Duration d) {
        responseHeadersTimeout = d;
        return this;
    }

    public GatewayConfigBuilder clientIdleTimeout(Duration d) {
        clientIdleTimeout = d;
        return this;
    }

    public GatewayConfigBuilder requestHeadTimeout(Duration d) {
        requestHeadTimeout = d;
        return this;
    }

    public GatewayConfigBuilder upgradedIdleTimeout(Duration d) {
        upgradedIdleTimeout = d;
        return this;
    }

    public GatewayConfigBuilder shutdownGrace(Duration d) {
        shutdownGrace = d;
        return this;
    }

    public GatewayConfigBuilder maxRequestLine(int bytes) {
        maxRequestLine = bytes;
        return this;
    }

    public GatewayConfigBuilder maxHeaderSize(int bytes) {
        maxHeaderSize = bytes;
        return this;
    }

    public GatewayConfigBuilder maxConnections(int connections) {
        maxConnections = connections;
        return this;
    }

    public GatewayConfigBuilder maxConnectionsPerClient(int connections) {
        maxConnectionsPerClient = connections;
        return this;
    }

    public GatewayConfigBuilder pool(PoolConfig section) {
        pool = section;
        return this;
    }

    public GatewayConfigBuilder accessLog(AccessLogConfig section) {
        accessLog = section;
        return this;
    }

    public GatewayConfigBuilder logging(LoggingConfig section) {
        logging = section;
        return this;
    }

    public GatewayConfigBuilder access(AccessConfig section) {
        access = section;
        return this;
    }

    public GatewayConfigBuilder tls(TlsConfig section) {
        tls = section;
        return this;
    }

    public GatewayConfigBuilder control(ControlConfig section) {
        control = section;
        return this;
    }

    public GatewayConfigBuilder pve(PveConfig section) {
        pve = section;
        return this;
    }

    public GatewayConfigBuilder cloudflare(CloudflareConfig section) {
        cloudflare = section;
        return this;
    }

    public GatewayConfigBuilder wake(WakeConfig section) {
        wake = section;
        return this;
    }

    public GatewayConfigBuilder embedding(EmbeddingConfig section) {
        embedding = section;
        return this;
    }

    public GatewayConfigBuilder sandboxes(SandboxesConfig section) {
        sandboxes = section;
        return this;
    }

    public GatewayConfigBuilder lifecycle(LifecycleConfig section) {
        lifecycle = section;
        return this;
    }

    public GatewayConfig build() {
        return new GatewayConfig(listen, domain, trustedProxies,
                new RoutingConfig(suffix, allowedPorts, deniedPorts, hosts, sharedCookiePorts),
                new ResolverConfig(resolverTtl, refreshAfter, negativeTtl, statics, allowedNetworks, nameservers,
                        maxEntries),
                new Timeouts(connectTimeout, responseHeadersTimeout, clientIdleTimeout, requestHeadTimeout,
                        upgradedIdleTimeout, shutdownGrace),
                new Limits(maxRequestLine, maxHeaderSize, maxConnections, maxConnectionsPerClient),
                pool, accessLog, logging, access, tls, control, pve, cloudflare, wake, lifecycle, embedding,
                sandboxes);
    }
}
