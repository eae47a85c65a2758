package dev.cmux.gateway.exchange;

import dev.cmux.gateway.error.ErrorResponse;
import dev.cmux.gateway.error.GatewayError;
import dev.cmux.gateway.error.GatewayException;
import dev.cmux.gateway.error.StartingPage;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/** The answers the gateway gives itself: a row of the error table, or a sandbox's starting page. */
final class LocalReply {

    private LocalReply() {
    }

    /** HTML for browsers, plain text for the rest; a wait that ends says when to try again. */
    static FullHttpResponse error(ByteBufAllocator alloc, GatewayException e, String subject, HttpRequest request,
                                  boolean close, int retryAfterSeconds) {
        FullHttpResponse response = ErrorResponse.create(alloc, e.error(), subject, e.getMessage(),
                ErrorResponse.wantsHtml(request), close);
        if (e.error() == GatewayError.SANDBOX_STARTING || e.error() == GatewayError.WAKE_LIMITED) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        return response;
    }

    static FullHttpResponse startingPage(ByteBufAllocator alloc, Target.Sandbox sandbox, boolean close,
                                         int retryAfterSeconds) {
        return StartingPage.create(alloc, sandbox.vmid(), sandbox.port(), retryAfterSeconds, close);
    }
}
