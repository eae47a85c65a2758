package dev.cmux.gateway.relay;

import dev.cmux.gateway.log.AccessLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns a client connection and its backend connection into a raw byte pipe once the backend has answered
 * {@code 101 Switching Protocols}. No frame is decoded, so WebSocket frames of any size (noVNC) pass as they are.
 *
 * <p>Order matters (proxies.md §0.4): the 101 goes out first, through the client's HTTP encoder; then both
 * encoders go, so raw bytes can be written either way; then the relays are added and the HTTP handlers
 * removed; the decoders go last, and each hands the bytes it had already read past the HTTP message to the
 * relay behind it, so nothing the peers sent early is lost.
 */
public final class UpgradeRelay {

    private UpgradeRelay() {
    }

    /** An {@code Upgrade} request (WebSocket or any other protocol, but never h2c: we speak HTTP/1.1 to backends). */
    public static boolean isUpgradeRequest(HttpRequest request) {
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        return upgrade != null && !upgrade.isBlank() && !upgrade.trim().equalsIgnoreCase("h2c")
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /** The backend switched to the protocol the client asked for (Caddy checks the same). */
    public static boolean agrees(HttpRequest request, HttpResponse response) {
        String asked = request.headers().get(HttpHeaderNames.UPGRADE);
        String answered = response.headers().get(HttpHeaderNames.UPGRADE);
        return asked != null && answered != null && asked.trim().equalsIgnoreCase(answered.trim());
    }

    /**
     * Sends {@code response} (the backend's 101) to the client and joins the two connections; {@code onTraffic}
     * runs on every read either way (it keeps the sandbox awake), {@code onEnd} once both have closed.
     */
    public static void switchProtocols(Channel client, Channel backend, HttpResponse response, AccessLog.Entry log,
                                       Duration idleTimeout, AccessLog accessLog, Runnable onTraffic, Runnable onEnd) {
        String protocol = response.headers().get(HttpHeaderNames.UPGRADE);
        dropHopByHop(response);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        response.headers().set(HttpHeaderNames.UPGRADE, protocol);
        client.write(response, client.voidPromise());
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, client.voidPromise());

        CombinedChannelDuplexHandler<?, ?> clientCodec = codec(client.pipeline());
        CombinedChannelDuplexHandler<?, ?> backendCodec = codec(backend.pipeline());
        clientCodec.removeOutboundHandler();
        backendCodec.removeOutboundHandler();

        RelayStats stats = new RelayStats(log, accessLog, onTraffic, onEnd);
        long idleNanos = idleTimeout.toNanos();
        client.pipeline().addLast("upgraded-idle", new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS));
        client.pipeline().addLast("relay", new RelayHandler(backend, stats, true));
        backend.pipeline().addLast("relay", new RelayHandler(client, stats, false));
        removeAllBut(client.pipeline(), clientCodec, "upgraded-idle", "relay");
        removeAllBut(backend.pipeline(), backendCodec, "tls", "relay");
        client.pipeline().remove(clientCodec);
        backend.pipeline().remove(backendCodec);

        client.config().setAutoRead(true);
        backend.config().setAutoRead(true);
    }

    private static CombinedChannelDuplexHandler<?, ?> codec(ChannelPipeline pipeline) {
        for (var entry : pipeline) {
            if (entry.getValue() instanceof CombinedChannelDuplexHandler<?, ?> codec) {
                return codec;
            }
        }
        throw new IllegalStateException("no HTTP codec in " + pipeline.names());
    }

    /** Removes the HTTP-era handlers (proxy logic, timeouts) but keeps the codec, TLS and the relay. */
    private static void removeAllBut(ChannelPipeline pipeline, ChannelHandler codec, String... keep) {
        List<String> names = pipeline.names();
        for (String name : names) {
            ChannelHandler h = pipeline.get(name);
            if (h == null || h == codec || List.of(keep).contains(name)) {
                continue;
            }
            pipeline.remove(h);
        }
    }

    private static void dropHopByHop(HttpResponse response) {
        for (String value : response.headers().getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.trim();
                if (!name.isEmpty() && !name.equalsIgnoreCase("upgrade")) {
                    response.headers().remove(name);
                }
            }
        }
        response.headers().remove(HttpHeaderNames.KEEP_ALIVE);
        response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        response.headers().remove("proxy-connection");
    }
}
