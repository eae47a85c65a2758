package dev.cmux.gateway.headers;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;

/**
 * Marks forwarded requests with {@code Via: 1.1 cmux-gateway} and refuses one that has passed through already
 * {@link #MAX_PASSES} times. Not one pass: a dev server in one sandbox may legitimately proxy to another sandbox's
 * public URL and pass our Via on; a real loop grows without end and is caught a few passes in.
 */
public final class LoopGuard {

    public static final int MAX_PASSES = 3;
    private static final String TOKEN = "cmux-gateway";
    private static final String VIA = "1.1 " + TOKEN;

    private LoopGuard() {
    }

    public static boolean isLooping(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.VIA)) {
            return false; // the usual case, without a list
        }
        int passes = 0;
        for (String via : headers.getAll(HttpHeaderNames.VIA)) {
            for (int i = via.indexOf(TOKEN); i >= 0; i = via.indexOf(TOKEN, i + TOKEN.length())) {
                passes++;
            }
        }
        return passes >= MAX_PASSES;
    }

    public static void mark(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.VIA)) {
            headers.set(HttpHeaderNames.VIA, VIA);
            return;
        }
        List<String> vias = headers.getAll(HttpHeaderNames.VIA);
        headers.set(HttpHeaderNames.VIA, vias.isEmpty() ? VIA : String.join(", ", vias) + ", " + VIA);
    }
}
