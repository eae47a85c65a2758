package dev.cmux.gateway.error;

/** A failure on the way to a backend that maps to one row of the error table. */
public class GatewayException extends RuntimeException {

    private final GatewayError error;

    public GatewayException(GatewayError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public GatewayException(GatewayError error, String message, Throwable cause) {
        super(message, cause, false, false);
        this.error = error;
    }

    public GatewayError error() {
        return error;
    }
}
