package dev.cmux.bench.load;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Upgrades, proves the path works with one echo, then stays silent: an idle editor tab's terminal. */
final class IdleVerifier extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final byte[] PING = "idle-check".getBytes(StandardCharsets.US_ASCII);

    private final Consumer<Boolean> onVerdict;
    private boolean decided;

    /** @param onVerdict called once: true after the echo came back, false on any failure before that */
    IdleVerifier(Consumer<Boolean> onVerdict) {
        this.onVerdict = onVerdict;
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
        decide(frame instanceof TextWebSocketFrame text && text.text().equals("idle-check"));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
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
            onVerdict.accept(ok);
        }
    }
}
