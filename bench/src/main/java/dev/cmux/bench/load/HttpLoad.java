package dev.cmux.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpResponseDecoder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 keep-alive load: {@code connections} connections, each with one request in flight, either closed loop
 * (as fast as answers come) or open loop at a constant total {@code rate} (requests per second).
 */
public final class HttpLoad {

    /** Time after the deadline for answers still in flight (a 10 MiB body on a busy machine) before closing. */
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Target target;
    private final RequestTemplate request;
    private final int connections;
    private final int rate;
    private final long warmupNanos;
    private final long durationNanos;
    private final int threads;

    /** @param rate requests per second over all connections; 0 = closed loop */
    public HttpLoad(Target target, RequestTemplate request, int connections, int rate, long warmupNanos,
                    long durationNanos, int threads) {
        if (connections < 1 || rate < 0) {
            throw new IllegalArgumentException("connections >= 1 and rate >= 0");
        }
        this.target = target;
        this.request = request;
        this.connections = connections;
        this.rate = rate;
        this.warmupNanos = warmupNanos;
        this.durationNanos = durationNanos;
        this.threads = threads;
    }

    public LoadResult run() throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long deadline = measureFrom + durationNanos;
        Tally tally = new Tally(measureFrom, deadline);
        CountDownLatch done = new CountDownLatch(connections);
        ByteBuf encoded = request.encode(target.host());
        try (LoopbackClient client = new LoopbackClient(threads)) {
            for (int i = 0; i < connections; i++) {
                Pacing pacing = rate == 0 ? Pacing.closedLoop(deadline)
                        : staggered(i, connections, rate, start, deadline);
                client.connect(target, new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpResponseDecoder(),
                                new HttpRequester(encoded, pacing, tally, done::countDown));
                    }
                }, () -> {
                    tally.error("connect");
                    done.countDown();
                });
            }
            long wait = deadline + DRAIN_NANOS - System.nanoTime();
            done.await(Math.max(0, wait), TimeUnit.NANOSECONDS);
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("path", request.path());
        parameters.put("requestBodyBytes", request.bodySize());
        parameters.put("connections", connections);
        parameters.put("rate", rate);
        return new LoadResult(rate == 0 ? "http" : "rate", parameters, tally, durationNanos / 1e9);
    }

    /** Connection i starts i/connections of an interval late, so the total arrival rate is smooth. */
    static Pacing staggered(int i, int connections, int rate, long start, long deadline) {
        long interval = Math.max(1, Math.round(1e9 * connections / rate));
        return Pacing.constantRate(start + interval * i / connections, interval, deadline);
    }
}
