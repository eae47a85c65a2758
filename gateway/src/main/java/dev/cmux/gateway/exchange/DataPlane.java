package dev.cmux.gateway.exchange;

import dev.cmux.gateway.backend.BackendPool;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.log.AccessLogSink;
import dev.cmux.gateway.metrics.GatewayMetrics;
import dev.cmux.gateway.resolve.BackendResolver;
import dev.cmux.gateway.resolve.SandboxNames;
import dev.cmux.gateway.transport.DnsLoops;
import dev.cmux.gateway.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.concurrent.EventExecutor;

import javax.net.ssl.SSLException;
import java.util.function.LongSupplier;

/**
 * What every exchange shares, for as long as the process runs: the backend pool, the sandbox resolver and its
 * cache, the per-client limits, the counters, the waker. A reload does not rebuild any of them: it hands them new
 * settings and swaps the immutable {@link RoutingSnapshot} that each request reads once, at its start
 * ({@link #reconfigure}). The start goes through the very same {@code reconfigure}.
 */
public final class DataPlane implements AutoCloseable {

    private final DataPlaneLinks links;
    private final AccessLogSink accessLog;
    private final DnsLoops dns;
    private final BackendResolver resolver;
    private final DnsAddressResolverGroup upstreamDns;
    private final BackendPool pool;
    private final ClientLimits clientLimits;
    private final SandboxNames names;
    private volatile RoutingSnapshot routing;

    /** The pool and the client limits are built with {@code config}'s settings, as {@link #reconfigure} sets them. */
    private DataPlane(GatewayConfig config, DataPlaneLinks links, AccessLogSink accessLog, DnsLoops dns,
                      BackendResolver resolver, DnsAddressResolverGroup upstreamDns, Bootstrap backends) {
        this.links = links;
        this.accessLog = accessLog;
        this.dns = dns;
        this.resolver = resolver;
        this.upstreamDns = upstreamDns;
        this.pool = new BackendPool(backends, config.pool(), config.timeouts().connect());
        this.clientLimits = new ClientLimits(config.limits().maxConnectionsPerClient());
        this.names = links.names() == null ? null
                : new SandboxNames(links.names(), config.resolver(), links.resolverTicker());
    }

    /**
     * The data plane of {@code config} on {@code loops}; close it after the listeners.
     *
     * @param waterMark the write buffer bounds of backend connections (as of client connections)
     */
    public static DataPlane start(GatewayConfig config, EventLoopGroup loops, Transport transport,
                                  AccessLogSink accessLog, WriteBufferWaterMark waterMark, DataPlaneLinks links)
            throws SSLException {
        String suffix = links.suffixes().suffixFor(config.routing().suffix());
        DnsLoops dns = DnsLoops.of(transport, loops);
        BackendResolver resolver;
        try {
            resolver = BackendResolver.create(config.resolver(), suffix, dns.loops(), dns.datagramChannel(),
                    links.addresses(), links.resolverTicker());
        } catch (RuntimeException e) {
            dns.close();
            throw e;
        }
        // exact-host upstreams given by name are resolved when connecting, without blocking
        DnsAddressResolverGroup upstreamDns = dns.addressResolvers(DnsServerAddressStreamProviders.platformDefault());
        // Netty makes a loop's resolver, with a datagram socket, at the loop's first connect, even to an address that
        // needs no resolving: made now, so that this is not the first visitor's time after a start (#23)
        for (EventExecutor loop : loops) {
            upstreamDns.getResolver(loop);
        }
        Bootstrap backends = new Bootstrap()
                .channel(transport.clientChannel())
                .resolver(upstreamDns)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
        DataPlane plane = new DataPlane(config, links, accessLog, dns, resolver, upstreamDns, backends);
        try {
            plane.reconfigure(config, suffix);
        } catch (SSLException | RuntimeException e) {
            plane.close();
            throw e;
        }
        return plane;
    }

    /**
     * Takes {@code config} for every request from now on. Requests under way keep the snapshot they started with;
     * pooled connections, cached addresses and the connections each client holds open carry over.
     *
     * @throws SSLException when the upstream routes' TLS settings cannot be built; then nothing has changed
     */
    public void reconfigure(GatewayConfig config) throws SSLException {
        // may ask PVE, so outside the lock and never on an event loop (a reload runs on a thread of its own)
        reconfigure(config, links.suffixes().suffixFor(config.routing().suffix()));
    }

    private synchronized void reconfigure(GatewayConfig config, String suffix) throws SSLException {
        RoutingSnapshot next = RoutingSnapshot.build(config, suffix, routing, accessLog, links);
        resolver.reconfigure(config.resolver(), suffix);
        pool.reconfigure(config.pool(), config.timeouts().connect());
        clientLimits.reconfigure(config.limits().maxConnectionsPerClient());
        if (names != null) {
            names.reconfigure(config.resolver());
        }
        routing = next;
    }

    /** The settings in force now: a request reads them once, at its start. */
    public RoutingSnapshot routing() {
        return routing;
    }

    public GatewayConfig config() {
        return routing.config();
    }

    public BackendResolver resolver() {
        return resolver;
    }

    BackendPool pool() {
        return pool;
    }

    ClientLimits clientLimits() {
        return clientLimits;
    }

    public GatewayMetrics metrics() {
        return links.metrics();
    }

    /** Instance ids of sandboxes; null without PVE (then {@code port-P-<instanceId>} hosts route nowhere). */
    SandboxNames names() {
        return names;
    }

    /** Null without PVE. */
    SandboxTraffic traffic() {
        return links.traffic();
    }

    /** One finished exchange for the operator page's charts; {@code target} is null when none was found. */
    void recordTraffic(Target target, boolean reached, String error, long nanos) {
        if (links.rings() != null) {
            links.rings().record(target instanceof Target.Sandbox s ? s.vmid() : 0, reached, error, nanos);
        }
    }

    /** Forgets the cached address of {@code vmid}, and the list of names: the control API created or destroyed it. */
    public void invalidate(int vmid) {
        resolver.invalidate(vmid);
        if (names != null) {
            names.invalidate();
        }
    }

    /** For /metrics: the gauges of what is held now. */
    public GatewayMetrics.Sources gauges(LongSupplier openConnections) {
        return new GatewayMetrics.Sources(openConnections, pool::idleConnections, () -> resolver.stats().hitCount(),
                () -> resolver.stats().missCount(), () -> resolver.stats().evictionCount(), resolver::size,
                resolver::mismatches);
    }

    @Override
    public void close() {
        resolver.close();
        upstreamDns.close();
        dns.close(); // after the resolvers: their channels' closing runs on it
    }
}
