package dev.cmux.bench.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;

import java.net.URI;
import java.util.function.Supplier;

/**
 * A WebSocket client pipeline whose upgrade request carries the target's Host (the URI's authority), so a proxy
 * routes it like a browser's {@code wss://port-P-vm-V.domain/ws}.
 */
final class WebSocketPipeline extends ChannelInitializer<Channel> {

    private final WebSocketClientProtocolConfig config;
    private final Supplier<ChannelHandler> handler;

    WebSocketPipeline(Target target, int maxMessage, Supplier<ChannelHandler> handler) {
        this.config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create("ws://" + target.host() + "/ws"))
                .maxFramePayloadLength(Math.max(65536, maxMessage))
                .handshakeTimeoutMillis(30_000)
                .build();
        this.handler = handler;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                new WebSocketClientProtocolHandler(config), handler.get());
    }
}
