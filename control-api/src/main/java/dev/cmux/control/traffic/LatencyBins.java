package dev.cmux.control.traffic;

/**
 * The latency histogram's bins: upper bounds in a 1-2-5 series from 250 µs to 5 min, then one bin for longer. A
 * percentile read from it is the upper bound of the bin the rank falls in: within a factor of 2.5, which is what a
 * chart of the last hour needs, at 20 counters a minute.
 */
final class LatencyBins {

    /** Upper bounds, in microseconds. */
    private static final long[] BOUNDS_MICROS = {250, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
            200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000, 60_000_000, 120_000_000,
            300_000_000};

    static final int COUNT = BOUNDS_MICROS.length + 1;

    private LatencyBins() {
    }

    /** The bin of {@code nanos}: a linear scan of 19 bounds, shorter than a binary search's branches at this size. */
    static int of(long nanos) {
        long micros = nanos / 1_000;
        for (int i = 0; i < BOUNDS_MICROS.length; i++) {
            if (micros <= BOUNDS_MICROS[i]) {
                return i;
            }
        }
        return BOUNDS_MICROS.length;
    }

    /**
     * The upper bound in milliseconds of the bin holding the {@code quantile} rank of {@code counts}; the last
     * bound for the open-ended bin; null when nothing was counted.
     */
    static Double quantileMillis(long[] counts, double quantile) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return null;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return BOUNDS_MICROS[Math.min(i, BOUNDS_MICROS.length - 1)] / 1_000.0;
            }
        }
        return BOUNDS_MICROS[BOUNDS_MICROS.length - 1] / 1_000.0;
    }
}
