package dev.cmux.gateway.exchange;

import java.util.concurrent.CompletableFuture;

/**
 * What a request needs from wake-on-HTTP when its sandbox does not answer (implemented by the {@code wake}
 * package, which asks PVE). Every method answers without blocking the event loop that calls it.
 */
public interface SandboxWake {

    /** What to do about a sandbox that could not be reached. */
    enum State {
        /** It runs: the failure is the sandbox's own (nothing listens on the port); say so. */
        RUNNING,
        /** Stopped or suspended: wake it. */
        ASLEEP,
        /** Being woken, or woken so recently that its port may not be open yet: wait for it. */
        WAKING,
        /** Not a sandbox (no {@code cmux} tag, or no such container): never woken. */
        NOT_SANDBOX
    }

    /** A wake refused because the sandbox was woken too often lately; its message says so in words. */
    final class Limited extends RuntimeException {
        public Limited(String message) {
            super(message, null, false, false);
        }
    }

    /** True when the sandbox is known to sleep: the request wakes it before trying to connect. */
    boolean knownAsleep(int vmid);

    /** The sandbox's state as far as waking goes. */
    CompletableFuture<State> check(int vmid);

    /** Starts or resumes it once for all requests; completes when it runs, fails with {@link Limited} or the cause. */
    CompletableFuture<Void> wake(int vmid);
}
