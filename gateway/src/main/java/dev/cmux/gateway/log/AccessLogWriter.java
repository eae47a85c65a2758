package dev.cmux.gateway.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Access-log lines to standard output from one writer thread, in batches. An event loop hands a line over without a
 * lock or a system call. The writer writes as many whole lines at once as fit in one pipe write ({@value
 * #BATCH_BYTES} bytes, so a diagnostics line written meanwhile never lands inside a batch), then lets lines gather
 * for 5 ms before it looks again; only when a look found nothing does it sleep until the next line wakes it. So under
 * load nobody wakes it and it writes about once per {@value #BATCH_BYTES} bytes, where a logging library's queue had
 * woken its thread and written once per line: a futex and a write per request, a third of the gateway's CPU per
 * request ({@code bench/results}, "gateway-log").
 * <p>
 * When journald cannot keep up, lines beyond {@code capacity} are dropped (and the drop reported on the diagnostics
 * log) rather than traffic held up.
 */
public final class AccessLogWriter implements AccessLogSink, AutoCloseable {

    /** PIPE_BUF on Linux: a write of at most this many bytes to a pipe is never interleaved with another's. */
    static final int BATCH_BYTES = 4096;

    private static final Logger LOG = Logger.getLogger("cmux-gateway");
    private static final long DROP_REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** After a write, how long the writer lets lines gather before it looks again: about the longest a line waits. */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final OutputStream out;
    private final int capacity;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean asleep = new AtomicBoolean();
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean closed;

    AccessLogWriter(OutputStream out, int capacity) {
        this.out = out;
        this.capacity = capacity;
        this.writer = new Thread(this::writeUntilClosed, "access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** The process's access log: standard output, which systemd hands to journald. */
    public static AccessLogWriter toStandardOutput() {
        return new AccessLogWriter(new FileOutputStream(FileDescriptor.out), 65_536);
    }

    @Override
    public void accept(String jsonLine) {
        if (closed) {
            dropped.increment();
            return;
        }
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.increment();
            return;
        }
        lines.offer(jsonLine);
        // the writer sets asleep before it looks at the queue a last time: one of the two sees the other
        if (asleep.get() && asleep.compareAndSet(true, false)) {
            LockSupport.unpark(writer);
        }
    }

    /** Lines dropped so far because the queue was full (or the writer closed). */
    long dropped() {
        return dropped.sum();
    }

    /** Writes what is queued, then stops the writer; later lines are dropped. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeUntilClosed() {
        Batch batch = new Batch();
        long reportedDrops = 0;
        long lastReport = System.nanoTime() - DROP_REPORT_NANOS;
        boolean wrote = false;
        while (true) {
            String line = lines.poll();
            if (line != null) {
                queued.decrementAndGet();
                batch.add(line);
                wrote = true;
                continue;
            }
            batch.write();
            long drops = dropped.sum();
            if (drops > reportedDrops && System.nanoTime() - lastReport >= DROP_REPORT_NANOS) {
                LOG.warning("access log: " + (drops - reportedDrops) + " lines dropped, standard output was too slow");
                reportedDrops = drops;
                lastReport = System.nanoTime();
            }
            if (closed) {
                if (lines.isEmpty()) {
                    return;
                }
                continue;
            }
            if (wrote) {
                // lines are coming: let more gather, without anyone having to wake this thread for them
                wrote = false;
                LockSupport.parkNanos(this, GATHER_NANOS);
                continue;
            }
            asleep.set(true);
            if (lines.isEmpty() && !closed) {
                LockSupport.park(this);
            }
            asleep.set(false);
        }
    }

    /** Whole lines gathered into one write of at most {@link #BATCH_BYTES}; a longer line goes out on its own. */
    private final class Batch {
        private final byte[] bytes = new byte[BATCH_BYTES];
        private int length;

        void add(String line) {
            byte[] encoded = (line + '\n').getBytes(StandardCharsets.UTF_8);
            if (length + encoded.length > bytes.length) {
                write();
            }
            if (encoded.length > bytes.length) {
                emit(encoded, encoded.length);
                return;
            }
            System.arraycopy(encoded, 0, bytes, length, encoded.length);
            length += encoded.length;
        }

        void write() {
            if (length > 0) {
                emit(bytes, length);
                length = 0;
            }
        }

        private void emit(byte[] data, int count) {
            try {
                out.write(data, 0, count);
            } catch (IOException e) {
                // journald gone: nothing here can be told about it except the diagnostics log, which may be gone too
                LOG.log(Level.FINE, "access log write failed", e);
            }
        }
    }
}
