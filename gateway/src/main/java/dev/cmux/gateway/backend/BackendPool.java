package dev.cmux.gateway.backend;

import dev.cmux.gateway.config.PoolConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive connections to backends, one pool per event loop: a backend connection lives on the loop of the
 * client connection that uses it, so taking and returning one needs no lock and no thread hand-off.
 * Idle connections are closed before a typical backend would close them ({@code pool.idleTimeout}), which
 * avoids most "connection closed before response" races; the exchange retries the rest once. It lives as long
 * as the process, so a reload keeps its connections; {@link #reconfigure} takes the new limits.
 * <p>
 * Each backend's idle connections queue oldest first, and one timer per loop wakes when the oldest is due: a
 * connection going in and out of the pool on every request schedules and cancels nothing.
 */
public final class BackendPool {

    private final Bootstrap bootstrap;
    private volatile PoolConfig config;
    private volatile int connectTimeoutMillis;
    private final AtomicInteger idleCount = new AtomicInteger(); // over all loops, for /metrics
    private final FastThreadLocal<LoopPool> idleByLoop = new FastThreadLocal<>() {
        @Override
        protected LoopPool initialValue() {
            return new LoopPool();
        }
    };

    /** @param bootstrap the transport and socket options of every backend connection */
    public BackendPool(Bootstrap bootstrap, PoolConfig config, Duration connectTimeout) {
        this.bootstrap = bootstrap;
        reconfigure(config, connectTimeout);
    }

    /** Limits of a reload: pooled connections stay, and each goes by the new idle timeout at the next sweep. */
    public void reconfigure(PoolConfig config, Duration connectTimeout) {
        this.config = config;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    }

    public int idleConnections() {
        return idleCount.get();
    }

    /** An open idle connection to {@code key}, or {@code null}. Call on {@code loop}. */
    public Channel pollIdle(BackendKey key) {
        ArrayDeque<Channel> idle = idleByLoop.get().byBackend.get(key);
        if (idle == null) {
            return null;
        }
        Channel channel;
        // most recently used first: the least likely to have been closed by the backend
        while ((channel = idle.pollLast()) != null) {
            idleCount.decrementAndGet();
            if (channel.isActive() && channel.pipeline().get(BackendHandler.class) != null) {
                return channel;
            }
            channel.close();
        }
        return null;
    }

    /** A new connection on {@code loop}; not pooled until {@link #release}. */
    public ChannelFuture connect(EventLoop loop, BackendKey key) {
        return bootstrap.clone(loop).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new BackendInitializer(key, this)).connect(key.address());
    }

    /** Takes back a connection whose exchange ended cleanly; closes it when the pool is full. Call on its loop. */
    public void release(Channel channel, BackendKey key) {
        BackendHandler handler = channel.pipeline().get(BackendHandler.class);
        PoolConfig config = this.config;
        if (!channel.isActive() || handler == null || config.maxIdlePerBackend() == 0) {
            channel.close();
            return;
        }
        LoopPool loopPool = idleByLoop.get();
        ArrayDeque<Channel> idle = loopPool.byBackend.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (idle.size() >= config.maxIdlePerBackend()) {
            channel.close();
            return;
        }
        idle.addLast(channel);
        idleCount.incrementAndGet();
        channel.config().setAutoRead(true); // so a close by the backend is noticed while idle
        handler.enterPool(channel.eventLoop().ticker().nanoTime()); // the loop's clock: a test can move it
        if (!loopPool.sweepArmed) {
            // later connections are due later: the timer only has to be there for the first one
            loopPool.armSweep(channel.eventLoop(), config.idleTimeout().toNanos());
        }
    }

    /** Drops a pooled connection that closed or misbehaved. Call on its loop. */
    void forget(Channel channel, BackendKey key) {
        Map<BackendKey, ArrayDeque<Channel>> byBackend = idleByLoop.get().byBackend;
        ArrayDeque<Channel> idle = byBackend.get(key);
        if (idle != null && idle.remove(channel)) {
            idleCount.decrementAndGet();
            if (idle.isEmpty()) {
                byBackend.remove(key);
            }
        }
    }

    /** One event loop's idle connections, oldest first per backend, and the timer that closes the overdue. */
    private final class LoopPool {
        final Map<BackendKey, ArrayDeque<Channel>> byBackend = new HashMap<>();
        boolean sweepArmed;

        void armSweep(EventLoop loop, long delayNanos) {
            sweepArmed = true;
            loop.schedule(() -> sweep(loop), delayNanos, TimeUnit.NANOSECONDS);
        }

        /** Closes every connection idle for {@code pool.idleTimeout}; sleeps until the next one is due. */
        private void sweep(EventLoop loop) {
            sweepArmed = false;
            long now = loop.ticker().nanoTime();
            long idleNanos = BackendPool.this.config.idleTimeout().toNanos();
            long nextDue = Long.MAX_VALUE;
            List<Channel> overdue = new ArrayList<>();
            for (Iterator<ArrayDeque<Channel>> it = byBackend.values().iterator(); it.hasNext(); ) {
                ArrayDeque<Channel> idle = it.next();
                Channel oldest;
                while ((oldest = idle.peekFirst()) != null) {
                    BackendHandler handler = oldest.pipeline().get(BackendHandler.class);
                    long due = handler == null ? now : handler.pooledAtNanos() + idleNanos;
                    if (due - now > 0) {
                        nextDue = Math.min(nextDue, due);
                        break;
                    }
                    overdue.add(idle.pollFirst());
                    idleCount.decrementAndGet();
                }
                if (idle.isEmpty()) {
                    it.remove();
                }
            }
            overdue.forEach(Channel::close);
            if (nextDue != Long.MAX_VALUE) {
                armSweep(loop, nextDue - now);
            }
        }
    }
}
