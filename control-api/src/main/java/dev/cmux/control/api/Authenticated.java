package dev.cmux.control.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Decorator: the bearer token or 401. */
record Authenticated(BearerToken token, ApiHandler next) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) throws Exception {
        if (!token.accepts(exchange.header(HttpHeaderNames.AUTHORIZATION))) {
            exchange.fail(new ApiError(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "Send 'Authorization: Bearer <GATEWAY_CONTROL_TOKEN>'.", null));
            return;
        }
        next.handle(exchange);
    }
}
