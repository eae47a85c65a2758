package dev.cmux.control.ui;

import dev.cmux.control.api.ApiError;
import dev.cmux.control.api.ApiExchange;
import dev.cmux.control.api.ApiHandler;
import dev.cmux.control.api.BearerToken;
import dev.cmux.control.api.TokenBucket;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's page under {@code /ui/}: sign-in with the control token (a form POST, exchanged for a session
 * cookie), the page itself, its session's CSRF token for the page's script, sign-out, and the static files. The
 * page reads and drives {@code /v1} with its session ({@code Authenticated} accepts one).
 */
public final class OperatorPage {

    /** The header the page's script sends its session's CSRF token in, on every state-changing request. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    /** No inline script or style, nothing from another origin, never framed. */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; base-uri 'none'; "
                    + "form-action 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY",
            "Cache-Control", "no-store");

    private final BearerToken token;
    private final Sessions sessions;
    /** Guessing the token through the form is slowed to one try every 2 s after a burst of 10. */
    private final TokenBucket signInAttempts = new TokenBucket(10, Duration.ofSeconds(2));

    public OperatorPage(BearerToken token, Sessions sessions) {
        this.token = token;
        this.sessions = sessions;
    }

    public Sessions sessions() {
        return sessions;
    }

    /** {@code GET /ui/**}. */
    public ApiHandler reads() {
        return exchange -> {
            String path = exchange.path();
            switch (path) {
                case "/ui" -> redirect(exchange, "/ui/", null);
                case "/ui/" -> {
                    if (sessions.of(exchange).isPresent()) {
                        html(exchange, HttpResponseStatus.OK, PageAssets.INDEX);
                    } else {
                        redirect(exchange, "/ui/sign-in", null);
                    }
                }
                case "/ui/sign-in" -> signInPage(exchange, HttpResponseStatus.OK, null);
                case "/ui/session" -> session(exchange);
                default -> {
                    PageAssets.Asset asset = PageAssets.STATIC.get(path.substring("/ui/".length()));
                    if (asset == null) {
                        throw new ApiError(HttpResponseStatus.NOT_FOUND, "not-found", "There is no page " + path
                                + ".", null);
                    }
                    exchange.respondText(HttpResponseStatus.OK, asset.contentType(), asset.bytes(), SECURITY_HEADERS);
                }
            }
        };
    }

    /** {@code POST /ui/**}: sign-in and sign-out. */
    public ApiHandler writes() {
        return exchange -> {
            switch (exchange.path()) {
                case "/ui/sign-in" -> signIn(exchange);
                case "/ui/sign-out" -> signOut(exchange);
                default -> throw new ApiError(HttpResponseStatus.NOT_FOUND, "not-found", "There is no endpoint "
                        + exchange.path() + ".", null);
            }
        };
    }

    private void signIn(ApiExchange exchange) {
        long wait = signInAttempts.tryTake();
        if (wait > 0) {
            signInPage(exchange, HttpResponseStatus.TOO_MANY_REQUESTS, "Too many sign-in attempts; try again in "
                    + wait + " s.");
            return;
        }
        if (token.required()) {
            String contentType = exchange.header(HttpHeaderNames.CONTENT_TYPE);
            String presented = contentType != null && contentType.toLowerCase().startsWith(
                    "application/x-www-form-urlencoded") ? formField(exchange.body(), "token") : null;
            if (!token.matches(presented)) {
                signInPage(exchange, HttpResponseStatus.UNAUTHORIZED, "That is not the control token.");
                return;
            }
        } else if (!RequestOrigin.fromLoopback(exchange)) {
            signInPage(exchange, HttpResponseStatus.FORBIDDEN, "Without a control token only a visitor on this "
                    + "host may sign in.");
            return;
        }
        Sessions.Session s = sessions.open();
        redirect(exchange, "/ui/", SessionCookie.set(exchange, s.id()));
    }

    private void signOut(ApiExchange exchange) {
        Optional<Sessions.Session> s = sessions.of(exchange);
        if (s.isEmpty()) {
            throw new ApiError(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "There is no session to end.", null);
        }
        if (!s.get().csrfMatches(exchange.header(CSRF_HEADER))) {
            throw csrfMissing();
        }
        sessions.close(s.get().id());
        Map<String, String> headers = new LinkedHashMap<>(SECURITY_HEADERS);
        headers.put(HttpHeaderNames.SET_COOKIE.toString(), SessionCookie.clear(exchange));
        exchange.respond(HttpResponseStatus.OK, Map.of("signedOut", true), headers);
    }

    /** What the page's script needs: its CSRF token, and what Cloudflare Access said of the visitor. */
    private void session(ApiExchange exchange) {
        Sessions.Session s = sessions.of(exchange).orElseThrow(() -> new ApiError(HttpResponseStatus.UNAUTHORIZED,
                "unauthorized", "Sign in at /ui/sign-in.", null));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("csrfToken", s.csrf());
        json.put("csrfHeader", CSRF_HEADER);
        json.put("tokenRequired", token.required());
        json.put("accessIdentity", RequestOrigin.accessIdentity(exchange));
        exchange.respond(HttpResponseStatus.OK, json, SECURITY_HEADERS);
    }

    /** 403 {@code csrf-required}: a session's state-changing request without its token. */
    public static ApiError csrfMissing() {
        return new ApiError(HttpResponseStatus.FORBIDDEN, "csrf-required", "Send the session's CSRF token in "
                + CSRF_HEADER + ".", null);
    }

    private void signInPage(ApiExchange exchange, HttpResponseStatus status, String problem) {
        String form = token.required()
                ? "<label for=\"token\">Control token</label>\n"
                + "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required>\n"
                + "<button type=\"submit\">Sign in</button>"
                : "<p class=\"note\">No control token is configured: the control API is open on this host, and a "
                + "visitor on this host signs in without one.</p>\n<button type=\"submit\">Start a session</button>";
        String notice = problem == null ? "" : "<p class=\"problem\" role=\"alert\">" + problem + "</p>";
        html(exchange, status, PageAssets.SIGN_IN.replace("{{form}}", form).replace("{{notice}}", notice));
    }

    private static void html(ApiExchange exchange, HttpResponseStatus status, String html) {
        exchange.respondText(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8),
                SECURITY_HEADERS);
    }

    private static void redirect(ApiExchange exchange, String location, String setCookie) {
        Map<String, String> headers = new LinkedHashMap<>(SECURITY_HEADERS);
        headers.put(HttpHeaderNames.LOCATION.toString(), location);
        if (setCookie != null) {
            headers.put(HttpHeaderNames.SET_COOKIE.toString(), setCookie);
        }
        // 303: after the form POST the browser GETs the page; the token stays in the POST body it came in
        exchange.respondText(exchange.method().equals(HttpMethod.POST) ? HttpResponseStatus.SEE_OTHER
                : HttpResponseStatus.FOUND, "text/plain; charset=utf-8", new byte[0], headers);
    }

    private static String formField(byte[] body, String name) {
        List<String> values = new QueryStringDecoder(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8,
                false).parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
