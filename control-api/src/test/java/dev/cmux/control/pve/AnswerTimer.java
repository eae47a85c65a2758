package dev.cmux.control.pve;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

import java.util.function.Consumer;

/**
 * Times the emulator's side of each exchange on one connection: from the first bytes of a request (TLS records as
 * they arrive: it sits first in the pipeline) to the flush that writes its answer to the socket. PVE's clients send
 * one request at a time on a connection, so one start stamp is enough; a TLS handshake counts as an exchange too.
 */
public final class AnswerTimer extends ChannelDuplexHandler {

    /** One exchange, in {@link System#nanoTime()}. */
    public record Span(long startNanos, long endNanos) {
    }

    private final Consumer<Span> spans;
    private long started;

    AnswerTimer(Consumer<Span> spans) {
        this.spans = spans;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (started == 0) {
            started = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        if (started != 0) {
            spans.accept(new Span(started, System.nanoTime()));
            started = 0;
        }
    }
}
