package dev.cmux.bench.backend;

import dev.cmux.bench.BenchTransport;
import dev.cmux.gateway.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The sandbox stand-in: HTTP with fixed bodies ({@link FixedResponses}) and a WebSocket echo on {@code /ws}, on
 * loopback. {@code run.sh} serves HTTP from nginx (as the reference numbers did) and WebSockets from here.
 */
public final class BenchBackend implements AutoCloseable {

    /** Largest WebSocket message and request body: the load modes send at most a few MiB. */
    private static final int MAX_FRAME = 16 * 1024 * 1024;

    private final EventLoopGroup group;
    private final Channel listener;
    private final FixedResponses responses;

    private BenchBackend(EventLoopGroup group, Channel listener, FixedResponses responses) {
        this.group = group;
        this.listener = listener;
        this.responses = responses;
    }

    /** Binds {@code 127.0.0.1:port} (0 picks a free port). */
    public static BenchBackend start(int port, int threads) throws InterruptedException {
        Transport transport = BenchTransport.get();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("backend"),
                transport.ioHandlerFactory());
        FixedResponses responses = new FixedResponses();
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws")
                .maxFramePayloadLength(MAX_FRAME)
                .handleCloseFrames(true)
                .build();
        try {
            Channel listener = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_FRAME),
                                    new WebSocketServerProtocolHandler(ws), new BackendHandler(responses));
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .sync()
                    .channel();
            return new BenchBackend(group, listener, responses);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            responses.release();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        responses.release();
    }
}
