package dev.cmux.gateway.backend;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The backend end of a connection: hands what the backend says to the {@link BackendListener} (an exchange) that
 * is using the connection, or, while the connection idles in the pool, closes it on anything unexpected.
 */
public final class BackendHandler extends ChannelInboundHandlerAdapter {

    private final BackendKey key;
    private final BackendPool pool;
    private BackendListener exchange;
    private long pooledAtNanos;

    BackendHandler(BackendKey key, BackendPool pool) {
        this.key = key;
        this.pool = pool;
    }

    public void attach(BackendListener e) {
        this.exchange = e;
    }

    public void detach() {
        this.exchange = null;
    }

    void enterPool(long nowNanos) {
        this.exchange = null;
        this.pooledAtNanos = nowNanos;
    }

    /** When it last went back to the pool: the pool closes it {@code pool.idleTimeout} later if still unused. */
    long pooledAtNanos() {
        return pooledAtNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null) {
            exchange.onBackendMessage(msg);
            return;
        }
        // a pooled connection must be silent; anything else means its framing can no longer be trusted
        ReferenceCountUtil.release(msg);
        pool.forget(ctx.channel(), key);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onBackendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onBackendWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onBackendClosed(null);
        } else {
            pool.forget(ctx.channel(), key);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (exchange != null) {
            exchange.onBackendClosed(cause);
        }
        ctx.close();
    }
}
