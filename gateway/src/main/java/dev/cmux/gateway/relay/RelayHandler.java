package dev.cmux.gateway.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One direction of an upgraded connection: bytes read here are written to {@code peer} as they are. Reading
 * pauses while the peer cannot take more and resumes when it can (the peer's relay flips our auto-read).
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final Channel peer;
    private final RelayStats stats;
    private final boolean clientSide;
    private boolean closed;

    RelayHandler(Channel peer, RelayStats stats, boolean clientSide) {
        this.peer = peer;
        this.stats = stats;
        this.clientSide = clientSide;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            // an empty end-of-message marker left over from the HTTP decoder
            ReferenceCountUtil.release(msg);
            return;
        }
        if (clientSide) {
            stats.fromClient(bytes.readableBytes());
        } else {
            stats.fromBackend(bytes.readableBytes());
        }
        peer.write(bytes, peer.voidPromise());
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // our channel drained (or filled): let the peer read again (or stop it)
        peer.config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sideClosed();
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // a channel that was already closed when the relay was added never fires channelInactive here
        if (!ctx.channel().isActive()) {
            sideClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void sideClosed() {
        if (!closed) {
            closed = true;
            stats.sideClosed();
        }
    }
}
