package dev.cmux.control.poll;

import java.time.Duration;

/** Waits; injectable so tests observe the wait instead of spending it. */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
