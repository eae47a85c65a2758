package dev.cmux.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens {@code connections} WebSockets (at most {@code parallel} upgrades at a time, so no listen backlog
 * overflows), verifies one echo on each, then holds them idle for {@code hold} while the harness reads the proxy's
 * memory. {@code readyFile}, when given, is written once every socket is verified or has failed. With
 * {@code everyNanos}, each socket sends a small message that often while held and expects its echo (the soak): a
 * message not back by the next is an error, and so is a socket that closes while held.
 */
public final class IdleWebSockets {

    private final Target target;
    private final int connections;
    private final int parallel;
    private final long openTimeoutNanos;
    private final long holdNanos;
    private final Path readyFile;
    private final int threads;
    private final long everyNanos;

    public IdleWebSockets(Target target, int connections, int parallel, long openTimeoutNanos, long holdNanos,
                          Path readyFile, int threads) {
        this(target, connections, parallel, openTimeoutNanos, holdNanos, readyFile, threads, 0);
    }

    public IdleWebSockets(Target target, int connections, int parallel, long openTimeoutNanos, long holdNanos,
                          Path readyFile, int threads, long everyNanos) {
        this.everyNanos = everyNanos;
        this.target = target;
        this.connections = connections;
        this.parallel = parallel;
        this.openTimeoutNanos = openTimeoutNanos;
        this.holdNanos = holdNanos;
        this.readyFile = readyFile;
        this.threads = threads;
    }

    public LoadResult run() throws InterruptedException, IOException {
        long start = System.nanoTime();
        Tally tally = new Tally(start, Long.MAX_VALUE);
        AtomicInteger verified = new AtomicInteger();
        AtomicLong sent = new AtomicLong();
        AtomicLong echoed = new AtomicLong();
        AtomicBoolean holding = new AtomicBoolean(true); // closes at the end are the client's own
        IdleVerifier.Rhythm rhythm = new IdleVerifier.Rhythm() {
            @Override
            public void sent() {
                sent.incrementAndGet();
            }

            @Override
            public void echoed() {
                echoed.incrementAndGet();
            }

            @Override
            public void lost() {
                tally.error("message-lost");
            }

            @Override
            public void closed() {
                if (holding.get()) {
                    tally.error("closed-while-held");
                }
            }

            @Override
            public long everyNanos() {
                return everyNanos;
            }
        };
        CountDownLatch decided = new CountDownLatch(connections);
        Semaphore slots = new Semaphore(parallel);
        long openedIn;
        int stillOpen;
        try (LoopbackClient client = new LoopbackClient(threads)) {
            long openDeadline = start + openTimeoutNanos;
            for (int i = 0; i < connections; i++) {
                if (!slots.tryAcquire(Math.max(0, openDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break; // the rest count as failed: decided stays short of zero and the result says so
                }
                long began = System.nanoTime();
                WebSocketPipeline pipeline = new WebSocketPipeline(target, 0, () -> new IdleVerifier(ok -> {
                    if (ok) {
                        verified.incrementAndGet();
                        tally.completed(began, System.nanoTime(), 0);
                    } else {
                        tally.error("not-verified");
                    }
                    slots.release();
                    decided.countDown();
                }, rhythm));
                client.connect(target, pipeline, () -> {
                    tally.error("connect");
                    slots.release();
                    decided.countDown();
                });
            }
            decided.await(Math.max(0, openDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            openedIn = System.nanoTime() - start;
            if (readyFile != null) {
                Files.writeString(readyFile, "verified=" + verified.get() + "\n", StandardCharsets.US_ASCII);
            }
            System.err.println("idle: " + verified.get() + " of " + connections + " WebSockets verified in "
                    + openedIn / 1_000_000 + " ms; holding");
            TimeUnit.NANOSECONDS.sleep(holdNanos);
            stillOpen = client.stillOpen();
            holding.set(false);
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("connections", connections);
        LoadResult result = new LoadResult("idle", parameters, tally, openedIn / 1e9);
        result.with("verified", verified.get()).with("stillOpenAfterHold", stillOpen);
        if (everyNanos > 0) {
            result.with("messagesSent", sent.get()).with("messagesEchoed", echoed.get());
        }
        return result;
    }
}
