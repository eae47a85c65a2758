package dev.cmux.control.api;

import dev.cmux.control.ui.OperatorPage;
import dev.cmux.control.ui.Sessions;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Optional;

/**
 * Decorator: the bearer token, or a session of the operator page with its CSRF token on anything but a read; else
 * 401 (403 for a session without its CSRF token). Without a configured token the API is open (loopback only), but
 * a request that brings a session cookie still keeps to the session's rules.
 */
record Authenticated(BearerToken token, Sessions sessions, ApiHandler next) implements ApiHandler {

    @Override
    public void handle(ApiExchange exchange) throws Exception {
        if (token.required() && token.accepts(exchange.header(HttpHeaderNames.AUTHORIZATION))) {
            next.handle(exchange);
            return;
        }
        Optional<Sessions.Session> session = sessions.of(exchange);
        if (session.isPresent()) {
            HttpMethod m = exchange.method();
            boolean read = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD);
            if (!read && !session.get().csrfMatches(exchange.header(OperatorPage.CSRF_HEADER))) {
                exchange.fail(OperatorPage.csrfMissing());
                return;
            }
            next.handle(exchange);
            return;
        }
        if (!token.required()) {
            next.handle(exchange);
            return;
        }
        exchange.fail(new ApiError(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                "Send 'Authorization: Bearer <GATEWAY_CONTROL_TOKEN>'.", null));
    }
}
