package dev.cmux.control.sandbox;

import java.time.Duration;

/** Polling pauses; an interrupt ends the wait with an exception instead of being swallowed. */
final class Sleep {

    private Sleep() {
    }

    static void of(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(SandboxException.Kind.UNAVAILABLE, "interrupted", "Interrupted while waiting.");
        }
    }
}
