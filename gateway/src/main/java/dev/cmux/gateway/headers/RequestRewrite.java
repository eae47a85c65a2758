package dev.cmux.gateway.headers;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The request as the backend sees it (Caddy's {@code prepareRequest}): origin-form target, HTTP/1.1, no hop-by-hop
 * headers but the framing and the upgrade it asks for, and our mark against loops. Forwarding headers are set
 * before, by {@link ForwardedHeaders}.
 */
public final class RequestRewrite {

    private RequestRewrite() {
    }

    /** Rewrites {@code request} in place; {@code upgradeRequested}: keep its {@code Upgrade} and say so. */
    public static void forBackend(HttpRequest request, boolean upgradeRequested) {
        String upgrade = upgradeRequested ? request.headers().get(HttpHeaderNames.UPGRADE) : null;
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        HopByHopHeaders.remove(request.headers());
        if (chunked) {
            HttpUtil.setTransferEncodingChunked(request, true);
        }
        if (upgrade != null) {
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            request.headers().set(HttpHeaderNames.UPGRADE, upgrade);
        }
        LoopGuard.mark(request.headers());
        request.setUri(RequestFraming.originForm(request.uri()));
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
}
