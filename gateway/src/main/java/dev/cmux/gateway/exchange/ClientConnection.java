package dev.cmux.gateway.exchange;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import dev.cmux.gateway.headers.ForwardedHeaders;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection (from cloudflared, usually): takes decoded requests one at a time and gives each to an
 * {@link Exchange}. Requests are not pipelined to backends: a request that arrives while the previous one is
 * still answered waits here, with reads paused, until its turn.
 */
public final class ClientConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(ClientConnection.class.getName());

    private final DataPlane plane;
    private final ConnectionClock clock;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange exchange;
    private boolean closing;
    private boolean draining;
    private boolean upgraded;
    private boolean reading;
    private Boolean secure;
    private ForwardedHeaders peerRules;
    private ForwardedHeaders.Peer peer;

    public ClientConnection(DataPlane plane, ConnectionClock clock) {
        this.plane = plane;
        this.clock = clock;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (exchange != null && !exchange.requestReceived() && msg instanceof HttpContent content) {
            exchange.onClientContent(content);
            updateReading();
        } else if (exchange != null || !waiting.isEmpty()) {
            // the next request, pipelined: its turn comes when the current exchange is over
            waiting.add(msg);
            updateReading();
        } else {
            dispatch(msg);
        }
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            clock.requestStarted();
            exchange = new Exchange(this, plane, request); // each request sees the config of its time
            exchange.start();
            if (msg instanceof HttpContent content) {
                // a whole request in one message (the decoder's answer to a malformed one, too)
                if (exchange != null && !exchange.requestReceived()) {
                    exchange.onClientContent(content);
                } else {
                    content.release();
                }
            }
            if (!closing) {
                updateReading();
            }
        } else {
            // the rest of a request that was already answered (its body was not wanted)
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (exchange != null) {
            exchange.flushBackend();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onClientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (exchange != null) {
            Exchange e = exchange;
            exchange = null;
            e.onClientClosed();
        }
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a peer that resets is routine; anything else is a bug of ours and must be seen
        LOG.log(cause instanceof java.io.IOException ? Level.FINE : Level.WARNING, "client connection failed", cause);
        ctx.close();
    }

    // ---- called by the exchange -------------------------------------------------------------------------

    Channel channel() {
        return ctx.channel();
    }

    EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    /** Runs the exchange's response timeout, too: one timer per connection. */
    ConnectionClock clock() {
        return clock;
    }

    InetAddress peerAddress() {
        return ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    }

    /** The peer under {@code rules}: kept for the connection, worked out again only when a reload brought others. */
    ForwardedHeaders.Peer peer(ForwardedHeaders rules) {
        if (peerRules != rules) {
            peer = rules.peer(peerAddress());
            peerRules = rules;
        }
        return peer;
    }

    /**
     * True inside a batch of decoded messages: writes to the backend wait for the batch's end, so a request whose
     * body turns out malformed in the same batch is never sent at all.
     */
    boolean reading() {
        return reading;
    }

    /** The connection came through the gateway's own TLS listener. */
    boolean secure() {
        if (secure == null) {
            // asked at the first request: SNI puts its SslHandler in place only after the TLS hello
            secure = ctx.pipeline().get(SslHandler.class) != null;
        }
        return secure;
    }

    boolean draining() {
        return draining;
    }

    /**
     * Reading stops only where it protects something: while a request body waits for a backend that cannot take
     * more, once the client has pipelined a request ahead, and after an upgrade request (its first protocol bytes
     * must stay unread until the relay takes over). Toggling it for every request would cost two epoll_ctl calls.
     */
    void updateReading() {
        if (upgraded) {
            return; // the relay owns reading now
        }
        boolean read = !closing && waiting.isEmpty() && (exchange == null || exchange.wantsClientBytes()
                || exchange.requestReceived() && !exchange.upgradeRequested());
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    void exchangeFinished(boolean close) {
        exchange = null;
        if (close || draining) {
            closeGracefully();
            return;
        }
        clock.waitingForRequest();
        Object next;
        while (exchange == null && !closing && (next = waiting.poll()) != null) {
            dispatch(next);
        }
        // messages after a dispatched request's head belong to it until its body is complete
        while (exchange != null && !exchange.requestReceived() && waiting.peek() instanceof HttpContent content) {
            waiting.poll();
            exchange.onClientContent(content);
        }
        if (!closing) {
            updateReading();
        }
    }

    /** The response could not be completed: close at once so the client sees the truncation. */
    void abort() {
        exchange = null;
        closing = true;
        releaseWaiting();
        ctx.close();
    }

    /** The connection was handed to the raw relay: this handler is gone from the pipeline. */
    void upgraded() {
        upgraded = true;
        exchange = null;
        closing = true;
        releaseWaiting();
    }

    /** Shutdown: finish the request in flight (its response says {@code Connection: close}), then close. */
    public void drain() {
        draining = true;
        if (exchange == null && !closing) {
            closeGracefully();
        }
    }

    private void closeGracefully() {
        closing = true;
        releaseWaiting();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseWaiting() {
        Object m;
        while ((m = waiting.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }
}
