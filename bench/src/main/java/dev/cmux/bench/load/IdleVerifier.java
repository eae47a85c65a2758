package dev.cmux.bench.load;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Upgrades, proves the path works with one echo, then stays silent (an idle editor tab's terminal), or, with a
 * rhythm, sends a small message every so often and expects it back, as Socket.IO's heartbeat does (the soak).
 */
final class IdleVerifier extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final byte[] PING = "idle-check".getBytes(StandardCharsets.US_ASCII);

    /** What the rhythm reports: a message sent, its echo back, one not back by the next, a socket closed. */
    interface Rhythm {
        void sent();

        void echoed();

        void lost();

        void closed();

        /** Nanoseconds between two messages of one socket; 0: no rhythm, the socket stays silent. */
        long everyNanos();
    }

    private final Consumer<Boolean> onVerdict;
    private final Rhythm rhythm;
    private boolean decided;
    private boolean verified;
    private boolean awaitingEcho;

    /** @param onVerdict called once: true after the echo came back, false on any failure before that */
    IdleVerifier(Consumer<Boolean> onVerdict) {
        this(onVerdict, null);
    }

    IdleVerifier(Consumer<Boolean> onVerdict, Rhythm rhythm) {
        this.onVerdict = onVerdict;
        this.rhythm = rhythm;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            ctx.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(PING)), ctx.voidPromise());
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            decide(false);
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (verified && frame instanceof TextWebSocketFrame) {
            awaitingEcho = false;
            rhythm.echoed();
            return;
        }
        decide(frame instanceof TextWebSocketFrame text && text.text().equals("idle-check"));
        if (verified && rhythm != null && rhythm.everyNanos() > 0) {
            long every = rhythm.everyNanos();
            // spread over the period, so that the sockets do not all speak at once
            ctx.executor().scheduleAtFixedRate(() -> tick(ctx), ThreadLocalRandom.current().nextLong(every), every,
                    TimeUnit.NANOSECONDS);
        }
    }

    private void tick(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (awaitingEcho) {
            rhythm.lost();
        }
        awaitingEcho = true;
        rhythm.sent();
        ctx.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(PING)), ctx.voidPromise());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (verified && rhythm != null) {
            rhythm.closed();
        }
        decide(false);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        decide(false);
        ctx.close();
    }

    private void decide(boolean ok) {
        if (!decided) {
            decided = true;
            verified = ok;
            onVerdict.accept(ok);
        }
    }
}
