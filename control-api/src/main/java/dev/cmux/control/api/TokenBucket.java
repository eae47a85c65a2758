package dev.cmux.control.api;

import java.time.Duration;

/** A token bucket: {@code burst} requests at once, then one per {@code refillEvery}. Thread-safe. */
public final class TokenBucket {

    private final int burst;
    private final long refillNanos;
    private double tokens;
    private long last;

    public TokenBucket(int burst, Duration refillEvery) {
        if (burst < 1 || refillEvery.isNegative() || refillEvery.isZero()) {
            throw new IllegalArgumentException("a token bucket needs burst >= 1 and a positive refill interval");
        }
        this.burst = burst;
        this.refillNanos = refillEvery.toNanos();
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    /** Takes a token and returns 0, or returns the whole seconds until one is available. */
    public synchronized long tryTake() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (double) (now - last) / refillNanos);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        double waitNanos = (1 - tokens) * refillNanos;
        return Math.max(1, (long) Math.ceil(waitNanos / 1e9));
    }
}
