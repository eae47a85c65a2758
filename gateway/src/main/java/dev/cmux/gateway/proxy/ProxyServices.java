package dev.cmux.gateway.proxy;

import dev.cmux.gateway.access.AccessGate;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.log.AccessLog;
import dev.cmux.gateway.log.AccessLogSink;
import dev.cmux.gateway.metrics.GatewayMetrics;
import dev.cmux.gateway.resolve.BackendResolver;
import dev.cmux.gateway.route.HostRouter;
import dev.cmux.gateway.wake.SandboxActivity;
import dev.cmux.gateway.wake.SandboxWaker;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;

import javax.net.ssl.SSLException;

/**
 * What every exchange of one server shares; built once at start, immutable. {@code access} is null when Cloudflare
 * Access is off. {@code upstreamDns} resolves exact-host upstreams given by name. {@code waker} is null without PVE
 * or with {@code wake.enabled: false}, {@code activity} without PVE.
 */
record ProxyServices(GatewayConfig config, HostRouter router, BackendResolver resolver, BackendPool pool,
                     UpstreamKeys upstreamKeys, ForwardedHeaders forwardedHeaders, ClientLimits clientLimits,
                     AccessGate access, AccessLog accessLog, GatewayMetrics metrics,
                     DnsAddressResolverGroup upstreamDns, SandboxWaker waker, SandboxActivity activity)
        implements AutoCloseable {

    /** Everything a client connection's pipeline needs, on {@code loops}; close it after the listener. */
    static ProxyServices start(GatewayConfig config, EventLoopGroup loops, Transport transport, AccessLogSink accessLog,
                               WriteBufferWaterMark waterMark, DataPlaneLinks links) throws SSLException {
        GatewayMetrics metrics = links.metrics();
        BackendResolver resolver = BackendResolver.create(config, loops, transport.datagramChannel(),
                links.addressSources());
        DnsAddressResolverGroup upstreamDns = new DnsAddressResolverGroup(transport.datagramChannel(),
                DnsServerAddressStreamProviders.platformDefault());
        try {
            Bootstrap backends = new Bootstrap()
                    .channel(transport.clientChannel())
                    .resolver(upstreamDns)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.timeouts().connect().toMillis())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
            return new ProxyServices(config, new HostRouter(config), resolver, new BackendPool(backends, config.pool()),
                    UpstreamKeys.build(config.routing().hosts()), new ForwardedHeaders(config.trustedProxies()),
                    new ClientLimits(config.limits().maxConnectionsPerClient()), AccessGate.create(config.access()),
                    new AccessLog(config.accessLog().enabled() ? accessLog : null, metrics), metrics, upstreamDns,
                    config.wake().enabled() ? links.waker() : null, links.activity());
        } catch (SSLException | RuntimeException e) {
            resolver.close();
            upstreamDns.close();
            throw e;
        }
    }

    @Override
    public void close() {
        resolver.close();
        upstreamDns.close();
    }
}
