package dev.cmux.gateway.peers;

import java.util.concurrent.atomic.AtomicReference;
import dev.cmux.control.testing.Await;
import dev.cmux.gateway.testing.PeerProcess;
import dev.cmux.gateway.testing.GatewayJar;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;


/**
 * Debian's Chromium, headless, with a fresh profile, and *.sandbox.test mapped to loopback so that pages are
 * opened by the sandbox's real host name and reach the gateway. Driven through {@link DevToolsSession}.
 */
record HeadlessChromium(PeerProcess process, Path profile, DevToolsSession page, URI devTools)
        implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param secureOrigins origins the page may treat as secure (crypto.subtle needs one), e.g. http://host:port */
    static HeadlessChromium start(Path artifacts, String... secureOrigins) throws Exception {
        String chromium = Installed.chromium();
        Path profile = Files.createTempDirectory("peer-chromium-");
        List<String> command = new ArrayList<>(List.of(chromium,
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--no-proxy-server",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1024,768",
                "--host-resolver-rules=MAP *." + GatewayJar.DOMAIN + " 127.0.0.1",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0"));
        if (secureOrigins.length > 0) {
            command.add("--unsafely-treat-insecure-origin-as-secure=" + String.join(",", secureOrigins));
        }
        command.add("about:blank");
        PeerProcess process = PeerProcess.start("chromium", artifacts, command);
        try {
            String line = process.awaitLine(l -> l.contains("DevTools listening on ws://"), Duration.ofSeconds(60));
            URI browser = URI.create(line.substring(line.indexOf("ws://")).trim());
            URI page = firstPage(URI.create("http://" + browser.getAuthority() + "/json/list"));
            return new HeadlessChromium(process, profile, DevToolsSession.connect(page),
                    URI.create("http://" + browser.getAuthority()));
        } catch (Throwable e) {
            process.close();
            deleteTree(profile);
            throw e;
        }
    }

    /**
     * A session with the frame {@code targetId} of the page ({@code Target.getTargets}): a cross-origin frame runs
     * in a process of its own, out of reach of the page's session. Close it after use.
     */
    DevToolsSession frame(String targetId) {
        return DevToolsSession.connect(URI.create("ws://" + devTools.getAuthority() + "/devtools/page/" + targetId));
    }

    @Override
    public void close() {
        page.close();
        process.close();
        deleteTree(profile);
    }

    private static URI firstPage(URI list) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        AtomicReference<URI> page = new AtomicReference<>();
        Await.until(() -> {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(list).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : JSON.readTree(response.body())) {
                if (target.path("type").asText().equals("page") && target.has("webSocketDebuggerUrl")) {
                    page.set(URI.create(target.get("webSocketDebuggerUrl").asText()));
                }
            }
            return page.get() != null;
        }, "Chromium opens a page to drive (" + list + ")");
        return page.get();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is not worth failing a test over
        }
    }
}
