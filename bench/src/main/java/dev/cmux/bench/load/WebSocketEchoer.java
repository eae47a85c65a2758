package dev.cmux.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/** Closed-loop echo on one WebSocket: send a binary message, wait for it to come back, send the next. */
final class WebSocketEchoer extends SimpleChannelInboundHandler<WebSocketFrame> {

    private final ByteBuf payload;
    private final long deadline;
    private final Tally tally;
    private final Runnable onDone;
    private long sentAt;
    private boolean done;

    WebSocketEchoer(ByteBuf payload, long deadline, Tally tally, Runnable onDone) {
        this.payload = payload;
        this.deadline = deadline;
        this.tally = tally;
        this.onDone = onDone;
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

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            tally.error("closed");
        }
        finish();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        tally.error(cause.getClass().getSimpleName());
        ctx.close();
    }

    private void finish() {
        if (!done) {
            done = true;
            onDone.run();
        }
    }
}
