package dev.cmux.gateway.peers;

import java.util.concurrent.atomic.AtomicReference;
import dev.cmux.control.testing.Await;
import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.testing.PeerProcess;
import dev.cmux.gateway.testing.GatewayJar;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * noVNC through the gateway as cmux runs it (reference/cmux.md §4, port 39380): a TigerVNC X server (Xvnc) on a
 * virtual display, websockify serving Debian's noVNC web client and bridging its WebSocket to the VNC port, and
 * headless Chromium opening {@code /vnc.html?autoconnect=1…} by the sandbox's real host name. What an X client
 * draws must appear on the page's canvas (screenshots are kept in target/peers/PeerNoVncIT/), and what the user
 * clicks and types in the page must reach the desktop.
 */
class PeerNoVncIT {

    private static final Path ARTIFACTS = Path.of("target", "peers", "PeerNoVncIT");
    private static final int WIDTH = 800;
    private static final int HEIGHT = 600;

    private static GatewayJar gateway;
    private static PeerProcess xvnc;
    private static PeerProcess websockify;
    private static HeadlessChromium chromium;
    private static int display;
    private static int rfbPort;
    private static int websockifyPort;

    @BeforeAll
    @Timeout(150)
    static void startDesktopWebsockifyGatewayAndBrowser() throws Exception {
        String xvncProgram = Installed.xvnc();
        Installed.xsetroot();
        Installed.xev();
        String websockifyProgram = Installed.websockify();
        Path webRoot = Installed.novnc();
        Installed.chromium();
        Installed.recordVersions(ARTIFACTS, List.of("chromium", "tigervnc-standalone-server", "websockify", "novnc",
                "x11-xserver-utils", "x11-utils"), List.of());
        gateway = GatewayJar.start(ARTIFACTS);
        startXvnc(xvncProgram);
        websockifyPort = RoutablePorts.pick();
        websockify = PeerProcess.start("websockify", ARTIFACTS, List.of(websockifyProgram, "--web", webRoot.toString(),
                "127.0.0.1:" + websockifyPort, "127.0.0.1:" + rfbPort));
        websockify.awaitListening(websockifyPort, Duration.ofSeconds(30));
        chromium = HeadlessChromium.start(ARTIFACTS);
    }

    /** Xvnc on the first free display from :20; another run may take the same one at the same time, so retry. */
    private static void startXvnc(String program) throws Exception {
        for (int candidate = 20; candidate < 100; candidate++) {
            if (Files.exists(Path.of("/tmp/.X" + candidate + "-lock"))
                    || Files.exists(Path.of("/tmp/.X11-unix/X" + candidate))) {
                continue;
            }
            rfbPort = RoutablePorts.pick();
            PeerProcess started = PeerProcess.start("xvnc", ARTIFACTS, List.of(program, ":" + candidate,
                    "-rfbport", String.valueOf(rfbPort), "-localhost", "-SecurityTypes", "None",
                    "-geometry", WIDTH + "x" + HEIGHT, "-depth", "24", "-desktop", "cmux-peer-test"));
            try {
                started.awaitListening(rfbPort, Duration.ofSeconds(30));
                xvnc = started;
                display = candidate;
                return;
            } catch (AssertionError e) {
                started.close();
                if (!started.outputText().contains("already active")) {
                    throw e;
                }
            }
        }
        fail("no free X display between :20 and :99");
    }

    @AfterAll
    static void stopPeers() {
        PeerProcess.closeAll(chromium, websockify, xvnc, gateway);
    }

    @Test
    @Timeout(150)
    void theNoVncClientShowsTheRemoteDesktopAndFollowsWhatAnXClientDraws() throws Exception {
        openNoVnc();

        for (Map.Entry<String, int[]> colour : List.of(Map.entry("magenta", new int[] {0xff, 0x00, 0xff}),
                Map.entry("cyan", new int[] {0x00, 0xff, 0xff}))) {
            int[] rgb = colour.getValue();
            String hex = "#%02x%02x%02x".formatted(rgb[0], rgb[1], rgb[2]);
            PeerProcess xsetroot = PeerProcess.start("xsetroot-" + colour.getKey(), ARTIFACTS,
                    List.of(Installed.xsetroot(), "-solid", hex), Map.of("DISPLAY", ":" + display), null);
            assertEquals(0, xsetroot.awaitExit(Duration.ofSeconds(20)), xsetroot.outputText());

            JsonNode shown = awaitCanvas("s.share >= 0.95", "95 % of the canvas is " + hex, Duration.ofSeconds(60),
                    rgb);
            byte[] png = chromium.page().screenshot();
            Path file = ARTIFACTS.resolve("novnc-" + colour.getKey() + ".png");
            Files.write(file, png);
            double onScreen = share(ImageIO.read(new ByteArrayInputStream(png)), rgb);
            assertTrue(onScreen >= 0.5, "the screenshot " + file + " shows the desktop: only " + onScreen
                    + " of it is " + hex + "; canvas: " + shown);
        }

        String host = GatewayJar.sandboxHost(websockifyPort);
        gateway.awaitAccessLog(0, e -> e.get("host").asText().startsWith(host) && e.get("path").asText().equals(
                "/vnc.html"), entries -> entries.stream().anyMatch(e -> e.get("status").asInt() == 200), "GET /vnc.html");
        // an upgraded connection is logged when it ends. Leaving the page does not end it (Chromium keeps the
        // socket of a page it left open, without the gateway as well), so disconnect as the user does
        chromium.page().evaluate("document.getElementById('noVNC_disconnect_button').click()", Duration.ofSeconds(10));
        gateway.awaitAccessLog(0, e -> e.get("host").asText().startsWith(host) && e.get("path").asText().equals(
                "/websockify"), entries -> entries.stream().anyMatch(e -> e.get("status").asInt() == 101
                && e.path("upgraded").asBoolean()), "the WebSocket at /websockify, logged when it closed");
    }

    @Test
    @Timeout(150)
    void aClickAndAKeyInTheBrowserReachTheDesktop() throws Exception {
        openNoVnc();
        // xev prints the events that reach the root window, which has the input focus on a desktop without windows
        PeerProcess xev = PeerProcess.start("xev", ARTIFACTS, List.of(Installed.xev(), "-root", "-event", "keyboard",
                "-event", "button"), Map.of("DISPLAY", ":" + display), null);
        try {
            JsonNode box = chromium.page().evaluate("""
                    (() => { const r = document.querySelector('#noVNC_container canvas').getBoundingClientRect();
                             return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()""",
                    Duration.ofSeconds(10));
            Map<String, Object> at = Map.of("x", box.get("x").asDouble(), "y", box.get("y").asDouble(),
                    "button", "left", "clickCount", 1);
            // xev selects its events a moment after it starts, with no sign when: repeat until one shows up
            repeatUntil(xev, line -> line.startsWith("ButtonPress event"), () -> {
                input("Input.dispatchMouseEvent", with(at, "type", "mousePressed"));
                input("Input.dispatchMouseEvent", with(at, "type", "mouseReleased"));
            });
            List<String> events = xev.output();
            String where = events.get(events.indexOf(events.stream().filter(l -> l.startsWith("ButtonPress event"))
                    .findFirst().orElseThrow()) + 1);
            Matcher xy = Pattern.compile("root:\\((\\d+),(\\d+)\\)").matcher(where);
            assertTrue(xy.find() && Math.abs(Integer.parseInt(xy.group(1)) - WIDTH / 2) <= 3
                    && Math.abs(Integer.parseInt(xy.group(2)) - HEIGHT / 2) <= 3,
                    "a click in the middle of the canvas lands in the middle of the desktop: " + where);
            // the click gave the canvas the keyboard focus; noVNC turns the key into an RFB KeyEvent for keysym q
            Map<String, Object> q = Map.of("key", "q", "code", "KeyQ", "windowsVirtualKeyCode", 81, "text", "q");
            repeatUntil(xev, line -> line.contains("(keysym 0x71, q)"), () -> {
                input("Input.dispatchKeyEvent", with(q, "type", "keyDown"));
                input("Input.dispatchKeyEvent", with(q, "type", "keyUp"));
            });
        } finally {
            xev.close();
        }
    }

    /** Opens vnc.html as cmux does, through the gateway, and waits until the desktop is on the canvas. */
    private static void openNoVnc() throws Exception {
        URI vnc = gateway.sandboxUrl(websockifyPort, "/vnc.html?autoconnect=1&resize=scale&reconnect=1"
                + "&reconnect_delay=1000");
        chromium.page().navigate(vnc, Duration.ofSeconds(60));
        JsonNode connected = awaitCanvas("true", "connected: the canvas has the desktop's size", Duration.ofSeconds(60));
        assertEquals(WIDTH, connected.get("width").asInt(), connected.toString());
        assertEquals(HEIGHT, connected.get("height").asInt(), connected.toString());
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void repeatUntil(PeerProcess xev, Predicate<String> seen, Action action) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (xev.output().stream().noneMatch(seen)) {
            if (System.nanoTime() > deadline) {
                fail("xev saw nothing of it within 30 s; its output:\n" + xev.outputText());
            }
            action.run();
            Thread.sleep(300);
        }
    }

    /** One input event as the user's mouse or keyboard makes it (DevTools Input domain). */
    private static void input(String method, Map<String, Object> event) throws Exception {
        chromium.page().call(method, event, Duration.ofSeconds(10));
    }

    private static Map<String, Object> with(Map<String, Object> params, String key, Object value) {
        Map<String, Object> all = new HashMap<>(params);
        all.put(key, value);
        return all;
    }

    /**
     * Polls the noVNC canvas until {@code condition} (JavaScript over {@code s = {width, height, share}}, where share
     * is the fraction of pixels of colour {@code rgb}) holds; fails with a screenshot otherwise.
     */
    private static JsonNode awaitCanvas(String condition, String what, Duration timeout, int... rgb) throws Exception {
        int[] colour = rgb.length == 3 ? rgb : new int[] {-1, -1, -1};
        String probe = """
                (() => {
                  const c = document.querySelector('#noVNC_container canvas');
                  const status = (document.getElementById('noVNC_status') || {}).textContent;
                  if (!c || !c.width || !c.height) return { width: 0, height: 0, share: 0, status, ok: false };
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let match = 0;
                  for (let i = 0; i < d.length; i += 4) if (d[i] === %d && d[i + 1] === %d && d[i + 2] === %d) match++;
                  const s = { width: c.width, height: c.height, share: match / (c.width * c.height), status };
                  return { ...s, ok: %s && s.width === %d && s.height === %d };
                })()""".formatted(colour[0], colour[1], colour[2], condition, WIDTH, HEIGHT);
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            Await.until(() -> {
                last.set(chromium.page().evaluate(probe, Duration.ofSeconds(20)));
                return last.get().path("ok").asBoolean();
            }, timeout, what);
            return last.get();
        } catch (AssertionError notShown) {
            // fails below, with a screenshot
        }
        Path file = ARTIFACTS.resolve("novnc-failed.png");
        Files.write(file, chromium.page().screenshot());
        return fail("noVNC never showed that " + what + " within " + timeout.toSeconds() + " s; last look: "
                + last.get()
                + "; screenshot: " + file.toAbsolutePath());
    }

    private static double share(BufferedImage image, int[] rgb) {
        int wanted = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
        long match = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == wanted) {
                    match++;
                }
            }
        }
        return (double) match / ((long) image.getWidth() * image.getHeight());
    }
}
