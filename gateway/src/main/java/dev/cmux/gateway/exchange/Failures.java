package dev.cmux.gateway.exchange;

import dev.cmux.gateway.access.AccessDenied;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import io.netty.channel.ConnectTimeoutException;

import javax.net.ssl.SSLException;
import java.time.Duration;

/** What went wrong on the way to a backend, as rows of the error table (DESIGN.md "Errors"): the one place. */
final class Failures {

    private Failures() {
    }

    /** A future failed with {@code cause}: ours as it is, Access's refusal as such, anything else as {@code other}. */
    static GatewayException of(Throwable cause, GatewayError other) {
        if (cause instanceof GatewayException ge) {
            return ge;
        }
        if (cause instanceof AccessDenied denied) {
            return new GatewayException(GatewayError.ACCESS_DENIED, denied.getMessage());
        }
        return new GatewayException(other, String.valueOf(cause.getMessage()), cause);
    }

    static GatewayException connectFailed(String backend, Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return new GatewayException(GatewayError.CONNECT_TIMEOUT, backend + " did not accept the connection in time.",
                    cause);
        }
        return new GatewayException(GatewayError.CONNECT_FAILED,
                backend + " refused the connection: is anything listening on that port?", cause);
    }

    /** The backend connection ended before a response head: a rejected certificate, or a plain close or reset. */
    static GatewayException closedBeforeResponse(String backend, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return new GatewayException(GatewayError.CONNECT_FAILED, "The TLS certificate of " + backend
                        + " was not accepted (check tlsCaFile or tlsFingerprint of its route).", cause);
            }
        }
        return new GatewayException(GatewayError.BACKEND_RESET, backend + " closed the connection before it answered.",
                cause);
    }

    static GatewayException responseTimeout(String backend, Duration timeout) {
        return new GatewayException(GatewayError.RESPONSE_TIMEOUT,
                backend + " did not answer within " + timeout.toSeconds() + " s.");
    }

    static GatewayException wakeFailed(int vmid, Throwable cause) {
        if (cause instanceof SandboxWake.Limited limited) {
            return new GatewayException(GatewayError.WAKE_LIMITED, limited.getMessage());
        }
        return new GatewayException(GatewayError.WAKE_FAILED, "Sandbox vm-" + vmid + " could not be started: "
                + cause.getMessage(), cause);
    }

    static GatewayException portNotOpened(int vmid, int port, Duration timeout, GatewayException last) {
        return new GatewayException(GatewayError.SANDBOX_STARTING, "Sandbox vm-" + vmid + " was started but port "
                + port + " did not open within " + timeout.toSeconds() + " s.", last);
    }

    static GatewayException looping() {
        return new GatewayException(GatewayError.LOOP_DETECTED, "This request has passed through the gateway "
                + dev.cmux.gateway.headers.LoopGuard.MAX_PASSES + " times already: a sandbox is forwarding to itself.");
    }

    static GatewayException tooManyRequests(String client, int limit) {
        return new GatewayException(GatewayError.TOO_MANY_CONNECTIONS, "Client " + client + " has " + limit
                + " requests open already; try again when some have finished.");
    }
}
