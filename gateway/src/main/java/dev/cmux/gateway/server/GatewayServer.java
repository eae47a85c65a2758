package dev.cmux.gateway.server;

import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.log.AccessLogSink;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;

import dev.cmux.gateway.exchange.ClientConnection;
import dev.cmux.gateway.exchange.DataPlane;
import dev.cmux.gateway.exchange.DataPlaneLinks;
import dev.cmux.gateway.metrics.GatewayMetrics;
import dev.cmux.gateway.resolve.BackendResolver;
import dev.cmux.gateway.tls.SniCertificates;
import dev.cmux.gateway.transport.Transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The data plane listener: accepts client connections and gives each a pipeline ({@link FrontendInitializer}).
 * One event loop per core serves both the client and the backend side of every connection. What the connections
 * share lives in one {@link DataPlane} for the life of the server; a reload reconfigures it.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GatewayServer.class.getName());
    // small marks keep memory per slow client low; 64 KiB still fills a loopback socket in one write
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final EventLoopGroup group;
    private final DataPlane plane;
    private final ChannelGroup clients;
    private final Listeners listeners;

    /** The bound sockets: plain HTTP, and TLS when configured (else null). */
    private record Listeners(Channel plain, Channel tls) {
        void close() {
            plain.close().awaitUninterruptibly();
            if (tls != null) {
                tls.close().awaitUninterruptibly();
            }
        }
    }

    private GatewayServer(EventLoopGroup group, DataPlane plane, ChannelGroup clients, Listeners listeners) {
        this.group = group;
        this.plane = plane;
        this.clients = clients;
        this.listeners = listeners;
    }

    /** Binds {@code config.listen()} (port 0 picks a free port) and returns once bound. */
    public static GatewayServer start(GatewayConfig config, Transport transport, AccessLogSink accessLog)
            throws Exception {
        return start(config, transport, accessLog, DataPlaneLinks.standalone());
    }

    public static GatewayServer start(GatewayConfig config, Transport transport, AccessLogSink accessLog,
                                      DataPlaneLinks links) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("gateway"),
                transport.ioHandlerFactory());
        DataPlane plane = null;
        Channel tlsListener = null;
        try {
            plane = DataPlane.start(config, group, transport, accessLog, WATER_MARK, links);
            ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
            Channel listener = listen(group, transport, new FrontendInitializer(plane, clients, null),
                    config.listen());
            if (config.tls().enabled()) {
                // the TLS listener: SNI picks the certificate, then the very same pipeline
                tlsListener = listen(group, transport, new FrontendInitializer(plane, clients,
                        SniCertificates.load(config.tls(), config.domain())), config.tls().listen());
            }
            links.metrics().sources(plane.gauges(clients::size));
            return new GatewayServer(group, plane, clients, new Listeners(listener, tlsListener));
        } catch (Exception | Error e) {
            if (plane != null) {
                plane.close();
            }
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The listen address from config, resolved here once (an IP literal or {@code localhost}). */
    static InetSocketAddress bindAddress(InetSocketAddress configured) {
        return configured.isUnresolved() ? new InetSocketAddress(configured.getHostString(), configured.getPort())
                : configured;
    }

    /** The bound address. */
    public InetSocketAddress tlsAddress() {
        return listeners.tls() == null ? null : (InetSocketAddress) listeners.tls().localAddress();
    }

    private static Channel listen(EventLoopGroup group, Transport transport, FrontendInitializer pipeline,
                                  InetSocketAddress address) throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(pipeline)
                .bind(bindAddress(address))
                .sync()
                .channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listeners.plain().localAddress();
    }

    /** The config in force. */
    public GatewayConfig config() {
        return plane.config();
    }

    /**
     * Takes {@code config} for every request from now on: routes, ports, networks, timeouts, limits, resolver and
     * Access settings. Connections stay open: an upgraded one is a byte pipe that no setting touches, and a
     * keep-alive one takes the new config with its next request. Pooled backend connections, cached addresses and
     * the requests each client holds open carry over ({@link DataPlane#reconfigure}). The listen address needs a
     * restart.
     *
     * @throws Exception when the new settings cannot be built (e.g. an unreadable CA file); the old ones stay
     */
    public void reconfigure(GatewayConfig config) throws Exception {
        plane.reconfigure(config);
    }

    /** Where sandbox addresses come from, for {@code doctor}. */
    public BackendResolver resolver() {
        return plane.resolver();
    }

    /** The data plane's counters, for the control API's {@code /metrics}; they survive reloads. */
    public GatewayMetrics metrics() {
        return plane.metrics();
    }

    /** Forgets the cached address of {@code vmid}: the control API created or destroyed it. */
    public void invalidate(int vmid) {
        plane.invalidate(vmid);
    }

    /** {@code vmid} runs at {@code address}, as PVE reported it a moment ago (a wake waited for it). */
    public void running(int vmid, String address) {
        plane.resolver().learned(vmid, address);
    }

    /** Client connections open now, upgraded ones included. */
    public int openConnections() {
        return clients.size();
    }

    /** The event loops, for listeners that share them (the control API). */
    public EventLoopGroup eventLoops() {
        return group;
    }

    /**
     * Stops accepting, lets in-flight requests finish within {@code timeouts.shutdownGrace} (their responses say
     * {@code Connection: close}), then closes what is left, upgraded connections included.
     */
    @Override
    public void close() {
        drainClients(); // before the listeners close: by then every request in flight says Connection: close
        listeners.close();
        drainClients(); // and the connections accepted meanwhile
        long deadline = System.nanoTime() + plane.config().timeouts().shutdownGrace().toNanos();
        while (hasHttpClients() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = clients.size();
        clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (left > 0) {
            LOG.info("closed " + left + " connection(s) at shutdown (upgraded, or past the grace period)");
        }
        plane.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Tells each client connection to finish its request in flight and close; returns when all were told. */
    private void drainClients() {
        List<Future<?>> told = new ArrayList<>();
        for (Channel client : clients) {
            told.add(client.eventLoop().submit(() -> {
                ClientConnection connection = client.pipeline().get(ClientConnection.class);
                if (connection != null) {
                    connection.drain();
                }
            }));
        }
        told.forEach(f -> f.awaitUninterruptibly(5, TimeUnit.SECONDS));
    }

    private boolean hasHttpClients() {
        for (Channel client : clients) {
            if (client.pipeline().get(ClientConnection.class) != null) {
                return true;
            }
        }
        return false;
    }
}
