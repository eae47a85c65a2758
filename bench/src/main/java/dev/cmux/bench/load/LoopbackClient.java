package dev.cmux.bench.load;

import dev.cmux.bench.BenchTransport;
import dev.cmux.gateway.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The client side of every mode: a few event loops (the proxy under test needs the cores more) and the connections
 * of one run, all closed with it.
 */
public final class LoopbackClient implements AutoCloseable {

    private final Transport transport = BenchTransport.get();
    private final EventLoopGroup group;
    private final List<Channel> channels = new CopyOnWriteArrayList<>();

    public LoopbackClient(int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("load"),
                transport.ioHandlerFactory());
    }

    /** Opens one connection; {@code onFailure} runs when the connect fails (the handler never sees the channel). */
    public void connect(Target target, ChannelHandler initializer, Runnable onFailure) {
        ChannelFuture f = new Bootstrap()
                .group(group)
                .channel(transport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .remoteAddress(target.address())
                .handler(initializer)
                .connect();
        f.addListener(c -> {
            if (!c.isSuccess()) {
                onFailure.run();
            }
        });
        channels.add(f.channel());
    }

    /** The connections opened so far that are still open. */
    public int stillOpen() {
        return (int) channels.stream().filter(Channel::isActive).count();
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
