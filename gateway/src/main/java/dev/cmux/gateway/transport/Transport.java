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
 * The socket transport: epoll on Linux when its native library loads, NIO everywhere else. io_uring measured
 * 1.04-1.18× epoll's small requests per second here (bench/results/2026-12-07-io-uring.md) but is only taken when
 * asked for ({@code GATEWAY_TRANSPORT=io_uring}): Netty 4.2.18's io_uring datagram channel (the DNS resolver's) was
 * seen leaking a receive buffer when it closed. {@code GATEWAY_TRANSPORT=nio} pins NIO.
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

    /** io_uring only when pinned; else epoll, then NIO, each when available. */
    static Transport best(String pinned, boolean ioUring, boolean epoll) {
        String pin = pinned == null ? "" : pinned.trim().toLowerCase(java.util.Locale.ROOT);
        if (pin.equals("io_uring") && ioUring) {
            return IO_URING;
        }
        return !pin.equals("nio") && epoll ? EPOLL : NIO;
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

    /** For DNS: a channel must match the event loop it is registered on. */
    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }
}
