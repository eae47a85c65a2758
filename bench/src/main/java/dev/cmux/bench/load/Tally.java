package dev.cmux.bench.load;

import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one run counted. Each event-loop thread writes its own {@link Shard} (no contention on the hot path); the
 * shards are summed once the loops have stopped. Only exchanges that started inside the measured window count, so a
 * warm-up and the drain at the end are left out.
 */
public final class Tally {

    /** Latencies up to one minute, in microseconds, three significant digits. */
    private static final long MAX_MICROS = 60_000_000L;

    /** Exchanges that begin in [{@code from}, {@code to}) count; the others (warm-up, the tail) only as seen. */
    private record Window(long from, long to) {
        boolean contains(long nanos) {
            return nanos >= from && nanos < to;
        }
    }

    private final Window measured;
    private final ConcurrentLinkedQueue<Shard> shards = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Shard> local = ThreadLocal.withInitial(this::newShard);
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    public Tally(long measureFrom, long measureTo) {
        this.measured = new Window(measureFrom, measureTo);
    }

    /** One exchange (request/response or message/echo) that began at {@code start} and ended at {@code end}. */
    public void completed(long start, long end, long bytes) {
        Shard s = local.get();
        s.all++;
        if (!measured.contains(start)) {
            return;
        }
        s.count++;
        s.bytes += bytes;
        s.latency.recordValue(Math.min(MAX_MICROS, Math.max(0, (end - start) / 1000)));
    }

    /**
     * A request the client's own timer sent at {@code sent}, due at {@code due}. Its latency counts that wait too
     * (that is the point of measuring from the intended start), so a large value says the load generator was held
     * up, not the server: the harness prints it beside the open loop's tail.
     */
    public void timerFired(long due, long sent) {
        if (!measured.contains(due)) {
            return;
        }
        Shard s = local.get();
        s.maxTimerLateNanos = Math.max(s.maxTimerLateNanos, sent - due);
    }

    public void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Long> errorKinds() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Call after the event loops have terminated: their writes are then visible here. */
    public Totals totals() {
        Histogram all = new Histogram(MAX_MICROS, 3);
        long count = 0;
        long bytes = 0;
        long everything = 0;
        long timerLate = 0;
        for (Shard s : shards) {
            timerLate = Math.max(timerLate, s.maxTimerLateNanos);
            all.add(s.latency);
            count += s.count;
            bytes += s.bytes;
            everything += s.all;
        }
        return new Totals(count, bytes, all, everything, timerLate);
    }

    private Shard newShard() {
        Shard s = new Shard();
        shards.add(s);
        return s;
    }

    /**
     * Sums over every thread. {@code all} also counts the warm-up and the drain: the harness divides the CPU time
     * of the whole invocation by it. {@code maxTimerLateNanos}: see {@link #timerFired}.
     */
    public record Totals(long count, long bytes, Histogram latency, long all, long maxTimerLateNanos) {
    }

    private static final class Shard {
        final Histogram latency = new Histogram(MAX_MICROS, 3);
        long count;
        long bytes;
        long all;
        long maxTimerLateNanos;
    }
}
