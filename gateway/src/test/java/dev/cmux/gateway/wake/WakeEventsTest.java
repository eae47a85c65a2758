package dev.cmux.gateway.wake;

import dev.cmux.control.events.EventLog;
import dev.cmux.control.events.SandboxEvent;
import dev.cmux.control.exec.ExecdClient;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.IdlePolicy;
import dev.cmux.control.sandbox.SandboxMetadata;
import dev.cmux.control.sandbox.SandboxService;
import dev.cmux.control.sandbox.SandboxSettings;
import dev.cmux.gateway.config.GatewayConfig;
import dev.cmux.gateway.metrics.GatewayMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the waker tells the operator page's event log: wakes with their duration or PVE's reason, and sleeps. */
class WakeEventsTest {

    private PveEmulator pve;
    private PveClient client;
    private SandboxWaker waker;
    private final EventLog events = new EventLog(Clock.systemUTC());

    @BeforeEach
    void start() {
        pve = PveEmulator.start();
        client = PveClient.create(pve.config(null));
        SandboxSettings settings = SandboxSettings.defaults(null, null).withPolling(Duration.ofMillis(20),
                Duration.ofSeconds(10));
        SandboxService sandboxes = new SandboxService(client, settings, new ExecdClient(settings.execdPort()),
                vmid -> { }, Clock.systemUTC());
        GatewayConfig config = GatewayConfig.builder().build();
        waker = new SandboxWaker(sandboxes, new SandboxActivity(Clock.systemUTC()), new GatewayMetrics(),
                () -> config, events);
        for (int vmid : List.of(500, 501)) {
            pve.seedContainer(vmid, "cmux-" + vmid, false, "cmux",
                    new SandboxMetadata("t", Instant.now(), null, SandboxMetadata.KEEP, IdlePolicy.NEVER)
                            .toDescription());
        }
    }

    @AfterEach
    void stop() {
        waker.close();
        client.close();
        assertEquals(List.of(), pve.violations());
        pve.close();
    }

    @Test
    void aWakeIsRecordedWithItsDurationAndAFailedOneWithPvesReason() throws Exception {
        waker.wake(500).get(10, TimeUnit.SECONDS);
        SandboxEvent woken = events.recent().get(0);
        assertEquals("wake", woken.kind());
        assertEquals(500, woken.vmid());
        assertTrue(woken.ok());
        assertNotNull(woken.duration());

        pve.failNextStartTask("startup for container '501' failed");
        assertThrows(ExecutionException.class, () -> waker.wake(501).get(10, TimeUnit.SECONDS));
        SandboxEvent failed = events.recent().get(0);
        assertEquals(501, failed.vmid());
        assertFalse(failed.ok());
        assertTrue(failed.message().contains("startup for container '501' failed"), failed.message());
    }

    @Test
    void aSandboxPutToSleepIsRecorded() {
        waker.markAsleep(500); // as the idle policy does after suspending or stopping it
        SandboxEvent sleep = events.recent().get(0);
        assertEquals("sleep", sleep.kind());
        assertEquals(500, sleep.vmid());
    }
}
