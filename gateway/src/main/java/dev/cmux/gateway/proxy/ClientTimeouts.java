package dev.cmux.gateway.proxy;

import dev.cmux.gateway.config.Timeouts;
import dev.cmux.gateway.error.ErrorResponse;
import dev.cmux.gateway.error.GatewayError;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side clocks, placed before the HTTP codec so it sees raw bytes: a request head must arrive
 * within {@code requestHead} of its first byte (slowloris), and a keep-alive connection may idle between
 * requests for {@code clientIdle}. While a request is in flight neither runs: the backend's timeouts rule.
 */
final class ClientTimeouts extends ChannelInboundHandlerAdapter {

    private enum State { WAITING, READING_HEAD, BUSY }

    private final Timeouts timeouts;
    private ChannelHandlerContext ctx;
    private State state = State.READING_HEAD;
    private ScheduledFuture<?> timer;

    ClientTimeouts(Timeouts timeouts) {
        this.timeouts = timeouts;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // a new connection must start its first request promptly, too
        schedule(timeouts.requestHead().toNanos(), this::onHeadTimeout);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.WAITING) {
            state = State.READING_HEAD;
            schedule(timeouts.requestHead().toNanos(), this::onHeadTimeout);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** A request head was decoded: its exchange is in charge now. */
    void requestStarted() {
        state = State.BUSY;
        cancel();
    }

    /** The exchange ended and the connection stays open for the next request. */
    void waitingForRequest() {
        state = State.WAITING;
        schedule(timeouts.clientIdle().toNanos(), ctx::close);
    }

    private void onHeadTimeout() {
        timer = null;
        if (state != State.READING_HEAD || !ctx.channel().isActive()) {
            return;
        }
        state = State.BUSY;
        ctx.channel().writeAndFlush(ErrorResponse.create(ctx.alloc(), GatewayError.REQUEST_TIMEOUT, null,
                        "The request head did not arrive within " + timeouts.requestHead().toSeconds() + " s.",
                        false, true))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void schedule(long nanos, Runnable task) {
        cancel();
        timer = ctx.executor().schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
