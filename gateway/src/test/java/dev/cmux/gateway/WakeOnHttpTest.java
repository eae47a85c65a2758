package dev.cmux.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmux.control.config.ControlConfig;
import dev.cmux.control.testing.Await;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.lifecycle.LifecycleReaper;
import dev.cmux.control.lifecycle.LifecyclePolicy;
import dev.cmux.control.sandbox.IdlePolicy;
import dev.cmux.control.sandbox.MutableClock;
import dev.cmux.control.sandbox.SandboxMetadata;
import dev.cmux.gateway.config.Cidr;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.LifecycleConfig;
import dev.cmux.gateway.config.WakeConfig;
import dev.cmux.gateway.transport.Transport;
import dev.cmux.gateway.testing.MiniHttpServer;
import dev.cmux.gateway.testing.RawWebSocket;
import dev.cmux.gateway.testing.RoutablePorts;
import dev.cmux.gateway.testing.TinyDnsServer;
import dev.cmux.gateway.testing.WebSocketEchoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.cmux.control.api.MetricsText.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Wake-on-HTTP and idle scale-to-zero through the whole gateway process (data plane, waker, idle reaper, control
 * API) against the PVE emulator. Every emulated container "runs" a real HTTP server on loopback that listens only
 * while the emulator says the container runs, so a request can only succeed once the container was really started.
 */
class WakeOnHttpTest {

    private static final String TOKEN = "wake-test-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Integer, Integer> ports = new ConcurrentHashMap<>();
    private final Map<Integer, MiniHttpServer> inside = new ConcurrentHashMap<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
    private PveEmulator pve;
    private TinyDnsServer dns;
    private GatewayProcess gateway;

    @BeforeEach
    void start() throws Exception {
        pve = PveEmulator.start();
        pve.containerAddress("127.0.0.1");
        // the sandbox's service comes up a moment after the container: the gateway must wait for the port
        pve.onPowerChange((vmid, running) -> {
            if (running) {
                pause(300);
                serve(vmid);
            } else {
                stopServing(vmid);
            }
        });
        dns = new TinyDnsServer(); // knows no sandbox name: addresses come from PVE's /interfaces
        GatewayConfig config = GatewayConfig.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .domain("sandbox.test")
                .control(new ControlConfig(new InetSocketAddress("127.0.0.1", 0), TOKEN))
                .pve(pve.config(null))
                .wake(new WakeConfig(true, Duration.ofSeconds(15), Duration.ofSeconds(1), 6, Duration.ofMinutes(10)))
                // the lifecycle passes of these tests are run by the tests, after they moved the clock
                .lifecycle(new LifecycleConfig(new LifecyclePolicy(IdlePolicy.NEVER, Duration.ZERO), null,
                        Duration.ofHours(1)))
                .suffix("")
                .allowedNetworks(List.of(Cidr.parse("127.0.0.1/32")))
                .nameservers(List.of(dns.address()))
                .build();
        gateway = GatewayProcess.start(config, Transport.NIO, server -> List::of, clock);
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        pve.close();
        dns.close();
        for (MiniHttpServer s : inside.values()) {
            s.close();
        }
    }

    @Test
    void fiftyConcurrentRequestsToAStoppedSandboxStartItOnce() throws Exception {
        int vmid = sandbox(301, "cmux", false, null);
        fiftyConcurrentRequestsAllAnsweredAfterOneWake(vmid);
        assertEquals(1, count("POST /nodes/pve/lxc/301/status/start"), pve.requests().toString());
        assertEquals("running", pve.status(vmid));
    }

    @Test
    void aBrowserGetsTheStartingPageAtOnceAndThenTheContent() throws Exception {
        int vmid = sandbox(302, "cmux", false, null);
        HttpResponse<String> first = http.send(get(vmid, "/").header("Accept", "text/html,*/*").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, first.statusCode());
        assertEquals("sandbox-starting", first.headers().firstValue("X-Gateway-Error").orElse(null));
        assertEquals("1", first.headers().firstValue("Retry-After").orElse(null));
        assertTrue(first.body().contains("Starting sandbox vm-302"), first.body());
        assertTrue(first.body().contains("http-equiv=\"refresh\" content=\"1\""), first.body());

        // what the page's refresh does: load again until the sandbox answers
        AtomicReference<HttpResponse<String>> page = new AtomicReference<>(first);
        Await.until(() -> {
            page.set(http.send(get(vmid, "/").header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString()));
            return page.get().statusCode() != 503;
        }, Duration.ofSeconds(20), "the sandbox answers the page's reload");
        assertEquals(200, page.get().statusCode(), page.get().body());
        assertEquals("inside vm-302", page.get().body());
        assertEquals(1, count("POST /nodes/pve/lxc/302/status/start"));
    }

    @Test
    void aSandboxThatFailsToStartGives502WithTheReason() throws Exception {
        int vmid = sandbox(303, "cmux", false, null);
        pve.failNextStartTask("startup for container '303' failed");
        HttpResponse<String> r = http.send(get(vmid, "/").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(502, r.statusCode(), r.body());
        assertEquals("wake-failed", r.headers().firstValue("X-Gateway-Error").orElse(null));
        assertTrue(r.body().contains("startup for container '303' failed"), r.body());
        assertEquals("stopped", pve.status(vmid));
        assertEquals(1, value(metrics(), "cmux_gateway_wakes_total{result=\"failed\"}"));
    }

    @Test
    void aContainerWithoutTheCmuxTagIsNeverStarted() throws Exception {
        int vmid = sandbox(304, "database", false, null);
        HttpResponse<String> r = http.send(get(vmid, "/").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(502, r.statusCode(), r.body());
        assertEquals("unresolved", r.headers().firstValue("X-Gateway-Error").orElse(null));
        assertEquals(0, count("POST /nodes/pve/lxc/304/status/start"));
        assertEquals(0, count("POST /nodes/pve/lxc/304/status/resume"));
        assertEquals("stopped", pve.status(vmid));
    }

    @Test
    void anIdleSandboxIsSuspendedAndWokenAgainByTheNextRequest() throws Exception {
        int vmid = sandbox(305, "cmux", true, new IdlePolicy(Duration.ofSeconds(1), IdlePolicy.SUSPEND));
        HttpResponse<String> before = http.send(get(vmid, "/").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, before.statusCode());
        Instant seen = lastActivity(vmid);
        assertNotNull(seen, "GET /v1/sandboxes shows the request as the last activity");

        assertEquals(List.of(), idlePass().vmids("suspend"), "just used: not idle");
        clock.advance(Duration.ofMillis(999));
        assertEquals(List.of(), idlePass().vmids("suspend"), "not yet 1 s without traffic");
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(vmid), idlePass().vmids("suspend"), "1 s without traffic");
        assertTrue(pve.suspended(vmid));
        assertEquals("stopped", pve.status(vmid));
        assertEquals(1, value(metrics(),
                "cmux_gateway_lifecycle_actions_total{action=\"suspend\",reason=\"autoStop\"}"));
        JsonNode slept = JSON.readTree(control("/v1/events")).path("events").get(0);
        assertEquals("suspend", slept.path("kind").asText(), "the operator page's events: " + slept);
        assertEquals(vmid, slept.path("vmid").asInt());
        assertEquals("lifecycle: autoStop", slept.path("message").asText());

        HttpResponse<String> after = http.send(get(vmid, "/again").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, after.statusCode(), after.body());
        assertEquals("inside vm-305", after.body());
        assertEquals(1, count("POST /nodes/pve/lxc/305/status/resume"), "resumed, not cold-started");
        assertEquals(0, count("POST /nodes/pve/lxc/305/status/start"));
    }

    @Test
    void theOperatorPageSeesEachRequestInItsMinuteAndTheWakeAsAnEvent() throws Exception {
        int vmid = sandbox(307, "cmux", false, null);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, http.send(get(vmid, "/" + i).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        int other = sandbox(308, "database", false, null);
        HttpResponse<String> refused = http.send(get(other, "/").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("unresolved", refused.headers().firstValue("X-Gateway-Error").orElse(null));

        AtomicReference<JsonNode> traffic = new AtomicReference<>();
        Await.until(() -> {
            traffic.set(JSON.readTree(control("/v1/traffic")));
            return traffic.get().path("overall").path("requests").get(59).asLong() == 4;
        }, Duration.ofSeconds(10), () -> "four requests this minute: " + traffic.get());
        JsonNode sandbox = traffic.get().path("sandboxes").path(String.valueOf(vmid));
        assertEquals(3, sandbox.path("requests").get(59).asLong(), traffic.get().toString());
        assertTrue(sandbox.path("p99Ms").get(59).isNumber(), sandbox.toString());
        assertEquals(1, traffic.get().path("overall").path("errors").path("unresolved").get(59).asLong());
        assertTrue(traffic.get().path("sandboxes").path(String.valueOf(other)).isMissingNode(),
                "a vmid whose requests never reached it gets no ring");

        clock.advance(Duration.ofMinutes(1));
        JsonNode later = JSON.readTree(control("/v1/traffic")).path("sandboxes").path(String.valueOf(vmid));
        assertEquals(3, later.path("requests").get(58).asLong(), "a minute on, they are the previous minute's");
        assertEquals(0, later.path("requests").get(59).asLong());

        JsonNode wake = JSON.readTree(control("/v1/events")).path("events").get(0);
        assertEquals("wake", wake.path("kind").asText(), wake.toString());
        assertEquals(vmid, wake.path("vmid").asInt());
        assertTrue(wake.path("ok").asBoolean());
        assertTrue(wake.path("durationMs").isNumber(), wake.toString());
    }

    @Test
    void aWebSocketWithTrafficKeepsItsSandboxAwake() throws Exception {
        try (WebSocketEchoServer echo = new WebSocketEchoServer()) {
            int vmid = 306;
            ports.put(vmid, echo.port());
            pve.seedContainer(vmid, "cmux-" + vmid, true, "cmux",
                    metadata(new IdlePolicy(Duration.ofSeconds(1), IdlePolicy.STOP)));
            try (RawWebSocket ws = new RawWebSocket(gateway.gateway.address().getPort(), host(vmid))) {
                JsonNode traffic = JSON.readTree(control("/v1/traffic")).path("sandboxes").path("306");
                assertEquals(1, traffic.path("requests").get(59).asLong(), "the upgrade counts once its 101 came: "
                        + traffic);
                assertEquals(1, JSON.readTree(control("/v1/sandboxes/306")).path("openWebSockets").asInt(),
                        "the operator sees the open WebSocket");
                assertEquals(List.of(), idlePass().vmids("stop"), "first seen running: not idle");
                // three idle periods with a message every 200 ms: the sandbox stays up
                for (int i = 0; i < 15; i++) {
                    assertEquals("tick " + i, ws.echo("tick " + i));
                    clock.advance(Duration.ofMillis(200));
                    assertEquals(List.of(), idlePass().vmids("stop"), "a message 200 ms ago");
                }
                assertEquals("running", pve.status(vmid));
                assertEquals(0, count("POST /nodes/pve/lxc/306/status/stop"));
                // silence, the socket still open: now it is idle
                clock.advance(Duration.ofMillis(800));
                assertEquals(List.of(vmid), idlePass().vmids("stop"), "1 s since the last message");
                assertEquals("stopped", pve.status(vmid));
                assertEquals(1, count("POST /nodes/pve/lxc/306/status/stop"));
            }
            Await.until(() -> JSON.readTree(control("/v1/sandboxes/306")).path("openWebSockets").asInt() == 0,
                    "the closed WebSocket is no longer counted as open");
        }
    }

    /** cmux's URL form, {@code port-P-<instanceId>}: the same wake, and the control API gives both forms. */
    @Test
    void aRequestByInstanceIdWakesTheStoppedSandboxOnce() throws Exception {
        String name = "pvelxc-5eed5eed";
        int vmid = 310;
        ports.put(vmid, RoutablePorts.pick());
        pve.seedContainer(vmid, name, false, "cmux", metadata(null));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.gateway.address().getPort() + "/api")).header("Host", "port-" + ports.get(vmid)
                        + "-" + name.toUpperCase() + ".sandbox.test").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("inside vm-" + vmid, r.body());
        assertEquals(1, count("POST /nodes/pve/lxc/310/status/start"), pve.requests().toString());
        assertEquals(1, value(metrics(), "cmux_gateway_wakes_total{result=\"woken\"}"));
        JsonNode s = JSON.readTree(control("/v1/sandboxes/" + vmid));
        assertEquals(name, s.path("hostname").asText(), s.toString());
        assertEquals("https://port-39378-vm-310.sandbox.test", s.path("urls").path("vscode").asText());
        assertEquals("https://port-39378-" + name + ".sandbox.test", s.path("instanceUrls").path("vscode").asText());
    }

    /**
     * The first test again for a QEMU VM at each sleep level (docs/pve-qemu.md §4): one PVE call, of the kind the
     * level needs (paused → resume, hibernated → start, which loads its RAM from disk, stopped → start).
     */
    @ParameterizedTest(name = "a {0} VM is woken by {1}")
    @CsvSource({"paused, resume, 321", "hibernated, start, 322", "stopped, start, 323"})
    void fiftyConcurrentRequestsToASleepingVmWakeItOnceTheWayItsLevelNeeds(String level, String action, int vmid)
            throws Exception {
        vm(vmid, level);
        fiftyConcurrentRequestsAllAnsweredAfterOneWake(vmid);
        assertEquals(1, count("POST /nodes/pve/qemu/" + vmid + "/status/" + action), pve.requests().toString());
        String other = action.equals("start") ? "resume" : "start";
        assertEquals(0, count("POST /nodes/pve/qemu/" + vmid + "/status/" + other), pve.requests().toString());
        // the wake starts from the check's read of the sandbox: its config is read once on the way
        assertEquals(1, count("GET /nodes/pve/qemu/" + vmid + "/config"), pve.requests().toString());
        assertEquals("running", pve.qmpStatus(vmid));
        assertFalse(pve.hibernated(vmid));
        assertEquals("vm", JSON.readTree(control("/v1/sandboxes/" + vmid)).path("kind").asText());
        assertEquals(1, value(metrics(), "cmux_gateway_wakes_from_total{from=\"" + level + "\",kind=\"vm\"}"));
    }

    /** 50 requests at once to a sleeping sandbox: all answered by it, counted as one wake and 50 woken requests. */
    private void fiftyConcurrentRequestsAllAnsweredAfterOneWake(int vmid) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(http.sendAsync(get(vmid, "/api/" + i).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            HttpResponse<String> r = a.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("inside vm-" + vmid, r.body());
        }
        String metrics = metrics();
        assertEquals(1, value(metrics, "cmux_gateway_wakes_total{result=\"woken\"}"), metrics);
        assertEquals(50, value(metrics, "cmux_gateway_woken_requests_total"), metrics);
    }

    @ParameterizedTest(name = "a {0} VM")
    @CsvSource({"paused, resume, 331", "hibernated, start, 332", "stopped, start, 333"})
    void aBrowserGetsTheStartingPageOfASleepingVmAndThenItsContent(String level, String action, int vmid)
            throws Exception {
        vm(vmid, level);
        HttpResponse<String> first = http.send(get(vmid, "/").header("Accept", "text/html,*/*").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, first.statusCode(), first.body());
        assertEquals("sandbox-starting", first.headers().firstValue("X-Gateway-Error").orElse(null));
        assertTrue(first.body().contains("Starting sandbox vm-" + vmid), first.body());
        AtomicReference<HttpResponse<String>> page = new AtomicReference<>(first);
        Await.until(() -> {
            page.set(http.send(get(vmid, "/").header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString()));
            return page.get().statusCode() != 503;
        }, Duration.ofSeconds(20), "the VM answers the page's reload");
        assertEquals(200, page.get().statusCode(), page.get().body());
        assertEquals("inside vm-" + vmid, page.get().body());
        assertEquals(1, count("POST /nodes/pve/qemu/" + vmid + "/status/" + action));
    }

    @Test
    void aRunningVmWithoutItsGuestAgentIsUnresolvedWithASentenceThatSaysSo() throws Exception {
        int vmid = vm(324, "running");
        pve.guestAgent(vmid, "1", false);
        HttpResponse<String> r = http.send(get(vmid, "/").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(502, r.statusCode(), r.body());
        assertEquals("unresolved", r.headers().firstValue("X-Gateway-Error").orElse(null));
        assertTrue(r.body().contains("QEMU guest agent is not running"), r.body());
        assertEquals(0, count("POST /nodes/pve/qemu/324/status/start"), "a running VM is not started again");
    }

    /**
     * {@code pause} after 10 min, {@code hibernate} after 2 h, {@code stop} after a day, on the test's clock: the VM
     * walks the levels one pass at a time, and a request wakes it from each with one PVE call.
     */
    @Test
    void aChainedIdlePolicyWalksAVmFromPauseToHibernateToStopAndOneRequestWakesItFromEachLevel() throws Exception {
        IdlePolicy chain = new IdlePolicy(Duration.ofMinutes(10), IdlePolicy.PAUSE, new IdlePolicy(Duration.ofHours(2),
                IdlePolicy.HIBERNATE, new IdlePolicy(Duration.ofDays(1), IdlePolicy.STOP)));
        int vmid = 340;
        ports.put(vmid, RoutablePorts.pick());
        pve.seedVm(vmid, "cmux-" + vmid, true, "cmux", metadata(chain));
        serve(vmid);
        assertEquals(200, http.send(get(vmid, "/").build(), HttpResponse.BodyHandlers.ofString()).statusCode());

        walkTo(vmid, "pause");
        assertEquals("paused", pve.qmpStatus(vmid));
        wakeWithOneRequest(vmid, "resume", 1);

        walkTo(vmid, "pause");
        walkTo(vmid, "hibernate");
        assertTrue(pve.hibernated(vmid));
        wakeWithOneRequest(vmid, "start", 1);

        walkTo(vmid, "pause");
        walkTo(vmid, "hibernate");
        walkTo(vmid, "stop");
        assertEquals("stopped", pve.status(vmid));
        assertFalse(pve.hibernated(vmid), "stopping a hibernated VM discards its RAM state");
        wakeWithOneRequest(vmid, "start", 2);
        assertEquals(1, count("POST /nodes/pve/qemu/340/status/resume"), "only the paused level was resumed");
        assertEquals(3, value(metrics(), "cmux_gateway_lifecycle_actions_total{action=\"pause\",reason=\"autoStop\"}"));
    }

    /** Passes at the chain's step times (from the last step, or the start of idleness) until {@code action} is done. */
    private void walkTo(int vmid, String action) {
        Duration wait = switch (action) {
            case "pause" -> Duration.ofMinutes(10);
            case "hibernate" -> Duration.ofHours(2).minusMinutes(10);
            default -> Duration.ofDays(1).minusHours(2);
        };
        idlePass(); // the pass that first sees it at its current level
        clock.advance(wait.minusSeconds(1));
        assertEquals(List.of(), idlePass().vmids(action), action + " is not due a second early");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(vmid), idlePass().vmids(action), action + " is due");
    }

    private void wakeWithOneRequest(int vmid, String action, long calls) throws Exception {
        HttpResponse<String> r = http.send(get(vmid, "/wake").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("inside vm-" + vmid, r.body());
        assertEquals(calls, count("POST /nodes/pve/qemu/" + vmid + "/status/" + action), pve.requests().toString());
        assertEquals("running", pve.qmpStatus(vmid));
    }

    // ---- helpers ----

    /** A sandbox VM asleep at {@code level} (or running); its server listens on a port of its own while it runs. */
    private int vm(int vmid, String level) throws IOException {
        ports.put(vmid, RoutablePorts.pick());
        pve.seedVm(vmid, "cmux-" + vmid, level, "cmux", metadata(null));
        if (level.equals("running")) {
            serve(vmid);
        }
        return vmid;
    }

    /** One pass of the gateway's lifecycle, at the test's clock. */
    private LifecycleReaper.Pass idlePass() {
        return gateway.power.lifecyclePass().orElseThrow();
    }

    /** A sandbox container (tagged {@code tags}); its server listens on a port of its own while it runs. */
    private int sandbox(int vmid, String tags, boolean running, IdlePolicy idle) throws IOException {
        ports.put(vmid, RoutablePorts.pick());
        pve.seedContainer(vmid, "cmux-" + vmid, running, tags, metadata(idle));
        if (running) {
            serve(vmid);
        }
        return vmid;
    }

    private static String metadata(IdlePolicy idle) {
        return new SandboxMetadata("test", Instant.now(), null, SandboxMetadata.KEEP, idle).toDescription();
    }

    private void serve(int vmid) {
        try {
            inside.put(vmid, MiniHttpServer.on(InetAddress.getLoopbackAddress(), ports.get(vmid), "inside vm-" + vmid));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve for vm-" + vmid, e);
        }
    }

    private void stopServing(int vmid) {
        MiniHttpServer s = inside.remove(vmid);
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private String host(int vmid) {
        return "port-" + ports.get(vmid) + "-vm-" + vmid + ".sandbox.test";
    }

    private HttpRequest.Builder get(int vmid, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway.address().getPort() + path))
                .header("Host", host(vmid)).timeout(Duration.ofSeconds(30));
    }

    /** How often PVE was asked {@code METHOD /path} (the path after {@code /api2/json}). */
    private long count(String request) {
        String full = request.replaceFirst(" ", " /api2/json");
        return pve.requests().stream().filter(full::equals).count();
    }

    private String control(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + gateway.control.address().getPort() + path)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private String metrics() throws Exception {
        return control("/metrics");
    }

    private Instant lastActivity(int vmid) throws Exception {
        for (JsonNode s : JSON.readTree(control("/v1/sandboxes")).path("sandboxes")) {
            if (s.path("vmid").asInt() == vmid) {
                assertEquals("PT1S", s.path("autoStop").path("after").asText(), s.toString());
                return s.path("lastActivity").isNull() ? null : Instant.parse(s.path("lastActivity").asText());
            }
        }
        fail("sandbox " + vmid + " is not listed");
        return null;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
