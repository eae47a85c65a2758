package dev.cmux.control.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.api.ControlApiFixture;
import dev.cmux.control.api.ControlServer;
import dev.cmux.control.config.CloudflareConfig;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.sandbox.ResolverInvalidation;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator page's security over real HTTP, against a control API on loopback in front of the PVE emulator:
 * sign-in, the cookie's flags, CSRF, the Origin check, no CORS, the page's headers, and the token kept out of URLs
 * and logs.
 */
class OperatorPageTest {

    private static final String TOKEN = ControlApiFixture.TOKEN;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlApiFixture fixture;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level rootLevel;

    @BeforeEach
    void start() {
        Logger root = Logger.getLogger("");
        rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
        fixture = ControlApiFixture.start("sandbox.example.com", false, ResolverInvalidation.NONE);
    }

    @AfterEach
    void stop() {
        List<String> violations = fixture.pve().violations();
        fixture.close();
        Logger.getLogger("").removeHandler(capture);
        Logger.getLogger("").setLevel(rootLevel);
        assertEquals(List.of(), violations, "requests real PVE would reject");
    }

    private String base() {
        return fixture.baseUrl();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path));
    }

    private HttpResponse<String> signIn(String token, String... headers) throws Exception {
        HttpRequest.Builder b = request("/ui/sign-in").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    /** Signs in and returns the cookie pair ({@code name=value}) and the session's CSRF token. */
    private String[] session() throws Exception {
        HttpResponse<String> r = signIn(TOKEN);
        assertEquals(303, r.statusCode(), r.body());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        String pair = cookie.substring(0, cookie.indexOf(';'));
        HttpResponse<String> s = send(request("/ui/session").header("Cookie", pair));
        assertEquals(200, s.statusCode(), s.body());
        return new String[]{pair, JSON.readTree(s.body()).path("csrfToken").asText()};
    }

    @Test
    void withoutASessionThePageRedirectsToSignIn() throws Exception {
        HttpResponse<String> page = send(request("/ui/"));
        assertEquals(302, page.statusCode());
        assertEquals("/ui/sign-in", page.headers().firstValue("Location").orElse(null));
        HttpResponse<String> stale = send(request("/ui/").header("Cookie", SessionCookie.NAME + "=made-up"));
        assertEquals(302, stale.statusCode(), "an unknown session id is no session");
        assertEquals(401, send(request("/ui/session")).statusCode());
        HttpResponse<String> form = send(request("/ui/sign-in"));
        assertEquals(200, form.statusCode());
        assertTrue(form.body().contains("type=\"password\""), form.body());
        assertTrue(form.body().contains("method=\"post\""), "the token goes in a POST body, never a URL");
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieAndTheTokenStaysOutOfUrls() throws Exception {
        HttpResponse<String> r = signIn(TOKEN);
        assertEquals(303, r.statusCode(), r.body());
        assertEquals("/ui/", r.headers().firstValue("Location").orElseThrow());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith(SessionCookie.NAME + "="), cookie);
        assertTrue(cookie.contains("; HTTPOnly") || cookie.contains("; HttpOnly"), cookie);
        assertTrue(cookie.contains("; SameSite=Strict"), cookie);
        assertTrue(cookie.contains("; Path=/"), cookie);
        assertFalse(cookie.contains("Secure"), "plain http on loopback: the browser would drop a Secure cookie");
        assertFalse(cookie.contains(TOKEN), cookie);
        assertFalse(r.headers().map().toString().contains(TOKEN), "no header of the answer carries the token");

        HttpResponse<String> behindTls = signIn(TOKEN, "X-Forwarded-Proto", "https");
        String secure = behindTls.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(secure.contains("; Secure"), "behind https (cloudflared on loopback): " + secure);
    }

    @Test
    void aWrongTokenStartsNoSessionAndNoLogLineHoldsATokenTried() throws Exception {
        HttpResponse<String> wrong = signIn("not-the-token-at-all-" + TOKEN.substring(3));
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());
        assertTrue(wrong.body().contains("That is not the control token."), wrong.body());
        assertFalse(wrong.body().contains(TOKEN.substring(3)), "the page does not echo what was typed");
        session();
        synchronized (logged) {
            for (LogRecord record : logged) {
                String line = record.getMessage() + " " + java.util.Arrays.toString(record.getParameters());
                assertFalse(line.contains(TOKEN.substring(3)), "a log line holds the token: " + line);
            }
        }
    }

    @Test
    void theSessionReadsV1ButChangesNothingWithoutItsCsrfToken() throws Exception {
        String[] s = session();
        HttpResponse<String> list = send(request("/v1/sandboxes").header("Cookie", s[0]));
        assertEquals(200, list.statusCode(), list.body());

        HttpResponse<String> noCsrf = send(request("/v1/sandboxes").header("Cookie", s[0])
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(403, noCsrf.statusCode(), noCsrf.body());
        assertEquals("csrf-required", JSON.readTree(noCsrf.body()).path("error").path("code").asText());
        HttpResponse<String> wrongCsrf = send(request("/v1/sandboxes").header("Cookie", s[0])
                .header(OperatorPage.CSRF_HEADER, s[1].substring(1) + "A")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(403, wrongCsrf.statusCode(), wrongCsrf.body());
        assertTrue(fixture.pve().requests().stream().noneMatch(r -> r.contains("/clone")), "nothing was created");

        HttpResponse<String> created = send(request("/v1/sandboxes?wait=true").header("Cookie", s[0])
                .header(OperatorPage.CSRF_HEADER, s[1]).header("Origin", base())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(201, created.statusCode(), created.body());
        JsonNode events = JSON.readTree(send(request("/v1/events").header("Cookie", s[0])).body());
        assertEquals("create", events.path("events").get(0).path("kind").asText(), events.toString());
        assertTrue(events.path("events").get(0).path("ok").asBoolean(), events.toString());
    }

    @Test
    void anotherOriginCannotDriveItAndNothingAnswersWithCors() throws Exception {
        String[] s = session();
        HttpResponse<String> foreign = send(request("/v1/sandboxes").header("Cookie", s[0])
                .header(OperatorPage.CSRF_HEADER, s[1]).header("Origin", "http://attacker.example")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(403, foreign.statusCode(), foreign.body());
        assertEquals("cross-origin", JSON.readTree(foreign.body()).path("error").path("code").asText());
        HttpResponse<String> crossSite = send(request("/v1/sandboxes").header("Cookie", s[0])
                .header(OperatorPage.CSRF_HEADER, s[1]).header("Sec-Fetch-Site", "cross-site")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(403, crossSite.statusCode(), crossSite.body());
        HttpResponse<String> sandboxPage = send(request("/v1/sandboxes").header("Cookie", s[0])
                .header(OperatorPage.CSRF_HEADER, s[1]).header("Sec-Fetch-Site", "same-site")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(403, sandboxPage.statusCode(), "a sandbox's page on the same domain is another site's code");
        HttpResponse<String> nullOrigin = signIn(TOKEN, "Origin", "null", "Sec-Fetch-Site", "cross-site");
        assertEquals(403, nullOrigin.statusCode(), "a sandboxed frame's sign-in is refused too");
        HttpResponse<String> ownPage = signIn(TOKEN, "Origin", "null", "Sec-Fetch-Site", "same-origin");
        assertEquals(303, ownPage.statusCode(), "the page's own form (no-referrer makes its Origin null)");
        assertTrue(fixture.pve().requests().stream().noneMatch(r -> r.contains("/clone")), "nothing was created");

        HttpResponse<String> preflight = send(request("/v1/sandboxes").header("Origin", "http://attacker.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> read = send(request("/v1/sandboxes").header("Cookie", s[0])
                .header("Origin", "http://attacker.example"));
        for (HttpResponse<String> r : List.of(preflight, read, foreign)) {
            assertTrue(r.headers().map().keySet().stream().noneMatch(h -> h.toLowerCase().startsWith("access-control")),
                    "no CORS header: " + r.headers().map());
        }
        assertTrue(preflight.statusCode() >= 400, "a preflight is not granted: " + preflight.statusCode());
    }

    @Test
    void thePageAndItsFilesCarryTheSecurityHeaders() throws Exception {
        String[] s = session();
        for (String path : List.of("/ui/", "/ui/sign-in", "/ui/app.js", "/ui/app.css")) {
            HttpResponse<String> r = send(request(path).header("Cookie", s[0]));
            assertEquals(200, r.statusCode(), path);
            String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertTrue(csp.contains("default-src 'self'"), csp);
            assertTrue(csp.contains("frame-ancestors 'none'"), csp);
            assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), path);
            assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null), path);
        }
        String index = send(request("/ui/").header("Cookie", s[0])).body();
        assertFalse(index.matches("(?s).*<script>.*"), "no inline script: the CSP would block it");
        assertFalse(index.contains("http://") || index.contains("https://"), "nothing from another origin");
        assertEquals(404, send(request("/ui/../pom.xml")).statusCode());
        assertEquals(404, send(request("/ui/missing.js")).statusCode());
    }

    @Test
    void theAccessIdentityIsShownAsWhatCloudflareSaid() throws Exception {
        String[] s = session();
        JsonNode without = JSON.readTree(send(request("/ui/session").header("Cookie", s[0])).body());
        assertTrue(without.path("accessIdentity").isNull(), without.toString());
        JsonNode with = JSON.readTree(send(request("/ui/session").header("Cookie", s[0])
                .header("Cf-Access-Authenticated-User-Email", "alice@example.com")).body());
        assertEquals("alice@example.com", with.path("accessIdentity").asText(), "cloudflared on loopback said so");
        assertTrue(with.path("tokenRequired").asBoolean());
    }

    @Test
    void signOutNeedsTheCsrfTokenAndEndsTheSession() throws Exception {
        String[] s = session();
        assertEquals(403, send(request("/ui/sign-out").header("Cookie", s[0])
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode(), "a forged sign-out is refused");
        HttpResponse<String> out = send(request("/ui/sign-out").header("Cookie", s[0])
                .header(OperatorPage.CSRF_HEADER, s[1]).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, out.statusCode(), out.body());
        assertTrue(out.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        assertEquals(401, send(request("/v1/sandboxes").header("Cookie", s[0])).statusCode());
        assertEquals(302, send(request("/ui/").header("Cookie", s[0])).statusCode());
    }

    @Test
    void withoutATokenALoopbackVisitorStartsASessionAndItsCsrfRuleStillHolds() throws Exception {
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ControlServer open = ControlServer.start(new ControlConfig(new InetSocketAddress("127.0.0.1", 0), null),
                CloudflareConfig.defaults(), loops, NioServerSocketChannel.class, fixture.services());
        try {
            String openBase = "http://127.0.0.1:" + open.address().getPort();
            HttpResponse<String> form = send(HttpRequest.newBuilder(URI.create(openBase + "/ui/sign-in")));
            assertTrue(form.body().contains("No control token is configured"), form.body());
            assertFalse(form.body().contains("type=\"password\""), form.body());
            HttpResponse<String> in = send(HttpRequest.newBuilder(URI.create(openBase + "/ui/sign-in"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(303, in.statusCode(), in.body());
            String cookie = in.headers().firstValue("Set-Cookie").orElseThrow();
            String pair = cookie.substring(0, cookie.indexOf(';'));
            HttpResponse<String> noCsrf = send(HttpRequest.newBuilder(URI.create(openBase + "/v1/sandboxes"))
                    .header("Cookie", pair).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals(403, noCsrf.statusCode(), "a session keeps to its CSRF rule on an open API: "
                    + noCsrf.body());
            JsonNode session = JSON.readTree(send(HttpRequest.newBuilder(URI.create(openBase + "/ui/session"))
                    .header("Cookie", pair)).body());
            assertFalse(session.path("tokenRequired").asBoolean(true));
            assertNotNull(session.path("csrfToken").textValue());
        } finally {
            open.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    @Test
    void trafficIsNotServedWithoutADataPlaneButEventsAre() throws Exception {
        HttpResponse<String> traffic = send(request("/v1/traffic").header("Authorization", "Bearer " + TOKEN));
        assertEquals(404, traffic.statusCode(), "the control API alone has no data plane to count");
        HttpResponse<String> events = send(request("/v1/events").header("Authorization", "Bearer " + TOKEN));
        assertEquals(200, events.statusCode(), events.body());
        assertEquals(401, send(request("/v1/events")).statusCode());
    }
}
