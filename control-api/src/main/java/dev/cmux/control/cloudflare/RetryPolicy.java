package dev.cmux.control.cloudflare;

import dev.cmux.control.poll.Poller;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link RateLimitRetryInterceptor} handles HTTP 429.
 *
 * @param maxRetries    retries after the first attempt (default 3)
 * @param maxWait       longest single wait honoured; a longer {@code Retry-After} fails at once instead
 *                      (Cloudflare blocks for 5 minutes once the account limit is hit; default 60 s)
 * @param defaultWait   wait when the 429 carries no usable {@code Retry-After} (default 5 s)
 * @param poller        how to wait
 */
public record RetryPolicy(int maxRetries, Duration maxWait, Duration defaultWait, Poller poller) {

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0");
        }
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(defaultWait, "defaultWait");
        Objects.requireNonNull(poller, "poller");
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofSeconds(60), Duration.ofSeconds(5), Poller.SYSTEM);
    }

    public RetryPolicy withPoller(Poller other) {
        return new RetryPolicy(maxRetries, maxWait, defaultWait, other);
    }
}
