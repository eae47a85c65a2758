package dev.cmux.control.remote;

/** A service the control API calls (PVE, Cloudflare) said no, or could not be reached: then the status is 0. */
public abstract class RemoteCallException extends RuntimeException {

    private final int status;

    protected RemoteCallException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** No answer arrived: connection refused, TLS failure, timeout. */
    protected RemoteCallException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status of the answer, or 0 when none arrived. */
    public int status() {
        return status;
    }

    public boolean unreachable() {
        return status == 0;
    }
}
