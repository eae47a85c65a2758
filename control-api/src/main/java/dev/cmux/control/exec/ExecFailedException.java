package dev.cmux.control.exec;

/**
 * The command may have run but its outcome is unknown: the stream ended without an {@code exit} event, or the call
 * timed out. Never retried: running a non-idempotent command twice is worse than reporting the failure.
 */
public final class ExecFailedException extends RuntimeException {

    public ExecFailedException(String message) {
        super(message);
    }

    public ExecFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
