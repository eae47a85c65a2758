package dev.cmux.control.exec;

/**
 * execd refused the sandbox's token (401). Final, like a failed command: falling back to {@code pct} would hide a
 * token that does not match, and run the command past the check execd is there for.
 */
public final class ExecdRefusedException extends RuntimeException {

    public ExecdRefusedException(String message) {
        super(message);
    }
}
