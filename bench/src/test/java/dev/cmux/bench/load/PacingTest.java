package dev.cmux.bench.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The schedules, with no clock: {@code next(now)} is given the time, so nothing here depends on how fast it runs. */
class PacingTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void anOpenLoopOverAllConnectionsStartsRateTimesSecondsRequests() {
        List<Long> due = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            due.addAll(schedule(HttpLoad.staggered(i, 4, 200, 0, 2 * SECOND), 0));
        }
        assertEquals(400, due.size());
        // the connections take turns: together they are due every 5 ms, none twice at once
        assertEquals(400, due.stream().distinct().count());
        assertEquals(0, due.stream().mapToLong(t -> t % TimeUnit.MILLISECONDS.toNanos(5)).sum());
    }

    @Test
    void anOpenLoopKeepsItsScheduleWhenAnswersAreLate() {
        // each answer comes a whole second after the request was due: the schedule does not move
        List<Long> due = schedule(Pacing.constantRate(0, SECOND / 10, SECOND), SECOND);
        assertEquals(List.of(0L, 100_000_000L, 200_000_000L, 300_000_000L, 400_000_000L, 500_000_000L,
                600_000_000L, 700_000_000L, 800_000_000L, 900_000_000L), due);
    }

    @Test
    void aClosedLoopStartsWhenTheAnswerEndedUntilTheDeadline() {
        Pacing p = Pacing.closedLoop(10);
        assertEquals(3, p.next(3));
        assertEquals(9, p.next(9));
        assertEquals(Pacing.STOP, p.next(10));
    }

    /** Every due time until STOP, each answer taking {@code answerNanos}. */
    private static List<Long> schedule(Pacing p, long answerNanos) {
        List<Long> due = new ArrayList<>();
        long now = 0;
        for (long t = p.next(now); t != Pacing.STOP; t = p.next(now)) {
            due.add(t);
            now = Math.max(now, t) + answerNanos;
        }
        return due;
    }
}
