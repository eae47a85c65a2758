package dev.cmux.control.api;

import dev.cmux.control.exec.ExecFailedException;
import dev.cmux.control.exec.ExecdRefusedException;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveTaskFailedException;
import dev.cmux.control.sandbox.NodeUnreachableException;
import dev.cmux.control.sandbox.SandboxException;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where failures become rows of the error table: 404 unknown sandbox, 409 conflicting state,
 * 502 PVE said no (its message included), 503 PVE unreachable or not configured.
 */
public final class ApiErrors {

    private static final Logger LOG = Logger.getLogger(ApiErrors.class.getName());

    private ApiErrors() {
    }

    public static ApiError from(Throwable t) {
        Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (e instanceof ApiError api) {
            return api;
        }
        if (e instanceof SandboxException s) {
            HttpResponseStatus status = switch (s.kind()) {
                case BAD_REQUEST -> HttpResponseStatus.BAD_REQUEST;
                case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
                case CONFLICT -> HttpResponseStatus.CONFLICT;
                case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            };
            return new ApiError(status, s.code(), s.getMessage(), s.details() != null ? s.details() : suppressed(s));
        }
        if (e instanceof PveException p) {
            return fromPve(p);
        }
        if (e instanceof NodeUnreachableException n) {
            return new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "node-offline", n.getMessage(),
                    Map.of("node", n.node()));
        }
        if (e instanceof ExecdRefusedException x) {
            return new ApiError(HttpResponseStatus.BAD_GATEWAY, "execd-unauthorized", x.getMessage(), null);
        }
        if (e instanceof ExecFailedException x) {
            return new ApiError(HttpResponseStatus.BAD_GATEWAY, "exec-failed", x.getMessage(), null);
        }
        if (e instanceof CancellationException) {
            return new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "interrupted",
                    "The gateway is stopping; the operation was interrupted while it waited for PVE.", null);
        }
        if (e instanceof RejectedExecutionException) {
            return new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy",
                    "The control API is running as many PVE operations as it may; try again shortly.", null);
        }
        LOG.log(Level.WARNING, "control API request failed", e);
        return new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal",
                "The gateway failed unexpectedly; its log has the details.", null);
    }

    private static ApiError fromPve(PveException p) {
        if (p.unreachable()) {
            return new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "pve-unreachable", p.getMessage(), null);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pveStatus", p.status());
        if (!p.fieldErrors().isEmpty()) {
            details.put("fieldErrors", p.fieldErrors());
        }
        if (p instanceof PveTaskFailedException task) {
            details.put("upid", task.upid());
            details.put("taskLog", task.logTail());
        }
        Object rollback = suppressed(p);
        if (rollback != null) {
            details.put("rollback", rollback);
        }
        if (p.noSuchContainer()) {
            return new ApiError(HttpResponseStatus.NOT_FOUND, "unknown-sandbox", "PVE: " + p.getMessage(), details);
        }
        if (p.locked()) {
            return new ApiError(HttpResponseStatus.CONFLICT, "locked", "PVE: " + p.getMessage(), details);
        }
        return new ApiError(HttpResponseStatus.BAD_GATEWAY, "pve-error", "PVE: " + p.getMessage(), details);
    }

    /** A failed rollback rides along as a suppressed exception; the caller must hear about it. */
    private static Object suppressed(Throwable t) {
        return t.getSuppressed().length == 0 ? null : t.getSuppressed()[0].getMessage();
    }
}
