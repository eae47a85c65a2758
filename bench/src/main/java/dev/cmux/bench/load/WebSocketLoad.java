package dev.cmux.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** WebSocket echo throughput: {@code connections} WebSockets, each with one binary message of {@code size} in flight. */
public final class WebSocketLoad {

    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Target target;
    private final int connections;
    private final int size;
    private final long warmupNanos;
    private final long durationNanos;
    private final int threads;

    public WebSocketLoad(Target target, int connections, int size, long warmupNanos, long durationNanos, int threads) {
        this.target = target;
        this.connections = connections;
        this.size = size;
        this.warmupNanos = warmupNanos;
        this.durationNanos = durationNanos;
        this.threads = threads;
    }

    public LoadResult run() throws InterruptedException {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        ByteBuf payload = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes));
        long measureFrom = System.nanoTime() + warmupNanos;
        long deadline = measureFrom + durationNanos;
        Tally tally = new Tally(measureFrom, deadline);
        CountDownLatch done = new CountDownLatch(connections);
        try (LoopbackClient client = new LoopbackClient(threads)) {
            WebSocketPipeline pipeline = new WebSocketPipeline(target, size,
                    () -> new WebSocketEchoer(payload, deadline, tally, done::countDown));
            for (int i = 0; i < connections; i++) {
                client.connect(target, pipeline, () -> {
                    tally.error("connect");
                    done.countDown();
                });
            }
            done.await(Math.max(0, deadline + DRAIN_NANOS - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("connections", connections);
        parameters.put("size", size);
        return new LoadResult("ws", parameters, tally, durationNanos / 1e9);
    }
}
