package dev.cmux.control.ui;

import dev.cmux.control.api.ApiExchange;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;

/**
 * The session cookie: {@code HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site's page sends
 * it), {@code Path=/} (the page and {@code /v1}), {@code Secure} when the request came over https.
 */
final class SessionCookie {

    static final String NAME = "cmux_session";

    private SessionCookie() {
    }

    /** The session id the request carries, or null. */
    static String read(ApiExchange exchange) {
        String header = exchange.header(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) {
            if (c.name().equals(NAME)) {
                return c.value();
            }
        }
        return null;
    }

    /** {@code Set-Cookie} for {@code id}; it lasts as long as the browser runs, the server ends it when idle. */
    static String set(ApiExchange exchange, String id) {
        return ServerCookieEncoder.STRICT.encode(cookie(exchange, id));
    }

    /** {@code Set-Cookie} that makes the browser forget it. */
    static String clear(ApiExchange exchange) {
        DefaultCookie c = cookie(exchange, "");
        c.setMaxAge(0);
        return ServerCookieEncoder.STRICT.encode(c);
    }

    private static DefaultCookie cookie(ApiExchange exchange, String value) {
        DefaultCookie c = new DefaultCookie(NAME, value);
        c.setHttpOnly(true);
        c.setSameSite(CookieHeaderNames.SameSite.Strict);
        c.setPath("/");
        c.setSecure(RequestOrigin.https(exchange));
        return c;
    }
}
