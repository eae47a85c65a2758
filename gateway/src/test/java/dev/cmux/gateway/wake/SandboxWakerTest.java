package dev.cmux.gateway.wake;

import dev.cmux.control.api.MetricsText;
import dev.cmux.control.events.EventLog;
import dev.cmux.control.events.SandboxEvent;
import dev.cmux.control.exec.ExecdClient;
import dev.cmux.control.testing.Await;
import dev.cmux.gateway.exchange.SandboxWake;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.IdlePolicy;
import dev.cmux.control.sandbox.SandboxMetadata;
import dev.cmux.control.sandbox.SandboxService;
import dev.cmux.control.sandbox.SandboxSettings;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.config.WakeConfig;
import dev.cmux.gateway.metrics.GatewayMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The waker against the PVE emulator: one status read and one start per sandbox, the wake budget, the tag rule. */
class SandboxWakerTest {

    private PveEmulator pve;
    private PveClient client;
    private SandboxWaker waker;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final EventLog events = new EventLog(Clock.systemUTC());

    @BeforeEach
    void start() {
        pve = PveEmulator.start();
        pve.taskDuration(Duration.ofMillis(200));
        client = PveClient.create(pve.config(null));
        SandboxSettings settings = SandboxSettings.defaults(null, null).withPolling(Duration.ofMillis(20),
                Duration.ofSeconds(10));
        SandboxService sandboxes = new SandboxService(client, settings, new ExecdClient(settings.execdPort()),
                vmid -> { }, Clock.systemUTC());
        GatewayConfig config = GatewayConfig.builder()
                .wake(new WakeConfig(true, Duration.ofSeconds(5), Duration.ofSeconds(1), 2, Duration.ofMinutes(10)))
                .build();
        waker = new SandboxWaker(sandboxes, new SandboxActivity(Clock.systemUTC()), metrics, () -> config, events);
    }

    @AfterEach
    void stop() {
        waker.close();
        client.close();
        assertEquals(List.of(), pve.violations());
        pve.close();
    }

    @Test
    void manyChecksAndWakesOfOneSandboxAskPveOnceEach() throws Exception {
        sandbox(400, false);
        List<CompletableFuture<SandboxWake.State>> checks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            checks.add(waker.check(400));
        }
        for (CompletableFuture<SandboxWake.State> c : checks) {
            assertEquals(SandboxWake.State.ASLEEP, c.get(5, TimeUnit.SECONDS));
        }
        assertEquals(1, count("GET /api2/json/nodes/pve/lxc/400/status/current"));

        List<CompletableFuture<Void>> wakes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            wakes.add(waker.wake(400));
        }
        assertEquals(SandboxWake.State.WAKING, waker.check(400).get(5, TimeUnit.SECONDS), "while it wakes");
        for (CompletableFuture<Void> w : wakes) {
            w.get(10, TimeUnit.SECONDS);
        }
        assertEquals(1, count("POST /api2/json/nodes/pve/lxc/400/status/start"));
        assertEquals("running", pve.status(400));
        assertEquals(SandboxWake.State.WAKING, waker.check(400).get(), "woken a moment ago: wait for its port");
    }

    @Test
    void aSandboxWokenTooOftenIsRefusedUntilTheWindowHasPassed() throws Exception {
        sandbox(401, false);
        for (int i = 0; i < 2; i++) {
            waker.wake(401).get(10, TimeUnit.SECONDS);
            client.post("/nodes/pve/lxc/401/status/stop", java.util.Map.of());
            awaitStatus(401, "stopped");
            waker.markAsleep(401); // as the idle policy would
        }
        ExecutionException e = assertThrows(ExecutionException.class, () -> waker.wake(401).get(10, TimeUnit.SECONDS));
        assertInstanceOf(SandboxWake.Limited.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("2 times within 10 min"), e.getCause().getMessage());
        assertEquals(2, count("POST /api2/json/nodes/pve/lxc/401/status/start"));
        assertEquals(1, MetricsText.value(MetricsText.of(metrics), "cmux_gateway_wakes_total{result=\"limited\"}"));
    }

    @Test
    void aContainerWithoutTheTagIsNotASandbox() throws Exception {
        pve.seedContainer(402, "cmux-402", false, "web", null);
        assertEquals(SandboxWake.State.NOT_SANDBOX, waker.check(402).get(5, TimeUnit.SECONDS));
        assertTrue(pve.requests().stream().noneMatch(r -> r.startsWith("POST")));
    }

    @Test
    void aWakeIsAnEventWithItsDurationAndAFailedOneWithPvesReason() throws Exception {
        sandbox(410, false);
        sandbox(411, false);
        waker.wake(410).get(10, TimeUnit.SECONDS);
        SandboxEvent woken = events.recent().get(0);
        assertEquals("wake", woken.kind());
        assertEquals(410, woken.vmid());
        assertTrue(woken.ok());
        assertTrue(woken.duration() != null && woken.duration() >= 0, woken.toString());

        pve.failNextStartTask("startup for container '411' failed");
        assertThrows(ExecutionException.class, () -> waker.wake(411).get(10, TimeUnit.SECONDS));
        SandboxEvent failed = events.recent().get(0);
        assertEquals(411, failed.vmid());
        assertFalse(failed.ok());
        assertTrue(failed.message().contains("startup for container '411' failed"), failed.message());
    }

    private void sandbox(int vmid, boolean running) {
        pve.seedContainer(vmid, "cmux-" + vmid, running, "cmux",
                new SandboxMetadata("t", Instant.now(), null, SandboxMetadata.KEEP, IdlePolicy.NEVER).toDescription());
    }

    private long count(String request) {
        return pve.requests().stream().filter(request::equals).count();
    }

    private void awaitStatus(int vmid, String status) throws Exception {
        Await.until(() -> status.equals(pve.status(vmid)), "sandbox " + vmid + " " + status);
    }
}
