package dev.cmux.gateway.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.SandboxMetadata;
import dev.cmux.control.testing.Await;
import dev.cmux.gateway.testing.GatewayJar;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.PeerProcess;
import dev.cmux.gateway.testing.RawHttp;
import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.testing.ServedOnceRunning;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's page in headless Chromium, served by the gateway jar whose control API drives the PVE emulator:
 * sign in with the token, watch a sandbox created through the API appear and its state change when it is stopped,
 * see the wake that a request to a stopped sandbox caused, a traffic chart move under requests, and destroy a
 * sandbox through the page's confirmation. All without reloading the page: a mark left in its window survives.
 * Screenshots at desktop and phone width go to {@code target/operator-page/}.
 */
class OperatorPageIT {

    private static final Path ARTIFACTS = Path.of("target", "operator-page");
    private static final String TOKEN = "operator-page-it-0123456789abcdef";
    private static final int SLEEPER = GatewayJar.VMID;
    /** A running VM sandbox: its row offers a VM's sleep levels. */
    private static final int VM = 210;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PveEmulator pve;
    private static GatewayJar gateway;
    private static HeadlessChromium chromium;
    /** What vm-200 serves: listening only once the emulated container runs, so a request must wake it. */
    private static ServedOnceRunning inside;
    private static int sandboxPort;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    @Timeout(120)
    static void start() throws Exception {
        Installed.chromium();
        Files.createDirectories(ARTIFACTS);
        pve = PveEmulator.start();
        pve.seedTemplate(9000);
        pve.containerAddress("127.0.0.1");
        pve.seedContainer(SLEEPER, "cmux-" + SLEEPER, false, "cmux",
                new SandboxMetadata("it", Instant.now(), null, SandboxMetadata.KEEP, null).toDescription());
        pve.seedVm(VM, "cmux-" + VM, true, "cmux",
                new SandboxMetadata("it", Instant.now(), null, SandboxMetadata.KEEP, null).toDescription());
        sandboxPort = RoutablePorts.pick();
        inside = ServedOnceRunning.on(pve, SLEEPER, () -> MiniHttpServer.on(InetAddress.getLoopbackAddress(),
                sandboxPort, "inside vm-200"));
        gateway = GatewayJar.start(ARTIFACTS, GatewayJar.pveSection(pve) + "  templateVmid: 9000\n",
                Map.of("GATEWAY_CONTROL_TOKEN", TOKEN));
        chromium = HeadlessChromium.start(ARTIFACTS);
    }

    @AfterAll
    static void stop() {
        PeerProcess.closeAll(chromium, gateway, inside, pve);
    }

    private static String page() {
        return "http://127.0.0.1:" + gateway.controlPort();
    }

    private static JsonNode js(String expression) throws Exception {
        return chromium.page().evaluate(expression, WAIT);
    }

    /** Waits until {@code expression} is true in the page; re-asks when the document changed meanwhile. */
    private static void until(String expression, String what) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("");
        Await.until(() -> {
            try {
                boolean yes = js(expression).asBoolean();
                if (!yes) {
                    seen.set(js("document.getElementById('status') ? 'status: ' + document.getElementById('status')"
                            + ".textContent + '; dialog open: ' + document.getElementById('confirm').open "
                            + "+ '; rows: ' + [...document.querySelectorAll('#sandboxes tbody tr')].map(r => "
                            + "r.dataset.vmid + ' ' + r.dataset.state).join(', ') "
                            + ": location.href + ' ' + document.body.innerText").asText());
                }
                return yes;
            } catch (AssertionError e) {
                return false; // a navigation replaced the document while we asked
            }
        }, WAIT, () -> what + " (the page says: " + seen.get() + ")");
    }

    private HttpResponse<String> api(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(page() + path)).timeout(WAIT)
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sandboxRequest() {
        return "GET / HTTP/1.1\r\nHost: " + GatewayJar.sandboxHost(sandboxPort) + "\r\nConnection: close\r\n\r\n";
    }

    private static long chartSum(String selector) throws Exception {
        return js("(() => { const s = document.querySelector('" + selector + "'); "
                + "return s ? Number(s.dataset.sum) : -1; })()").asLong();
    }

    @Test
    @Timeout(300)
    void anOperatorSignsInWatchesAndDrivesTheSandboxes() throws Exception {
        // no session: the page sends the browser to the sign-in form
        chromium.page().call("Page.navigate", Map.of("url", page() + "/ui/"), WAIT);
        until("location.pathname === '/ui/sign-in' && document.readyState === 'complete'", "the sign-in form");
        js("document.getElementById('token').value = '" + TOKEN + "'; "
                + "document.querySelector('form').requestSubmit(); true");
        until("location.pathname === '/ui/' && document.body.dataset.refreshed >= 1", "the page after sign-in");
        assertFalse(js("location.href").asText().contains(TOKEN), "the token is in no URL");
        assertFalse(js("document.cookie").asText().contains("cmux_session"), "the session cookie is HttpOnly");
        js("window.stillTheSamePage = true");
        until("document.querySelector('tr[data-vmid=\"" + SLEEPER + "\"]') !== null", "the seeded sandbox's row");

        // a VM's row offers its two sleep levels instead of suspend; paused, its Wake resumes it
        String vmRow = "tr[data-vmid=\"" + VM + "\"]";
        until("document.querySelector('" + vmRow + "')?.dataset.state === 'running'", "the VM, running");
        assertFalse(js("document.querySelector('" + vmRow + " button[data-action=\"suspend\"]') !== null").asBoolean(),
                "a VM's row has no Suspend");
        assertTrue(js("document.querySelector('" + vmRow + " button[data-action=\"hibernate\"]') !== null").asBoolean(),
                "a VM's row offers Hibernate");
        js("document.querySelector('" + vmRow + " button[data-action=\"pause\"]').click()");
        until("document.querySelector('" + vmRow + "')?.dataset.state === 'paused'", "the VM, paused");
        assertEquals("paused", pve.qmpStatus(VM));
        js("document.querySelector('" + vmRow + " button[data-action=\"resume\"]').click()");
        until("document.querySelector('" + vmRow + "')?.dataset.state === 'running'", "the VM, resumed");
        assertEquals("running", pve.qmpStatus(VM));

        // a sandbox created through the API appears, and its state follows a stop through the API
        HttpResponse<String> created = api("POST", "/v1/sandboxes?wait=true");
        assertEquals(201, created.statusCode(), created.body());
        int vmid = JSON.readTree(created.body()).path("sandbox").path("vmid").asInt();
        String row = "tr[data-vmid=\"" + vmid + "\"]";
        until("document.querySelector('" + row + "')?.dataset.state === 'running'", "the new sandbox, running");
        assertTrue(js("document.querySelector('" + row + " .urls a') !== null").asBoolean(), "its URLs are links");
        HttpResponse<String> stopped = api("POST", "/v1/sandboxes/" + vmid + "/stop");
        assertEquals(200, stopped.statusCode(), stopped.body());
        until("document.querySelector('" + row + "')?.dataset.state === 'stopped'", "the new sandbox, stopped");

        // a request to the stopped sandbox wakes it; the page lists the wake
        RawHttp.Reply woken = RawHttp.send(gateway.port(), sandboxRequest(), 30_000);
        assertEquals(200, woken.status(), woken.text());
        until("document.querySelector('#events li[data-kind=\"wake\"][data-vmid=\"" + SLEEPER + "\"]') !== null",
                "a wake event of vm-" + SLEEPER);
        assertTrue(js("document.querySelector('#events li[data-kind=\"wake\"]').textContent").asText()
                .contains(" ms"), "the wake says how long it took");

        // the overall requests chart and the sandbox's own move under traffic
        until("document.querySelector('#spark-" + SLEEPER + "') !== null", "vm-" + SLEEPER + "'s traffic chart");
        long before = chartSum("#overall svg[data-series=\"requests\"]");
        long beforeSandbox = chartSum("#spark-" + SLEEPER);
        for (int i = 0; i < 12; i++) {
            assertEquals(200, RawHttp.send(gateway.port(), sandboxRequest(), 30_000).status());
        }
        until("Number(document.querySelector('#overall svg[data-series=\"requests\"]').dataset.sum) >= "
                + (before + 12), "the requests chart counting 12 more");
        until("Number(document.querySelector('#spark-" + SLEEPER + "').dataset.sum) >= " + (beforeSandbox + 12),
                "vm-" + SLEEPER + "'s chart counting 12 more");

        screenshot("desktop.png", 1280, 900, false);
        screenshot("phone.png", 390, 844, true);

        // doctor on demand: one line per check, each a pass or a problem, PVE's among them
        js("document.getElementById('run-doctor').click()");
        until("document.querySelector('#doctor li[data-subject]') !== null", "doctor's lines");
        assertTrue(js("[...document.querySelectorAll('#doctor li[data-subject]')].every(li => /^[✓✗] /"
                + ".test(li.textContent))").asBoolean(), "every doctor line says pass or problem");
        assertTrue(js("[...document.querySelectorAll('#doctor li')].some(li => li.dataset.subject.startsWith('PVE'))")
                .asBoolean(), "PVE's checks are on the page: " + js("document.getElementById('doctor').textContent"));

        // a disk snapshot: the dialog asks for its name, and PVE then has it
        js("document.querySelector('" + row + " button[data-action=\"snapshot\"]').click()");
        until("document.getElementById('snapshot').open", "the snapshot dialog");
        js("document.getElementById('snapshot-name').value = 'before-upgrade'");
        js("document.getElementById('snapshot-ok').click()");
        until("!document.getElementById('snapshot').open", "the snapshot dialog closed");
        Await.until(() -> pve.snapshotNames(vmid).contains("before-upgrade"), "PVE has the snapshot the page asked for");

        // destroy asks first: cancelled, nothing happens; confirmed, the sandbox goes
        String destroy = "document.querySelector('" + row + " button[data-action=\"destroy\"]').click()";
        js(destroy);
        until("document.getElementById('confirm').open", "the confirmation dialog");
        js("document.getElementById('confirm-cancel').click()");
        until("!document.getElementById('confirm').open", "the dialog closed");
        assertTrue(pve.exists(vmid), "cancelled: the sandbox is still there");
        js(destroy);
        until("document.getElementById('confirm').open", "the confirmation dialog again");
        js("document.getElementById('confirm-ok').click()");
        until("document.querySelector('" + row + "') === null", "the destroyed sandbox's row gone");
        assertFalse(pve.exists(vmid), "confirmed: PVE destroyed it");
        until("document.querySelector('#events li[data-kind=\"destroy\"][data-vmid=\"" + vmid + "\"]') !== null",
                "the destroy event");

        // the page's own form creates one (a POST with the session's CSRF token)
        js("document.getElementById('create-owner').value = 'from-the-page'; "
                + "document.getElementById('create').requestSubmit(); true");
        until("[...document.querySelectorAll('#sandboxes tbody tr')].some(r => r.textContent.includes('from-the-page'))",
                "the sandbox created by the page's form");

        assertTrue(js("window.stillTheSamePage === true").asBoolean(), "the page never reloaded");
        js("document.getElementById('sign-out').click(); true");
        until("location.pathname === '/ui/sign-in' && document.readyState === 'complete'", "signed out");
        HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(page() + "/ui/")).timeout(WAIT)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, after.statusCode(), "no session, no page");
        assertTrue(gateway.output().stream().noneMatch(l -> l.contains(TOKEN)), "the token is in no log line");
        assertTrue(gateway.accessLog().stream().noneMatch(e -> e.toString().contains(TOKEN)));
        assertEquals(List.of(), pve.violations(), "every request the gateway sent matches PVE's schema");
    }

    private static void screenshot(String name, int width, int height, boolean mobile) throws Exception {
        chromium.page().call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", mobile), WAIT);
        until("document.body.dataset.refreshed >= 1", "the page at " + width + " px");
        if (mobile) {
            assertTrue(js("document.documentElement.scrollWidth <= " + width + " + 1").asBoolean(),
                    "nothing is wider than a phone: " + js("document.documentElement.scrollWidth"));
        }
        Files.write(ARTIFACTS.resolve(name), chromium.page().screenshot());
    }
}
