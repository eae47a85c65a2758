package dev.cmux.control.api;

import dev.cmux.control.sandbox.Operation;
import dev.cmux.control.sandbox.Operations;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a long operation answers: with {@code ?wait=false} at once, 202 and the operation (poll its {@code href});
 * with {@code ?wait=true} when it ends, with {@code doneStatus} and the operation, or the error-table answer. Then
 * the rest of the operation runs on the handler's thread ({@link OffLoop}).
 */
final class OperationReply {

    /** What an operation made, answered beside it rather than inside it. */
    private static final List<String> RESULTS = List.of("sandbox", "template");

    private OperationReply() {
    }

    static void send(ApiExchange exchange, Operations.Submitted submitted, boolean waitByDefault,
                     HttpResponseStatus doneStatus, ControlMetrics metrics) {
        submitted.done().thenAccept(op -> metrics.operation(op.kind(), op.state()));
        String wait = exchange.queryParam("wait");
        boolean waiting = wait == null ? waitByDefault : wait.equals("true") || wait.equals("1");
        if (!waiting) {
            Operation op = submitted.accepted();
            exchange.respond(HttpResponseStatus.ACCEPTED, Map.of("operation", JsonViews.operation(op)),
                    Map.of(HttpHeaderNames.LOCATION.toString(), "/v1/operations/" + op.id()));
        } else {
            submitted.done().whenComplete((op, error) -> reply(exchange, op, error, doneStatus));
        }
        submitted.proceed();
    }

    private static void reply(ApiExchange exchange, Operation op, Throwable error, HttpResponseStatus doneStatus) {
        if (error != null) {
            exchange.fail(error);
        } else if (op.failure() != null) {
            exchange.fail(op.failure());
        } else {
            Map<String, Object> operation = JsonViews.operation(op);
            Map<String, Object> body = new LinkedHashMap<>();
            for (String result : RESULTS) {
                Object value = operation.remove(result);
                if (value != null) {
                    body.put(result, value);
                }
            }
            body.put("operation", operation);
            exchange.respond(doneStatus, body);
        }
    }
}
