package dev.cmux.gateway.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram of seconds with fixed buckets; recorded from any event loop without a lock. */
final class LatencyHistogram {

    private static final double[] BOUNDS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

    private final String name;
    private final String help;
    private final LongAdder[] buckets = new LongAdder[BOUNDS.length];
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();

    LatencyHistogram(String name, String help) {
        this.name = name;
        this.help = help;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void record(long nanos) {
        double seconds = nanos / 1e9;
        for (int i = 0; i < BOUNDS.length; i++) {
            if (seconds <= BOUNDS[i]) {
                buckets[i].increment();
                break;
            }
        }
        count.increment();
        sumNanos.add(nanos);
    }

    void appendTo(StringBuilder out) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" histogram\n");
        long cumulative = 0;
        for (int i = 0; i < BOUNDS.length; i++) {
            cumulative += buckets[i].sum();
            out.append(name).append("_bucket{le=\"").append(BOUNDS[i]).append("\"} ").append(cumulative).append('\n');
        }
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(count.sum()).append('\n');
        out.append(name).append("_sum ").append(sumNanos.sum() / 1e9).append('\n');
        out.append(name).append("_count ").append(count.sum()).append('\n');
    }
}
