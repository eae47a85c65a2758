package dev.cmux.control.poll;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollerTest {

    private final FakeTime time = new FakeTime();
    private final Poller poller = time.poller();

    @Test
    void asksAgainAfterEachIntervalUntilThereIsAnAnswer() {
        AtomicInteger asked = new AtomicInteger();
        String answer = poller.until(Duration.ofSeconds(1), Duration.ofSeconds(10),
                () -> asked.incrementAndGet() == 3 ? "ready" : null, IllegalStateException::new);
        assertEquals("ready", answer);
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1)), time.waits());
    }

    @Test
    void aPaceAsksEveryFirstPauseForItsFirstAsksThenDoublesUpToItsInterval() {
        AtomicInteger asked = new AtomicInteger();
        String answer = poller.until(new Pace(Duration.ofMillis(25), 3, Duration.ofMillis(100)), Duration.ofSeconds(10),
                () -> asked.incrementAndGet() == 7 ? "done" : null, IllegalStateException::new);
        assertEquals("done", answer);
        assertEquals(List.of(Duration.ofMillis(25), Duration.ofMillis(25), Duration.ofMillis(25),
                Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(100)), time.waits());
    }

    @Test
    void doublingStartsAtOnceAndAFirstPauseLongerThanTheIntervalIsTheInterval() {
        AtomicInteger asked = new AtomicInteger();
        poller.until(Duration.ofMillis(25), Duration.ofMillis(150), Duration.ofSeconds(10),
                () -> asked.incrementAndGet() == 5 ? "done" : null, IllegalStateException::new);
        assertEquals(List.of(Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
                Duration.ofMillis(150)), time.waits());
        assertEquals(Duration.ofMillis(10), new Pace(Duration.ofMillis(25), 1, Duration.ofMillis(10)).first());
    }

    @Test
    void noAnswerByTheDeadlineThrowsWhatTheCallerMakes() {
        IllegalStateException timedOut = new IllegalStateException("no address");
        assertSame(timedOut, assertThrows(IllegalStateException.class, () -> poller.until(Duration.ofSeconds(1),
                Duration.ofSeconds(5), () -> null, () -> timedOut)));
        assertEquals(6, time.waits().size(), "asked at 0..6 s: only an answer after the deadline gives up");
    }

    @Test
    void theBackoffGrowsWithJitterUpToItsMaximumAndStopsWhenTheTotalIsUsed() {
        Poller.Backoff backoff = poller.backoff(Duration.ofMillis(100), Duration.ofMillis(400),
                Duration.ofSeconds(2));
        int pauses = 0;
        while (backoff.pause()) {
            pauses++;
        }
        List<Duration> waits = time.waits();
        assertEquals(pauses, waits.size());
        assertTrue(waits.get(0).toMillis() >= 50 && waits.get(0).toMillis() <= 100, waits.toString());
        assertTrue(waits.stream().allMatch(w -> w.toMillis() <= 400), waits.toString());
        assertTrue(waits.stream().mapToLong(Duration::toMillis).sum() >= 2000, waits.toString());
    }

    @Test
    void anInterruptEndsTheWaitAndStaysVisible() {
        Poller interrupted = new Poller(System::nanoTime, d -> {
            throw new InterruptedException();
        });
        assertThrows(CancellationException.class, () -> interrupted.pause(Duration.ofSeconds(1)));
        assertTrue(Thread.interrupted(), "the interrupt flag is set again (and cleared here)");
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
