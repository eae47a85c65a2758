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
 * The socket transport: io_uring on Linux when its native library loads and the kernel allows it, else epoll, else
 * NIO. io_uring measured 1.05-1.13× epoll's small requests per second here (bench/results/2026-12-07-io-uring.md).
 * {@code GATEWAY_TRANSPORT=epoll|nio} pins another one (a kernel whose io_uring misbehaves).
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
        return pinned(System.getenv("GATEWAY_TRANSPORT"));
    }

    /** The best one from {@code pin} down ({@code epoll}: epoll, else NIO); null or another word: from io_uring. */
    public static Transport pinned(String pin) {
        return best(pin, IoUring.isAvailable(), Epoll.isAvailable());
    }

    /** io_uring, epoll or NIO, the first available; {@code pinned} ({@code epoll}, {@code nio}) starts lower. */
    static Transport best(String pinned, boolean ioUring, boolean epoll) {
        String pin = pinned == null ? "" : pinned.trim().toLowerCase(java.util.Locale.ROOT);
        if (!pin.equals("epoll") && !pin.equals("nio") && ioUring) {
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
