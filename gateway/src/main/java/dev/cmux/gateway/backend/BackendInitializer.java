package dev.cmux.gateway.backend;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslHandler;

/** A backend connection's pipeline: [TLS] → HTTP/1.1 client codec → {@link BackendHandler}. */
final class BackendInitializer extends ChannelInitializer<SocketChannel> {

    static final String CODEC = "http";

    private static final HttpDecoderConfig RESPONSE_DECODING = new HttpDecoderConfig()
            .setMaxInitialLineLength(16 * 1024)
            .setMaxHeaderSize(64 * 1024)
            .setMaxChunkSize(64 * 1024);

    private final BackendKey key;
    private final BackendPool pool;

    BackendInitializer(BackendKey key, BackendPool pool) {
        this.key = key;
        this.pool = pool;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (key.tls() != null) {
            SslHandler tls = key.tls().newHandler(ch.alloc(), key.sniHost(), key.address().getPort());
            p.addLast("tls", tls);
        }
        // parseHttpAfterConnectRequest=false, failOnMissingResponse=false: a missing response is our own error
        p.addLast(CODEC, new HttpClientCodec(RESPONSE_DECODING, false, false));
        p.addLast("backend", new BackendHandler(key, pool));
    }
}
