package dev.cmux.gateway.error;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * What a browser sees at once while its sandbox wakes: a small page that reloads itself every {@code retryAfter}
 * seconds until the sandbox answers instead. It is a 503 with {@code Retry-After}, so that nothing caches or indexes
 * it, and it needs no script.
 */
public final class StartingPage {

    private StartingPage() {
    }

    public static FullHttpResponse create(ByteBufAllocator alloc, int vmid, int port, int retryAfterSeconds,
                                          boolean close) {
        String title = "Starting sandbox vm-" + vmid + "…";
        String body = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"refresh\" content=\"" + retryAfterSeconds + "\">"
                + "<title>" + title + "</title>"
                + "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;"
                + "color:#222}small{color:#777}</style></head><body>"
                + "<h1>" + title + "</h1>"
                + "<p>It was asleep to save resources. This page reloads by itself and shows port " + port
                + " as soon as the sandbox is up, usually within seconds.</p>"
                + "<p><small>cmux-gateway &middot; <code>" + GatewayError.SANDBOX_STARTING.code()
                + "</code></small></p></body></html>\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                GatewayError.SANDBOX_STARTING.status(), alloc.buffer(bytes.length).writeBytes(bytes));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .setInt(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds)
                .set("x-content-type-options", "nosniff")
                .set(GatewayError.HEADER, GatewayError.SANDBOX_STARTING.code());
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
