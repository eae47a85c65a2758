package dev.cmux.bench.wake;

import java.util.Comparator;
import java.util.List;

/** Time spans in nanoseconds: how much of a window they cover together. */
final class Spans {

    private Spans() {
    }

    /** The length of the union of {@code spans} ({@code [start, end]} pairs) clipped to {@code [from, to]}. */
    static long unionWithin(List<long[]> spans, long from, long to) {
        long covered = 0;
        long reached = from;
        List<long[]> sorted = spans.stream().sorted(Comparator.comparingLong(s -> s[0])).toList();
        for (long[] span : sorted) {
            long start = Math.max(span[0], reached);
            long end = Math.min(span[1], to);
            if (end > start) {
                covered += end - start;
                reached = end;
            }
        }
        return covered;
    }
}
