package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/** An answer of the error table: status, kebab-case code, one human sentence, optional details. */
public final class ApiError extends RuntimeException {

    private final HttpResponseStatus status;
    private final String code;
    private final Object details;
    private final long retryAfterSeconds;

    public ApiError(HttpResponseStatus status, String code, String message, Object details) {
        this(status, code, message, details, 0);
    }

    private ApiError(HttpResponseStatus status, String code, String message, Object details, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiError tooManyRequests(String message, long retryAfterSeconds) {
        return new ApiError(HttpResponseStatus.TOO_MANY_REQUESTS, "rate-limited", message,
                Map.of("retryAfterSeconds", retryAfterSeconds), retryAfterSeconds);
    }

    /** Seconds for {@code Retry-After}, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Object details() {
        return details;
    }

    public static ApiError badRequest(String code, String message, Object details) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, code, message, details);
    }
}
