package dev.cmux.gateway.proxy;

import dev.cmux.gateway.config.Limits;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/** A client connection's pipeline: clocks → HTTP/1.1 server codec (strict framing) → {@link ClientConnection}. */
final class FrontendInitializer extends ChannelInitializer<SocketChannel> {

    private final ProxyServices services;
    private final ChannelGroup clients;
    private final HttpDecoderConfig requestDecoding;

    FrontendInitializer(ProxyServices services, ChannelGroup clients) {
        this.services = services;
        this.clients = clients;
        Limits limits = services.config().limits();
        this.requestDecoding = new HttpDecoderConfig()
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
        clients.add(ch);
        ChannelPipeline p = ch.pipeline();
        ClientTimeouts timeouts = new ClientTimeouts(services.config().timeouts());
        p.addLast("timeouts", timeouts);
        p.addLast("http", new HttpServerCodec(requestDecoding));
        p.addLast("proxy", new ClientConnection(services, timeouts));
    }
}
