package dev.cmux.control.poll;

import java.time.Duration;

/**
 * How a wait asks again: a pause of {@code first} after each of the first {@code firstAsks} asks, then pauses that
 * double up to {@code interval}. What usually ends in a moment (a VM's resume, a task of a fast storage) is seen at
 * once; what takes seconds is still asked only every {@code interval}.
 */
public record Pace(Duration first, int firstAsks, Duration interval) {

    public Pace {
        first = first.compareTo(interval) < 0 ? first : interval;
        firstAsks = Math.max(1, firstAsks);
    }

    /** Pauses from {@code first}, doubling after every ask up to {@code interval}. */
    public static Pace doubling(Duration first, Duration interval) {
        return new Pace(first, 1, interval);
    }

    /** The pause after the {@code asked}-th ask (from 1) that found no answer. */
    Duration pauseAfter(int asked) {
        if (asked <= firstAsks) {
            return first;
        }
        Duration pause = first;
        for (int doubled = firstAsks; doubled < asked && pause.compareTo(interval) < 0; doubled++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(interval) < 0 ? pause : interval;
    }
}
