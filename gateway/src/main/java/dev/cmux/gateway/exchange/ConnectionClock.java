package dev.cmux.gateway.exchange;

import dev.cmux.gateway.config.Timeouts;
import dev.cmux.gateway.error.ErrorResponse;
import dev.cmux.gateway.error.GatewayError;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client connection's one clock, placed before the HTTP codec so it sees raw bytes. It holds one deadline and
 * what happens there: a request head must arrive within {@code requestHead} of its first byte (slowloris), a
 * keep-alive connection may idle between requests for {@code clientIdle}, and a backend must send its response
 * head within {@code responseHeaders} (the exchange says what then).
 * <p>
 * A state change only writes the deadline. One timer per connection reads it when it wakes and sleeps again for
 * what is left (the pattern of Netty's {@code IdleStateHandler}), so no task is scheduled or cancelled per request.
 */
public final class ConnectionClock extends ChannelInboundHandlerAdapter {

    /** What happens at the deadline. */
    private enum Due { NOTHING, REQUEST_HEAD, IDLE_CLOSE, RESPONSE_HEAD }

    private final Timeouts timeouts;
    /** The timer never sleeps longer, so a deadline set while it is out does not come before it wakes. */
    private final long longestSleepNanos;
    private final Runnable onTimer = this::onTimer;
    private ChannelHandlerContext ctx;
    private Due due = Due.NOTHING;
    private long deadlineNanos;
    private Runnable onResponseTimeout;
    private ScheduledFuture<?> timer;
    private long timerWakesNanos;
    private boolean stopped;

    public ConnectionClock(Timeouts timeouts) {
        this.timeouts = timeouts;
        this.longestSleepNanos = shortestPositive(timeouts.requestHead().toNanos(), timeouts.clientIdle().toNanos(),
                timeouts.responseHeaders().toNanos());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // a new connection must start its first request promptly, too
        setDeadline(Due.REQUEST_HEAD, timeouts.requestHead().toNanos());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (due == Due.IDLE_CLOSE) {
            setDeadline(Due.REQUEST_HEAD, timeouts.requestHead().toNanos());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    /** A request head was decoded: its exchange is in charge now. */
    void requestStarted() {
        due = Due.NOTHING;
        onResponseTimeout = null;
    }

    /** The exchange ended and the connection stays open for the next request. */
    void waitingForRequest() {
        setDeadline(Due.IDLE_CLOSE, timeouts.clientIdle().toNanos());
    }

    /** The request went to a backend, which has {@code nanos} to send a response head; else {@code onTimeout} runs. */
    void startResponseTimeout(long nanos, Runnable onTimeout) {
        onResponseTimeout = onTimeout;
        setDeadline(Due.RESPONSE_HEAD, nanos);
    }

    /** A response head came, or the exchange that started the response timeout (and no other) ended. */
    void stopResponseTimeout(Runnable onTimeout) {
        if (due == Due.RESPONSE_HEAD && onResponseTimeout == onTimeout) {
            due = Due.NOTHING;
            onResponseTimeout = null;
        }
    }

    private void setDeadline(Due what, long nanos) {
        due = what;
        long now = ctx.executor().ticker().nanoTime();
        deadlineNanos = now + nanos;
        if (stopped) {
            return;
        }
        if (timer == null) {
            arm(now, nanos);
        } else if (deadlineNanos - timerWakesNanos < 0) {
            // only a timeout shorter than this connection's own: a reload's responseHeaders, a clientIdle of 0
            timer.cancel(false);
            arm(now, nanos);
        }
    }

    private void arm(long now, long nanos) {
        long sleep = Math.min(nanos, longestSleepNanos);
        timerWakesNanos = now + sleep;
        timer = ctx.executor().schedule(onTimer, sleep, TimeUnit.NANOSECONDS);
    }

    private void onTimer() {
        timer = null;
        if (stopped || due == Due.NOTHING) {
            return; // the next state with a deadline arms it again
        }
        long now = ctx.executor().ticker().nanoTime();
        if (deadlineNanos - now > 0) {
            arm(now, deadlineNanos - now);
            return;
        }
        Due what = due;
        due = Due.NOTHING;
        switch (what) {
            case REQUEST_HEAD -> onHeadTimeout();
            case IDLE_CLOSE -> ctx.close();
            case RESPONSE_HEAD -> {
                Runnable late = onResponseTimeout;
                onResponseTimeout = null;
                late.run();
            }
        }
    }

    private void onHeadTimeout() {
        if (!ctx.channel().isActive()) {
            return;
        }
        ctx.channel().writeAndFlush(ErrorResponse.create(ctx.alloc(), GatewayError.REQUEST_TIMEOUT, null,
                        "The request head did not arrive within " + timeouts.requestHead().toSeconds() + " s.",
                        false, true))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void stop() {
        stopped = true;
        due = Due.NOTHING;
        onResponseTimeout = null;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private static long shortestPositive(long... nanos) {
        long shortest = Long.MAX_VALUE;
        for (long n : nanos) {
            if (n > 0) {
                shortest = Math.min(shortest, n);
            }
        }
        return shortest;
    }
}
