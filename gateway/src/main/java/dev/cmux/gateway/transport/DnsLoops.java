package dev.cmux.gateway.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.DatagramChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * Where DNS's datagram channels run, for as long as the data plane does. Under epoll and NIO: the data plane's own
 * loops. Under io_uring: one epoll loop of its own (a daemon thread named {@code dns}; NIO where epoll is missing),
 * because Netty 4.2.18's io_uring datagram channel leaves a receive buffer unreleased when it closes (the leak
 * detector caught it in ReloadTest). A resolve started on an io_uring loop completes on this one; the connect that
 * follows goes back to the channel's own loop (Netty's {@code Bootstrap} does that hop).
 */
public final class DnsLoops implements AutoCloseable {

    private final EventLoopGroup loops;
    private final Class<? extends DatagramChannel> datagramChannel;
    private final boolean ownLoop;

    private DnsLoops(EventLoopGroup loops, Class<? extends DatagramChannel> datagramChannel, boolean ownLoop) {
        this.loops = loops;
        this.datagramChannel = datagramChannel;
        this.ownLoop = ownLoop;
    }

    /** DNS for a data plane of {@code transport} on {@code dataPlaneLoops}; close it after the resolvers. */
    public static DnsLoops of(Transport transport, EventLoopGroup dataPlaneLoops) {
        return of(transport, dataPlaneLoops, Epoll.isAvailable());
    }

    static DnsLoops of(Transport transport, EventLoopGroup dataPlaneLoops, boolean epoll) {
        if (transport != Transport.IO_URING) {
            return new DnsLoops(dataPlaneLoops, transport.datagramChannel(), false);
        }
        Transport dns = Transport.epollOrNio(epoll);
        EventLoopGroup own = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("dns", true),
                dns.ioHandlerFactory());
        return new DnsLoops(own, dns.datagramChannel(), true);
    }

    /** The loops to register datagram channels on. */
    public EventLoopGroup loops() {
        return loops;
    }

    /** The datagram channel that matches {@link #loops()}. */
    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }

    /**
     * Resolvers for a {@code Bootstrap}: one per loop that connects, as Netty makes them, each on the loop of its own
     * when there is one (Netty takes the builder's loop over the connecting channel's).
     */
    public DnsAddressResolverGroup addressResolvers(DnsServerAddressStreamProvider servers) {
        DnsNameResolverBuilder resolvers = new DnsNameResolverBuilder().datagramChannelType(datagramChannel)
                .nameServerProvider(servers);
        return new DnsAddressResolverGroup(ownLoop ? resolvers.eventLoop(loops.next()) : resolvers);
    }

    /** Ends the loop of its own, if any, with what is still registered on it; the data plane's loops are not ours. */
    @Override
    public void close() {
        if (ownLoop) {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
