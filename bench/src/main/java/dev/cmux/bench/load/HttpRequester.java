package dev.cmux.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.concurrent.TimeUnit;

/**
 * One keep-alive connection: GET, read the whole response, ask {@link Pacing} when to send the next one. The
 * request is encoded once and its bytes written each time: the client's CPU is CPU the proxy under test does not
 * get on a small machine.
 */
final class HttpRequester extends LoadConnection<HttpObject> {

    private final ByteBuf request;
    private final Pacing pacing;
    private long intendedStart;
    private long bodyBytes;
    private boolean statusOk;

    /** @param request the encoded request ({@link RequestTemplate#encode}), written as a duplicate each time */
    HttpRequester(ByteBuf request, Pacing pacing, Tally tally, Runnable onDone) {
        super(HttpObject.class, tally, onDone);
        this.request = request;
        this.pacing = pacing;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        scheduleNext(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg instanceof HttpResponse response) {
            statusOk = response.status().code() == 200;
        }
        if (msg instanceof HttpContent content) {
            bodyBytes += content.content().readableBytes();
        }
        if (msg instanceof LastHttpContent) {
            if (statusOk) {
                tally.completed(intendedStart, System.nanoTime(), bodyBytes);
            } else {
                tally.error("status");
            }
            scheduleNext(ctx);
        }
    }

    private void scheduleNext(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        long due = pacing.next(now);
        if (due == Pacing.STOP) {
            finish();
            return;
        }
        if (due <= now) {
            send(ctx, due);
        } else {
            ctx.executor().schedule(() -> {
                tally.timerFired(due, System.nanoTime());
                send(ctx, due);
            }, due - now, TimeUnit.NANOSECONDS);
        }
    }

    private void send(ChannelHandlerContext ctx, long due) {
        if (!ctx.channel().isActive()) {
            return;
        }
        intendedStart = due;
        bodyBytes = 0;
        ctx.writeAndFlush(request.duplicate(), ctx.voidPromise());
    }
}
