package dev.cmux.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * sd_notify(3) for {@code Type=notify}: {@code READY=1} once both listeners are bound, {@code RELOADING=1} around a
 * reload, {@code STOPPING=1} at a stop. A datagram to the unix socket in {@code $NOTIFY_SOCKET}, sent with Netty's
 * epoll domain datagram channel (no JNI of ours): on the gateway's own loops when they are epoll's, else on one
 * daemon thread of its own (io_uring's loops cannot carry an epoll channel). Without the variable (not started by
 * systemd) it does nothing.
 */
final class SystemdNotify {

    private static final Logger LOG = Logger.getLogger("cmux-gateway");

    private final String socket;
    private final EventLoopGroup loops;

    private SystemdNotify(String socket, EventLoopGroup loops) {
        this.socket = socket;
        this.loops = loops;
    }

    /**
     * {@code null} when there is no {@code $NOTIFY_SOCKET}, or no epoll to send with (then it says so once).
     *
     * @param epollLoops the gateway's loops when they are epoll's, else null
     */
    static SystemdNotify from(Map<String, String> env, EventLoopGroup epollLoops) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return null;
        }
        if (epollLoops == null && Epoll.isAvailable()) {
            epollLoops = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("systemd-notify", true),
                    EpollIoHandler.newFactory());
        }
        if (!Epoll.isAvailable() || epollLoops == null) {
            LOG.warning("NOTIFY_SOCKET is set but the epoll transport is not available: systemd will not hear READY=1"
                    + " (use Type=simple)");
            return null;
        }
        return new SystemdNotify(socket.startsWith("@") ? "\0" + socket.substring(1) : socket, epollLoops);
    }

    /** Sends {@code state} (e.g. {@code READY=1\nSTATUS=...}) and waits up to a second for it to leave. */
    void send(String state) {
        Channel channel = null;
        try {
            channel = new Bootstrap().group(loops).channel(EpollDomainDatagramChannel.class)
                    // an unbound datagram socket may send at once: that is all sd_notify does
                    .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                        }
                    })
                    .register().syncUninterruptibly().channel();
            ChannelFuture sent = channel.writeAndFlush(new DomainDatagramPacket(Unpooled.copiedBuffer(state,
                    StandardCharsets.UTF_8), new DomainSocketAddress(socket)));
            if (sent.await(1, TimeUnit.SECONDS) && !sent.isSuccess()) {
                LOG.warning("could not notify systemd (" + state.lines().findFirst().orElse("") + "): "
                        + sent.cause());
            }
        } catch (RuntimeException e) {
            LOG.warning("could not notify systemd (" + state.lines().findFirst().orElse("") + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
