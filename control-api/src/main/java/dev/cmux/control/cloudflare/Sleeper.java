package dev.cmux.control.cloudflare;

import java.time.Duration;

/** Waits before a retry; injectable so tests observe the wait instead of spending it. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
