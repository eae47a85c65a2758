package dev.cmux.control.cloudflare;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Retries a request answered with 429 after the server's {@code Retry-After}, a bounded number of
 * times and never longer than {@link RetryPolicy#maxWait()} per wait. The last 429 is handed on, so
 * the caller maps it to a message like any other error.
 */
record RateLimitRetryInterceptor(RetryPolicy policy) implements Interceptor {

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        for (int retry = 0; retry < policy.maxRetries() && response.code() == 429; retry++) {
            Duration wait = retryAfter(response.header("Retry-After"));
            if (wait.compareTo(policy.maxWait()) > 0) {
                return response;
            }
            response.close();
            try {
                policy.poller().pause(wait);
            } catch (CancellationException e) {
                throw new InterruptedIOException("interrupted while waiting out a Cloudflare rate limit");
            }
            response = chain.proceed(chain.request());
        }
        return response;
    }

    /** Cloudflare sends whole seconds; an HTTP date or garbage falls back to the default wait. */
    private Duration retryAfter(String header) {
        if (header != null) {
            try {
                long seconds = Long.parseLong(header.trim());
                if (seconds >= 0) {
                    return Duration.ofSeconds(seconds);
                }
            } catch (NumberFormatException ignored) {
                // not delta-seconds: use the default
            }
        }
        return policy.defaultWait();
    }
}
