package dev.cmux.gateway.error;

import dev.cmux.control.traffic.TrafficRings;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Clock;
import java.util.Arrays;

/**
 * The one error table (DESIGN.md "Errors"): every answer the gateway makes up itself has one of these,
 * sent as the status and the {@code X-Gateway-Error} header.
 */
public enum GatewayError {
    NO_ROUTE(HttpResponseStatus.NOT_FOUND, "no-route"),
    BAD_HOST(HttpResponseStatus.BAD_REQUEST, "bad-host"),
    PORT_DENIED(HttpResponseStatus.FORBIDDEN, "port-denied"),
    ADDRESS_DENIED(HttpResponseStatus.FORBIDDEN, "address-denied"),
    UNRESOLVED(HttpResponseStatus.BAD_GATEWAY, "unresolved"),
    CONNECT_FAILED(HttpResponseStatus.BAD_GATEWAY, "connect-failed"),
    BACKEND_RESET(HttpResponseStatus.BAD_GATEWAY, "backend-reset"),
    CONNECT_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "connect-timeout"),
    RESPONSE_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "response-timeout"),
    BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "bad-request"),
    NOT_IMPLEMENTED(HttpResponseStatus.NOT_IMPLEMENTED, "bad-request"),
    METHOD_NOT_ALLOWED(HttpResponseStatus.METHOD_NOT_ALLOWED, "bad-request"),
    URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "bad-request"),
    HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "bad-request"),
    REQUEST_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "request-timeout"),
    TOO_MANY_CONNECTIONS(HttpResponseStatus.TOO_MANY_REQUESTS, "too-many-connections"),
    OVERLOADED(HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded"),
    LOOP_DETECTED(HttpResponseStatus.valueOf(508, "Loop Detected"), "loop-detected"),
    ACCESS_DENIED(HttpResponseStatus.FORBIDDEN, "access-denied"),
    SANDBOX_STARTING(HttpResponseStatus.SERVICE_UNAVAILABLE, "sandbox-starting"),
    WAKE_FAILED(HttpResponseStatus.BAD_GATEWAY, "wake-failed"),
    WAKE_LIMITED(HttpResponseStatus.SERVICE_UNAVAILABLE, "wake-limited");

    public static final String HEADER = "X-Gateway-Error";

    private final HttpResponseStatus status;
    private final String code;

    GatewayError(HttpResponseStatus status, String code) {
        this.status = status;
        this.code = code;
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** The machine-readable code sent in {@link #HEADER}. */
    public String code() {
        return code;
    }

    /** Traffic counts per sandbox, whose errors are counted by these codes (the operator's page shows them). */
    public static TrafficRings trafficRings(Clock clock) {
        return new TrafficRings(clock, Arrays.stream(values()).map(GatewayError::code).toList());
    }
}
