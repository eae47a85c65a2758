package dev.cmux.control.ui;

import dev.cmux.control.api.ApiExchange;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;

import java.net.InetSocketAddress;

/**
 * Where a request to the control API came from, as far as the page's security goes. The control API serves plain
 * HTTP; a request came over https when a proxy on loopback (cloudflared, whose {@code gateway.{domain}} route ends
 * here) says {@code X-Forwarded-Proto: https}: loopback is the control API's only trusted peer, as for
 * {@code /metrics}.
 */
public final class RequestOrigin {

    static final String ACCESS_IDENTITY = "Cf-Access-Authenticated-User-Email";

    private RequestOrigin() {
    }

    public static boolean fromLoopback(ApiExchange exchange) {
        InetSocketAddress peer = exchange.peer();
        return peer != null && peer.getAddress() != null && peer.getAddress().isLoopbackAddress();
    }

    static boolean https(ApiExchange exchange) {
        return fromLoopback(exchange) && "https".equalsIgnoreCase(exchange.header("X-Forwarded-Proto"));
    }

    /** The page's own origin, {@code scheme://host[:port]} as the browser addressed it; null without Host. */
    static String own(ApiExchange exchange) {
        String host = exchange.header(HttpHeaderNames.HOST);
        return host == null ? null : (https(exchange) ? "https://" : "http://") + host;
    }

    /**
     * True when a browser on another site sent this state-changing request: its {@code Origin} is not the page's
     * own (or is {@code null}), or {@code Sec-Fetch-Site} says {@code cross-site}. Requests without either header
     * (the CLI, curl) are not a browser's and pass; reads are never refused here (without CORS another site cannot
     * read the answers).
     */
    public static boolean crossSite(ApiExchange exchange) {
        HttpMethod m = exchange.method();
        if (m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD)) {
            return false;
        }
        if ("cross-site".equalsIgnoreCase(exchange.header("Sec-Fetch-Site"))) {
            return true;
        }
        String origin = exchange.header(HttpHeaderNames.ORIGIN);
        return origin != null && !origin.equalsIgnoreCase(own(exchange));
    }

    /** What Cloudflare Access said of the visitor (cloudflared on loopback forwards it); null when nothing. */
    static String accessIdentity(ApiExchange exchange) {
        return fromLoopback(exchange) ? exchange.header(ACCESS_IDENTITY) : null;
    }
}
