package dev.cmux.control.poll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A clock that moves only when something sleeps on it: waits take no time, and each one is recorded. */
public final class FakeTime implements Sleeper {

    private final List<Duration> waits = new ArrayList<>();
    private long nanos;

    @Override
    public synchronized void sleep(Duration duration) {
        waits.add(duration);
        nanos += duration.toNanos();
    }

    public synchronized long nanoTime() {
        return nanos;
    }

    public synchronized List<Duration> waits() {
        return List.copyOf(waits);
    }

    public Poller poller() {
        return new Poller(this::nanoTime, this);
    }
}
