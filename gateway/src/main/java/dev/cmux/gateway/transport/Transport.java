package dev.cmux.gateway.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The socket transport: io_uring on Linux where its native library loads and the kernel allows it, else epoll, else
 * NIO. io_uring measured 1.04-1.18× epoll's small requests per second here (bench/results/2026-12-07-io-uring.md).
 * {@code GATEWAY_TRANSPORT=epoll} or {@code nio} pins one of those; {@code io_uring} is the default's own choice.
 * Under io_uring, DNS's datagram channels run on a loop of their own ({@link DnsLoops}).
 */
public enum Transport {
    NIO(NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class),
    EPOLL(EpollServerSocketChannel.class, EpollSocketChannel.class, EpollDatagramChannel.class),
    IO_URING(IoUringServerSocketChannel.class, IoUringSocketChannel.class, IoUringDatagramChannel.class);

    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends SocketChannel> clientChannel;
    private final Class<? extends DatagramChannel> datagramChannel;

    Transport(Class<? extends ServerChannel> serverChannel, Class<? extends SocketChannel> clientChannel,
              Class<? extends DatagramChannel> datagramChannel) {
        this.serverChannel = serverChannel;
        this.clientChannel = clientChannel;
        this.datagramChannel = datagramChannel;
    }

    public static Transport best() {
        return best(System.getenv("GATEWAY_TRANSPORT"), IoUring.isAvailable(), Epoll.isAvailable());
    }

    /** Pinned epoll or NIO when asked for (epoll only where available); else io_uring, epoll, NIO, the first there. */
    static Transport best(String pinned, boolean ioUring, boolean epoll) {
        String pin = pinned == null ? "" : pinned.trim().toLowerCase(java.util.Locale.ROOT);
        if (pin.equals("nio")) {
            return NIO;
        }
        if (ioUring && !pin.equals("epoll")) {
            return IO_URING;
        }
        return epollOrNio(epoll);
    }

    /** epoll where it loads, else NIO: for what must not run on io_uring (DNS under io_uring, the bench's tools). */
    public static Transport epollOrNio() {
        return epollOrNio(Epoll.isAvailable());
    }

    static Transport epollOrNio(boolean epoll) {
        return epoll ? EPOLL : NIO;
    }

    public IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends SocketChannel> clientChannel() {
        return clientChannel;
    }

    /**
     * The datagram channel of this transport's loops (a channel must match the loop it is registered on). The data
     * plane's DNS takes its own from {@link DnsLoops}, which does not use io_uring's.
     */
    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }
}
