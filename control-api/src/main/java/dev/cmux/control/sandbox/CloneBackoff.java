package dev.cmux.control.sandbox;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between clone attempts while the template is locked by another clone ({@code CT is locked (disk)}): PVE's
 * own lock serializes clones of one template across every gateway of the cluster, so waiting on it is the lock.
 * Exponential with jitter, so gateways that collided do not collide again in step.
 */
final class CloneBackoff {

    private final long firstMillis;
    private final long maxMillis;
    private final long deadline;
    private long next;

    CloneBackoff(Duration first, Duration total) {
        this.firstMillis = Math.max(1, first.toMillis());
        this.maxMillis = Math.max(firstMillis, 2000);
        this.deadline = System.nanoTime() + total.toNanos();
        this.next = firstMillis;
    }

    /** Sleeps and returns true, or returns false when the total wait is used up. */
    boolean pause() {
        if (System.nanoTime() > deadline) {
            return false;
        }
        long sleep = next / 2 + ThreadLocalRandom.current().nextLong(next / 2 + 1);
        next = Math.min(maxMillis, next * 2);
        try {
            Thread.sleep(sleep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }
}
