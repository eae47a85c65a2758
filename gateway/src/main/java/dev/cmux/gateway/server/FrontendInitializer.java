package dev.cmux.gateway.server;

import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.Limits;
import dev.cmux.gateway.exchange.ClientConnection;
import dev.cmux.gateway.exchange.ConnectionClock;
import dev.cmux.gateway.exchange.DataPlane;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;

import java.nio.charset.StandardCharsets;

/** A client connection's pipeline: clock → HTTP/1.1 server codec (strict framing) → {@link ClientConnection}. */
final class FrontendInitializer extends ChannelInitializer<SocketChannel> {

    private static final byte[] OVERLOADED = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; "
            + "charset=utf-8\r\nX-Gateway-Error: overloaded\r\nRetry-After: 5\r\nConnection: close\r\n"
            + "Content-Length: 62\r\n\r\nThe gateway has too many connections open; try again shortly.\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final DataPlane plane;
    private final ChannelGroup clients;
    private final Mapping<String, SslContext> tls;

    /** @param tls certificates by SNI host for the TLS listener, {@code null} for plain HTTP */
    FrontendInitializer(DataPlane plane, ChannelGroup clients, Mapping<String, SslContext> tls) {
        this.plane = plane;
        this.clients = clients;
        this.tls = tls;
    }

    /** Strict framing (proxies.md §3.2): what a backend could read differently is refused here. */
    static HttpDecoderConfig requestDecoding(Limits limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLine())
                .setMaxHeaderSize(limits.maxHeaderSize())
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)
                .setStrictLineParsing(true)
                .setAllowDuplicateContentLengths(false)
                .setUseRfc9112TransferEncoding(true);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (clients.size() >= plane.config().limits().maxConnections()) {
            // refuse in plain bytes, before any decoding: this path must stay cheap when the gateway is flooded
            ch.writeAndFlush(Unpooled.wrappedBuffer(OVERLOADED)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        clients.add(ch);
        if (tls != null) {
            ch.pipeline().addLast("tls", new SniHandler(tls));
        }
        addHandlers(ch.pipeline());
    }

    /** The client side of the story: clock → HTTP/1.1 codec (strict framing) → one exchange per request. */
    void addHandlers(ChannelPipeline p) {
        GatewayConfig now = plane.config();
        ConnectionClock clock = new ConnectionClock(now.timeouts());
        p.addLast("clock", clock);
        p.addLast("http", new HttpServerCodec(requestDecoding(now.limits())));
        p.addLast("proxy", new ClientConnection(plane, clock));
    }
}
