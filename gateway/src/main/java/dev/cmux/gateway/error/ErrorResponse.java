package dev.cmux.gateway.error;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * The answer the gateway makes up itself: status and {@code X-Gateway-Error} from the error table, a small
 * HTML page for browsers ({@code Accept: text/html}) and one plain sentence for everything else.
 */
public final class ErrorResponse {

    private ErrorResponse() {
    }

    /**
     * @param subject  what was asked for, e.g. {@code sandbox vm-200, port 8080}; {@code null} when unknown
     * @param sentence why it failed, one human sentence
     */
    public static FullHttpResponse create(ByteBufAllocator alloc, GatewayError error, String subject, String sentence,
                                          boolean html, boolean close) {
        String body = html ? htmlPage(error, subject, sentence) : plainText(error, subject, sentence);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, error.status(),
                alloc.buffer(bytes.length).writeBytes(bytes));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("x-content-type-options", "nosniff")
                .set(GatewayError.HEADER, error.code());
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /** True when the client is a browser that wants a page rather than a sentence. */
    public static boolean wantsHtml(HttpRequest request) {
        String accept = request == null ? null : request.headers().get(HttpHeaderNames.ACCEPT);
        return accept != null && accept.contains("text/html");
    }

    private static String plainText(GatewayError error, String subject, String sentence) {
        String prefix = subject == null ? "" : subject + ": ";
        return error.status().code() + " " + error.status().reasonPhrase() + " (" + error.code() + ") - "
                + prefix + sentence + "\n";
    }

    private static String htmlPage(GatewayError error, String subject, String sentence) {
        String title = error.status().code() + " " + error.status().reasonPhrase();
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title>"
                + "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;"
                + "color:#222}code{background:#f2f2f2;padding:0 .3em}small{color:#777}</style></head><body>"
                + "<h1>" + title + "</h1>"
                + (subject == null ? "" : "<p><strong>" + escape(subject) + "</strong></p>")
                + "<p>" + escape(sentence) + "</p>"
                + "<p><small>cmux-gateway &middot; <code>" + error.code() + "</code></small></p>"
                + "</body></html>\n";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
