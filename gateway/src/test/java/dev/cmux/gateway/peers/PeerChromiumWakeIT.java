package dev.cmux.gateway.peers;

import dev.cmux.control.testing.Await;
import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.testing.PeerProcess;
import dev.cmux.gateway.testing.GatewayJar;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.SandboxMetadata;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.ServedOnceRunning;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Headless Chromium opens the URL of a stopped sandbox through the gateway jar (run as an operator runs it, with PVE
 * pointed at the emulator): it shows the starting page, which reloads itself until the woken sandbox's own page
 * appears. The sandbox's server listens only while the emulated container runs.
 */
class PeerChromiumWakeIT {

    private static final Path ARTIFACTS = Path.of("target", "peers", "PeerChromiumWakeIT");
    private static final int VMID = GatewayJar.VMID;

    private static PveEmulator pve;
    private static GatewayJar gateway;
    private static HeadlessChromium chromium;
    private static int sandboxPort;
    private static ServedOnceRunning inside;

    @BeforeAll
    @Timeout(120)
    static void start() throws Exception {
        Installed.chromium();
        Files.createDirectories(ARTIFACTS);
        sandboxPort = RoutablePorts.pick();
        pve = PveEmulator.start();
        pve.containerAddress("127.0.0.1");
        pve.seedContainer(VMID, "cmux-" + VMID, false, "cmux",
                new SandboxMetadata("it", Instant.now(), null, SandboxMetadata.KEEP, null).toDescription());
        pve.taskDuration(Duration.ofMillis(800)); // a start that takes a moment, as on PVE
        inside = ServedOnceRunning.on(pve, VMID, PeerChromiumWakeIT::page);
        gateway = GatewayJar.start(ARTIFACTS, GatewayJar.pveSection(pve) + """
                wake:
                  retryAfter: 1s
                """);
        chromium = HeadlessChromium.start(ARTIFACTS);
    }

    /** What the sandbox serves once it runs. */
    private static MiniHttpServer page() throws IOException {
        byte[] html = "<!doctype html><title>vm-200 app</title><h1>inside vm-200</h1>"
                .getBytes(StandardCharsets.UTF_8);
        return MiniHttpServer.on(InetAddress.getLoopbackAddress(), sandboxPort, (request, out) -> {
            MiniHttpServer.writeHead(out, 200, "OK", "Content-Type: text/html; charset=utf-8",
                    "Content-Length: " + html.length);
            out.write(html);
            return true;
        });
    }

    @AfterAll
    static void stop() throws IOException {
        PeerProcess.closeAll(chromium, gateway, inside, pve);
    }

    @Test
    @Timeout(120)
    void theBrowserSeesTheStartingPageAndThenTheWokenSandbox() throws Exception {
        URI url = gateway.sandboxUrl(sandboxPort, "/");
        chromium.page().navigate(url, Duration.ofSeconds(30));
        String first = chromium.page().evaluate("document.title", Duration.ofSeconds(10)).asText();
        assertEquals("Starting sandbox vm-" + VMID + "…", first, "the first load shows the starting page");

        AtomicReference<String> heading = new AtomicReference<>("");
        Await.until(() -> {
            try {
                heading.set(chromium.page().evaluate("document.querySelector('h1') ? "
                        + "document.querySelector('h1').textContent : ''", Duration.ofSeconds(10)).asText());
            } catch (AssertionError e) {
                // the page reloaded while we asked; ask the new one
            }
            return heading.get().equals("inside vm-200");
        }, Duration.ofSeconds(60), () -> "the page turns into the sandbox's own; it shows: " + heading.get());
        Files.write(ARTIFACTS.resolve("woken.png"), chromium.page().screenshot());
        assertEquals("running", pve.status(VMID));
        assertEquals(1, pve.requests().stream()
                .filter(("POST /api2/json/nodes/pve/lxc/" + VMID + "/status/start")::equals).count());
        List<JsonNode> log = gateway.awaitAccessLog(0, e -> e.path("woken").asBoolean(false), e -> !e.isEmpty(),
                "a request marked woken");
        assertEquals(503, log.get(0).path("status").asInt());
        assertEquals("sandbox-starting", log.get(0).path("error").asText(), log.get(0).toString());
    }
}
