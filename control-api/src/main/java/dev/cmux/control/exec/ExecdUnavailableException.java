package dev.cmux.control.exec;

/** execd could not take the command (not listening, refused it before starting): the command did not run. */
public final class ExecdUnavailableException extends Exception {

    public ExecdUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
