package dev.cmux.bench.load;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/** One connection of a load run: a close or an exception before its end is an error; its end is reported once. */
abstract class LoadConnection<T> extends SimpleChannelInboundHandler<T> {

    protected final Tally tally;
    private final Runnable onDone;
    private boolean done;

    LoadConnection(Class<T> messageType, Tally tally, Runnable onDone) {
        super(messageType);
        this.tally = tally;
        this.onDone = onDone;
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

    /** This connection has nothing more to send. */
    protected final void finish() {
        if (!done) {
            done = true;
            onDone.run();
        }
    }
}
