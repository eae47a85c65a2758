package dev.cmux.gateway.peers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.gateway.testing.GatewayJar;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.PeerProcess;
import dev.cmux.gateway.testing.RoutablePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cmux's dashboard frames sandboxes (VS Code, noVNC) and calls them with CORS. Headless Chromium opens a dashboard
 * page that frames a sandbox app through the gateway jar (config {@code embedding.origins}); the app sends every
 * frame-blocking header there is ({@code X-Frame-Options}, CSP {@code frame-ancestors 'none'},
 * {@code Cross-Origin-Resource-Policy}, {@code Cross-Origin-Embedder/Opener-Policy}) and a CORS answer of its own
 * that no credentialed request accepts ({@code *}). From the dashboard origin the frame loads and answers
 * {@code postMessage}, and a credentialed {@code fetch} with a preflight works; the same page on another origin
 * ({@code localhost} instead of {@code 127.0.0.1}) gets a blocked frame and a failed fetch.
 */
class PeerChromiumEmbeddingIT {

    private static final Path ARTIFACTS = Path.of("target", "peers", "PeerChromiumEmbeddingIT");

    private static MiniHttpServer app;
    private static MiniHttpServer dashboard;
    private static GatewayJar gateway;
    private static HeadlessChromium chromium;
    private static URI sandbox;

    @BeforeAll
    @Timeout(120)
    static void start() throws Exception {
        Installed.chromium();
        Files.createDirectories(ARTIFACTS);
        app = MiniHttpServer.on(InetAddress.getLoopbackAddress(), RoutablePorts.pick(),
                PeerChromiumEmbeddingIT::sandboxApp);
        dashboard = new MiniHttpServer(PeerChromiumEmbeddingIT::dashboardPage);
        gateway = GatewayJar.start(ARTIFACTS, """
                embedding:
                  origins: ["http://127.0.0.1:%d"]
                """.formatted(dashboard.port()));
        sandbox = gateway.sandboxUrl(app.port(), "/");
        chromium = HeadlessChromium.start(ARTIFACTS);
    }

    @AfterAll
    static void stop() throws IOException {
        PeerProcess.closeAll(chromium, gateway);
        if (app != null) {
            app.close();
        }
        if (dashboard != null) {
            dashboard.close();
        }
    }

    /** What runs in the sandbox: a page that answers messages, and an API; both as unwilling to be framed as can be. */
    private static boolean sandboxApp(MiniHttpServer.Request request, OutputStream out) throws IOException {
        if (request.method().equals("POST") && request.target().equals("/api")) {
            byte[] json = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Type: application/json",
                    "Access-Control-Allow-Origin: *", "Content-Length: " + json.length);
            out.write(json);
            return true;
        }
        byte[] html = """
                <!doctype html><title>sandbox app</title>
                <script>
                  window.addEventListener('message', (e) => e.source.postMessage(
                      { echo: e.data, from: location.origin, title: document.title }, e.origin));
                </script>
                <h1>inside the sandbox</h1>""".getBytes(StandardCharsets.UTF_8);
        MiniHttpServer.writeHead(out, 200, "OK", "Content-Type: text/html; charset=utf-8",
                "X-Frame-Options: DENY",
                "Content-Security-Policy: frame-ancestors 'none'; default-src 'self' 'unsafe-inline'",
                "Cross-Origin-Resource-Policy: same-origin",
                "Cross-Origin-Embedder-Policy: require-corp",
                "Cross-Origin-Opener-Policy: same-origin",
                "Content-Length: " + html.length);
        out.write(html);
        return true;
    }

    /** The dashboard: a page that frames the sandbox; the same page on either origin. */
    private static boolean dashboardPage(MiniHttpServer.Request request, OutputStream out) throws IOException {
        byte[] html = ("<!doctype html><title>dashboard</title><iframe id=\"sandbox\" src=\"" + sandbox
                + "\" width=\"600\" height=\"300\"></iframe>").getBytes(StandardCharsets.UTF_8);
        MiniHttpServer.writeHead(out, 200, "OK", "Content-Type: text/html; charset=utf-8",
                "Content-Length: " + html.length);
        out.write(html);
        return true;
    }

    @Test
    @Timeout(90)
    void theDashboardOriginFramesTheSandboxScriptsItByPostMessageAndCallsItWithCredentials() throws Exception {
        chromium.page().navigate(URI.create("http://127.0.0.1:" + dashboard.port() + "/"), Duration.ofSeconds(30));
        Files.write(ARTIFACTS.resolve("dashboard-origin.png"), chromium.page().screenshot());
        assertEquals(sandbox.toString(), childFrameUrl(), "the frame shows the sandbox, not an error page");

        JsonNode reply = chromium.page().evaluate("""
                new Promise((resolve) => {
                  window.addEventListener('message', (e) => resolve({ origin: e.origin, data: e.data }));
                  document.getElementById('sandbox').contentWindow.postMessage('ping', '*');
                })""", Duration.ofSeconds(30));
        assertEquals(origin(sandbox), reply.path("origin").asText(), reply.toString());
        assertEquals("ping", reply.path("data").path("echo").asText(), reply.toString());
        assertEquals("sandbox app", reply.path("data").path("title").asText(), reply.toString());

        JsonNode call = chromium.page().evaluate(fetchApi(), Duration.ofSeconds(30));
        assertEquals("{\"ok\":true}", call.asText(), "a credentialed JSON POST, preflight first");
        assertTrue(app.requests().stream().noneMatch(r -> r.method().equals("OPTIONS")
                        && r.header("origin").startsWith("http://127.0.0.1")),
                "the gateway answered the dashboard's preflight itself");
    }

    @Test
    @Timeout(90)
    void anotherOriginIsStillRefusedTheFrameAndTheCredentialedCall() throws Exception {
        chromium.page().navigate(URI.create("http://localhost:" + dashboard.port() + "/"), Duration.ofSeconds(30));
        Files.write(ARTIFACTS.resolve("other-origin.png"), chromium.page().screenshot());
        String url = childFrameUrl();
        assertTrue(url.startsWith("chrome-error://"), "the browser blocked the frame: " + url);

        JsonNode call = chromium.page().evaluate(fetchApi(), Duration.ofSeconds(30));
        assertTrue(call.asText().startsWith("blocked: TypeError"), call.asText());
        assertTrue(app.requests().stream().noneMatch(r -> r.method().equals("POST")
                        && String.valueOf(r.header("origin")).startsWith("http://localhost")),
                "the preflight from the other origin was not allowed, so the POST was never sent");
    }

    /** A credentialed JSON POST to the sandbox from the page: its body, or why the browser refused it. */
    private static String fetchApi() {
        return """
                fetch(%s, { method: 'POST', credentials: 'include', body: '{}',
                    headers: { 'Content-Type': 'application/json' } })
                  .then((r) => r.text(), (e) => 'blocked: ' + e)""".formatted("'" + sandbox.resolve("/api") + "'");
    }

    /**
     * The URL of the document the page's frame shows, asked of the frame itself: the sandbox's, or Chromium's error
     * page ({@code chrome-error://chromewebdata/}) when the browser refused to show it there.
     */
    private static String childFrameUrl() throws Exception {
        JsonNode targets = chromium.page().call("Target.getTargets", Map.of(), Duration.ofSeconds(10));
        List<JsonNode> frames = new ArrayList<>();
        for (JsonNode t : targets.path("targetInfos")) {
            if (t.path("type").asText().equals("iframe") && t.path("url").asText().equals(sandbox.toString())) {
                frames.add(t);
            }
        }
        assertEquals(1, frames.size(), "one frame of the sandbox: " + targets);
        try (DevToolsSession frame = chromium.frame(frames.get(0).path("targetId").asText())) {
            return frame.evaluate("location.href", Duration.ofSeconds(10)).asText();
        }
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
