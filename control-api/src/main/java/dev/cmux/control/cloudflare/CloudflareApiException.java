package dev.cmux.control.cloudflare;

import dev.cmux.control.remote.RemoteCallException;

import java.util.List;

/**
 * Cloudflare said no, or could not be reached. The message is one sentence an operator can act on;
 * it never contains the API token.
 */
public class CloudflareApiException extends RemoteCallException {

    private final List<ApiError> errors;

    public CloudflareApiException(String message, int httpStatus, List<ApiError> errors) {
        super(message, httpStatus);
        this.errors = List.copyOf(errors);
    }

    public CloudflareApiException(String message, Throwable cause) {
        super(message, cause);
        this.errors = List.of();
    }

    /** HTTP status of the failed call; 0 when no response arrived. */
    public int httpStatus() {
        return status();
    }

    /** The envelope's {@code errors}, possibly empty. */
    public List<ApiError> errors() {
        return errors;
    }

    public boolean hasErrorCode(int code) {
        return errors.stream().anyMatch(e -> e.hasCode(code));
    }
}
