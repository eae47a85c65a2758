package dev.cmux.control.poll;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The one way this code waits for something outside it (a PVE task, a container's address, execd, a lock, a rate
 * limit): ask, pause, ask again until an answer or a deadline. The clock and the sleeper are injected, so a test
 * moves time instead of spending it. An interrupt (the executor shutting down) ends any wait with a
 * {@link CancellationException}, the interrupt flag set again.
 */
public final class Poller {

    public static final Poller SYSTEM = new Poller(System::nanoTime, Sleeper.SYSTEM);

    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    /** @param nanoTime a monotonic clock in nanoseconds, like {@link System#nanoTime()} */
    public Poller(LongSupplier nanoTime, Sleeper sleeper) {
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /**
     * Calls {@code attempt} every {@code interval} until it returns something other than {@code null}, and returns
     * that; once {@code timeout} has passed without an answer, throws what {@code timedOut} makes.
     */
    public <T> T until(Duration interval, Duration timeout, Supplier<T> attempt,
                       Supplier<? extends RuntimeException> timedOut) {
        return until(interval, interval, timeout, attempt, timedOut);
    }

    /**
     * As {@link #until(Duration, Duration, Supplier, Supplier)}, but the pauses start at {@code first} and double up
     * to {@code interval} ({@link Pace#doubling}).
     */
    public <T> T until(Duration first, Duration interval, Duration timeout, Supplier<T> attempt,
                       Supplier<? extends RuntimeException> timedOut) {
        return until(Pace.doubling(first, interval), timeout, attempt, timedOut);
    }

    /** As {@link #until(Duration, Duration, Supplier, Supplier)}, pausing as {@code pace} says. */
    public <T> T until(Pace pace, Duration timeout, Supplier<T> attempt, Supplier<? extends RuntimeException> timedOut) {
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        for (int asked = 1; ; asked++) {
            T answer = attempt.get();
            if (answer != null) {
                return answer;
            }
            if (nanoTime.getAsLong() - deadline > 0) {
                throw timedOut.get();
            }
            pause(pace.pauseAfter(asked));
        }
    }

    /** Pauses that grow from {@code first} to {@code max}, for at most {@code total} in all. */
    public Backoff backoff(Duration first, Duration max, Duration total) {
        return new Backoff(first, max, nanoTime.getAsLong() + total.toNanos());
    }

    public void pause(Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting");
        }
    }

    /**
     * Exponential pauses with jitter, for retrying while someone else holds what we need (PVE's template lock):
     * waiters that collided once do not collide again in step.
     */
    public final class Backoff {

        private final long maxMillis;
        private final long deadlineNanos;
        private long nextMillis;

        private Backoff(Duration first, Duration max, long deadlineNanos) {
            this.nextMillis = Math.max(1, first.toMillis());
            this.maxMillis = Math.max(nextMillis, max.toMillis());
            this.deadlineNanos = deadlineNanos;
        }

        /** Pauses and returns true, or returns false at once when the total time is used up. */
        public boolean pause() {
            if (nanoTime.getAsLong() - deadlineNanos > 0) {
                return false;
            }
            long millis = nextMillis / 2 + ThreadLocalRandom.current().nextLong(nextMillis / 2 + 1);
            nextMillis = Math.min(maxMillis, nextMillis * 2);
            Poller.this.pause(Duration.ofMillis(millis));
            return true;
        }
    }
}
