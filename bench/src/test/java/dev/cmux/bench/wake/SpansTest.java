package dev.cmux.bench.wake;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SpansTest {

    @Test
    void overlappingSpansCountOnceAndOnlyWithinTheWindow() {
        List<long[]> spans = List.of(new long[] {50, 70}, new long[] {0, 20}, new long[] {10, 30},
                new long[] {60, 65}, new long[] {90, 200});
        // window 5..100: [5,30] = 25, [50,70] = 20, [90,100] = 10
        assertEquals(55, Spans.unionWithin(spans, 5, 100));
    }

    @Test
    void nothingInTheWindowIsZero() {
        assertEquals(0, Spans.unionWithin(List.of(new long[] {0, 10}, new long[] {50, 60}), 20, 40));
    }
}
