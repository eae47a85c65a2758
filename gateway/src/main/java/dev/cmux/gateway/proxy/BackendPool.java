package dev.cmux.gateway.proxy;

import dev.cmux.gateway.config.PoolConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive connections to backends, one pool per event loop: a backend connection lives on the loop of the
 * client connection that uses it, so taking and returning one needs no lock and no thread hand-off.
 * Idle connections are closed before a typical backend would close them ({@code pool.idleTimeout}), which
 * avoids most "connection closed before response" races; {@code Exchange} retries the rest once.
 */
final class BackendPool {

    private final Bootstrap bootstrap;
    private final PoolConfig config;
    private final AtomicInteger idleCount = new AtomicInteger(); // over all loops, for /metrics
    private final FastThreadLocal<Map<BackendKey, ArrayDeque<Channel>>> idleByLoop = new FastThreadLocal<>() {
        @Override
        protected Map<BackendKey, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    BackendPool(Bootstrap bootstrap, PoolConfig config) {
        this.bootstrap = bootstrap;
        this.config = config;
    }

    int idleConnections() {
        return idleCount.get();
    }

    /** An open idle connection to {@code key}, or {@code null}. Call on {@code loop}. */
    Channel pollIdle(BackendKey key) {
        ArrayDeque<Channel> idle = idleByLoop.get().get(key);
        if (idle == null) {
            return null;
        }
        Channel channel;
        // most recently used first: the least likely to have been closed by the backend
        while ((channel = idle.pollLast()) != null) {
            idleCount.decrementAndGet();
            BackendHandler handler = channel.pipeline().get(BackendHandler.class);
            if (channel.isActive() && handler != null) {
                handler.leavePool();
                return channel;
            }
            channel.close();
        }
        return null;
    }

    /** A new connection on {@code loop}; not pooled until {@link #release}. */
    ChannelFuture connect(EventLoop loop, BackendKey key) {
        return bootstrap.clone(loop).handler(new BackendInitializer(key, this)).connect(key.address());
    }

    /** Takes back a connection whose exchange ended cleanly; closes it when the pool is full. Call on its loop. */
    void release(Channel channel, BackendKey key) {
        BackendHandler handler = channel.pipeline().get(BackendHandler.class);
        if (!channel.isActive() || handler == null || config.maxIdlePerBackend() == 0) {
            channel.close();
            return;
        }
        ArrayDeque<Channel> idle = idleByLoop.get().computeIfAbsent(key, k -> new ArrayDeque<>());
        if (idle.size() >= config.maxIdlePerBackend()) {
            channel.close();
            return;
        }
        idle.addLast(channel);
        idleCount.incrementAndGet();
        channel.config().setAutoRead(true); // so a close by the backend is noticed while idle
        handler.enterPool(channel.eventLoop().schedule(() -> {
            forget(channel, key);
            channel.close();
        }, config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
    }

    /** Drops a pooled connection that closed or misbehaved. Call on its loop. */
    void forget(Channel channel, BackendKey key) {
        ArrayDeque<Channel> idle = idleByLoop.get().get(key);
        if (idle != null && idle.remove(channel)) {
            idleCount.decrementAndGet();
            if (idle.isEmpty()) {
                idleByLoop.get().remove(key);
            }
        }
    }
}
