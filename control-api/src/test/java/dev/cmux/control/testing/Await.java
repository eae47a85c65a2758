package dev.cmux.control.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waiting for something that happens on another thread (a connection accepted, a permit released): polls the
 * condition, and fails with {@code what} when it does not hold within the bound. Never a way to let time pass: a
 * test that needs time to pass moves an injected clock.
 */
public final class Await {

    private static final long POLL_MILLIS = 5;

    private Await() {
    }

    public static void until(Callable<Boolean> condition, Duration bound, String what) throws Exception {
        until(condition, bound, () -> what);
    }

    /** @param what said on failure, worked out then (e.g. with the output seen so far) */
    public static void until(Callable<Boolean> condition, Duration bound, Supplier<String> what) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + bound.toSeconds() + " s: " + what.get());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    public static void until(Callable<Boolean> condition, String what) throws Exception {
        until(condition, Duration.ofSeconds(10), what);
    }
}
