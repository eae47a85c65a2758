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
    /** Stands in for an exchange while none uses the connection. */
    private final BackendListener unused = new Unused();
    private BackendListener exchange = unused;
    /** This handler's context, for {@link Unused}. */
    private ChannelHandlerContext context;
    private long pooledAtNanos;

    BackendHandler(BackendKey key, BackendPool pool) {
        this.key = key;
        this.pool = pool;
    }

    public void attach(BackendListener e) {
        this.exchange = e;
    }

    public void detach() {
        this.exchange = unused;
    }

    void enterPool(long nowNanos) {
        this.exchange = unused;
        this.pooledAtNanos = nowNanos;
    }

    /** When it last went back to the pool: the pool closes it {@code pool.idleTimeout} later if still unused. */
    long pooledAtNanos() {
        return pooledAtNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.context = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        exchange.onBackendMessage(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        exchange.onBackendReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        exchange.onBackendWritabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        exchange.onBackendClosed(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        exchange.onBackendClosed(cause);
        ctx.close();
    }

    /** The connection while no exchange uses it, pooled: it must be silent, and leaves the pool when it closes. */
    private final class Unused implements BackendListener {

        @Override
        public void onBackendMessage(Object msg) {
            // anything it says means its framing can no longer be trusted
            ReferenceCountUtil.release(msg);
            pool.forget(context.channel(), key);
            context.close();
        }

        @Override
        public void onBackendReadComplete() {
        }

        @Override
        public void onBackendWritabilityChanged() {
        }

        @Override
        public void onBackendClosed(Throwable cause) {
            if (cause == null) { // a failure is followed by the close, which forgets it
                pool.forget(context.channel(), key);
            }
        }
    }
}
