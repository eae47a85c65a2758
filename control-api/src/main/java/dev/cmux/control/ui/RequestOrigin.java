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
     * True when a browser sent this state-changing request from a page that is not the operator page's origin:
     * {@code Sec-Fetch-Site} is other than {@code same-origin} (or {@code none}: typed by the user), or
     * {@code Origin} names another origin. {@code same-site} is refused too: a sandbox's page under the same domain
     * is another site's code. {@code Origin: null} alone passes, because the page's own {@code Referrer-Policy:
     * no-referrer} makes browsers send that on its own POSTs; a browser that sends it from elsewhere also says
     * {@code Sec-Fetch-Site}. Requests without either header (the CLI, curl) are not a browser's and pass; reads
     * are never refused here (without CORS another origin cannot read the answers).
     */
    public static boolean crossSite(ApiExchange exchange) {
        HttpMethod m = exchange.method();
        if (m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD)) {
            return false;
        }
        String site = exchange.header("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return true;
        }
        String origin = exchange.header(HttpHeaderNames.ORIGIN);
        return origin != null && !origin.equals("null") && !origin.equalsIgnoreCase(own(exchange));
    }

    /** What Cloudflare Access said of the visitor (cloudflared on loopback forwards it); null when nothing. */
    static String accessIdentity(ApiExchange exchange) {
        return fromLoopback(exchange) ? exchange.header(ACCESS_IDENTITY) : null;
    }
}
