package dev.cmux.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/** Closed-loop echo on one WebSocket: send a binary message, wait for it to come back, send the next. */
final class WebSocketEchoer extends LoadConnection<WebSocketFrame> {

    private final ByteBuf payload;
    private final long deadline;
    private long sentAt;

    WebSocketEchoer(ByteBuf payload, long deadline, Tally tally, Runnable onDone) {
        super(WebSocketFrame.class, tally, onDone);
        this.payload = payload;
        this.deadline = deadline;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            sendNext(ctx);
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            tally.error("handshake-timeout");
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (!(frame instanceof BinaryWebSocketFrame) || frame.content().readableBytes() != payload.readableBytes()) {
            tally.error("echo-mismatch");
            ctx.close();
            return;
        }
        tally.completed(sentAt, System.nanoTime(), frame.content().readableBytes());
        sendNext(ctx);
    }

    private void sendNext(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        if (now >= deadline) {
            finish();
            return;
        }
        sentAt = now;
        ctx.writeAndFlush(new BinaryWebSocketFrame(payload.retainedDuplicate()), ctx.voidPromise());
    }
}
