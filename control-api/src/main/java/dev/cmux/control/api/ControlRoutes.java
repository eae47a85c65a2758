package dev.cmux.control.api;

import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.PveConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The routing table of the control API. Health endpoints answer without a token; everything under {@code /v1}
 * needs the bearer token when one is configured. The sandbox and tunnel endpoints say 503 with the environment
 * variables to set until PVE or Cloudflare is configured.
 */
@ChannelHandler.Sharable
final class ControlRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final BearerToken token;
    private final PveConfig pve;
    private final CloudflareConfig cloudflare;

    ControlRoutes(BearerToken token, PveConfig pve, CloudflareConfig cloudflare) {
        this.token = token;
        this.pve = pve;
        this.cloudflare = cloudflare;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        FullHttpResponse response = answer(ctx, request);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            return ApiResponse.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "bad-request",
                    "The request could not be parsed.", null);
        }
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        if (path.equals("/healthz") && method.equals(HttpMethod.GET)) {
            return ApiResponse.json(ctx.alloc(), HttpResponseStatus.OK, Map.of("status", "ok"));
        }
        if (path.equals("/readyz") && method.equals(HttpMethod.GET)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ready", true);
            body.put("pve", pve.enabled() ? "configured" : "not-configured");
            body.put("cloudflare", cloudflare.enabled() ? "configured" : "not-configured");
            return ApiResponse.json(ctx.alloc(), HttpResponseStatus.OK, body);
        }
        if (!path.startsWith("/v1/")) {
            return notFound(ctx, path);
        }
        if (!token.accepts(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            FullHttpResponse r = ApiResponse.error(ctx.alloc(), HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "Send 'Authorization: Bearer <GATEWAY_CONTROL_TOKEN>'.", null);
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            return r;
        }
        if (path.startsWith("/v1/sandboxes") || path.startsWith("/v1/operations")) {
            if (!pve.enabled()) {
                return ApiResponse.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "pve-not-configured",
                        "Sandboxes need the Proxmox VE API: set PVE_API_URL and PVE_API_TOKEN "
                                + "(and PVE_TEMPLATE_VMID to create).", null);
            }
            return notFound(ctx, path);
        }
        if (path.startsWith("/v1/tunnel")) {
            if (!cloudflare.enabled()) {
                return ApiResponse.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "cloudflare-not-configured", "The tunnel needs the Cloudflare API: set CF_API_TOKEN, "
                                + "CF_ACCOUNT_ID and CF_DOMAIN.", null);
            }
            return notFound(ctx, path);
        }
        return notFound(ctx, path);
    }

    private static FullHttpResponse notFound(ChannelHandlerContext ctx, String path) {
        return ApiResponse.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "not-found",
                "There is no endpoint " + path + ".", null);
    }
}
