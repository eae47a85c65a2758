package dev.cmux.control.api;

import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.config.PveConfig;
import dev.cmux.control.sandbox.ResolverInvalidation;
import dev.cmux.control.sandbox.SandboxSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.flow.FlowControlHandler;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The control API listener ({@code 127.0.0.1:8081} by default). It shares the data plane's event loops: its
 * requests are small, and anything slow (PVE, Cloudflare) runs off the loop.
 */
public final class ControlServer implements AutoCloseable {

    /** Request bodies are small JSON documents; anything larger is refused with 413 before it is buffered. */
    static final int MAX_BODY = 1024 * 1024;

    private final Channel listener;

    private ControlServer(Channel listener, ControlServices ownServices) {
        this.listener = listener;
        this.ownServices = ownServices;
    }

    private final ControlServices ownServices;

    /**
     * The control API with services built from {@code pve} alone: no public domain (sandboxes get no URLs) and no
     * resolver invalidation. The gateway uses the overload that takes {@link ControlServices}.
     */
    public static ControlServer start(ControlConfig control, PveConfig pve, CloudflareConfig cloudflare,
                                      EventLoopGroup loops, Class<? extends ServerChannel> channelType)
            throws InterruptedException {
        ControlServices services = pve.enabled()
                ? ControlServices.create(pve, SandboxSettings.from(pve, null),
                        ResolverInvalidation.NONE)
                : ControlServices.disabled();
        try {
            return start(control, cloudflare, loops, channelType, services, services, null);
        } catch (InterruptedException | RuntimeException e) {
            services.close();
            throw e;
        }
    }

    /** The control API driving {@code services}; the caller closes them after the server. */
    public static ControlServer start(ControlConfig control, CloudflareConfig cloudflare, EventLoopGroup loops,
                                      Class<? extends ServerChannel> channelType, ControlServices services)
            throws InterruptedException {
        return start(control, cloudflare, loops, channelType, services, null, null);
    }

    /**
     * The same, with a handler from {@code tap} right after each connection's HTTP codec, where it sees every request
     * head and every answer as written (the contract test validates them against the OpenAPI document there).
     */
    static ControlServer start(ControlConfig control, CloudflareConfig cloudflare, EventLoopGroup loops,
                               Class<? extends ServerChannel> channelType, ControlServices services,
                               Supplier<ChannelHandler> tap) throws InterruptedException {
        return start(control, cloudflare, loops, channelType, services, null, tap);
    }

    private static ControlServer start(ControlConfig control, CloudflareConfig cloudflare, EventLoopGroup loops,
                                       Class<? extends ServerChannel> channelType, ControlServices services,
                                       ControlServices owned, Supplier<ChannelHandler> tap)
            throws InterruptedException {
        ControlRoutes routes = new ControlRoutes(new BearerToken(control.token()), services, cloudflare);
        InetSocketAddress configured = control.listen();
        Channel listener = new ServerBootstrap()
                .group(loops)
                .channel(channelType)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // FlowControlHandler holds pipelined requests while one is answered off the loop
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(MAX_BODY), new FlowControlHandler(), routes);
                        if (tap != null) {
                            String codec = ch.pipeline().context(HttpServerCodec.class).name();
                            ch.pipeline().addAfter(codec, "tap", tap.get());
                        }
                    }
                })
                .bind(new InetSocketAddress(configured.getHostString(), configured.getPort()))
                .sync()
                .channel();
        return new ControlServer(listener, owned);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        if (ownServices != null) {
            ownServices.close();
        }
    }
}
