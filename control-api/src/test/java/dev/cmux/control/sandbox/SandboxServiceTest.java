package dev.cmux.control.sandbox;

import dev.cmux.control.exec.ExecdClient;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.pve.PveException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxServiceTest {

    static final int TEMPLATE = 9000;

    private PveEmulator pve;
    private PveClient client;
    private MutableClock clock;
    private final List<Integer> invalidated = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        pve = PveEmulator.start();
        pve.seedTemplate(TEMPLATE);
        pve.taskDuration(Duration.ofMillis(40));
        client = PveClient.create(pve.config(TEMPLATE));
        clock = new MutableClock(Instant.parse("2026-12-01T06:00:00Z"));
    }

    @AfterEach
    void stop() {
        client.close();
        assertEquals(List.of(), pve.violations(), "requests real PVE would reject");
        pve.close();
    }

    static SandboxSettings settings() {
        return SandboxSettings.defaults("sandbox.example.com", TEMPLATE)
                .withPolling(Duration.ofMillis(15), Duration.ofSeconds(10));
    }

    private SandboxService service(SandboxSettings settings) {
        return new SandboxService(client, settings, new ExecdClient(settings.execdPort()), invalidated::add, clock);
    }

    @Test
    void createReturnsARunningSandboxWithItsAddressAndPublicUrls() {
        Sandbox s = service(settings()).create(new CreateRequest(2, 1024, Duration.ofHours(2), "alice", null));

        assertEquals(100, s.vmid());
        assertEquals("cmux-100", s.hostname());
        assertEquals("running", s.status());
        assertEquals("10.10.0.102", s.address());
        assertEquals("https://port-39378-vm-100.sandbox.example.com", s.urls().get("vscode"));
        assertEquals("https://port-39377-vm-100.sandbox.example.com", s.urls().get("worker"));
        assertEquals("https://port-39383-vm-100.sandbox.example.com", s.urls().get("xterm"));
        assertEquals("https://port-39380-vm-100.sandbox.example.com", s.urls().get("vnc"));
        assertEquals("https://port-5173-vm-100.sandbox.example.com", s.urls().get("preview"));
        Map<String, Object> config = pve.configOf(100);
        assertEquals("cmux", config.get("tags"));
        assertEquals(2, config.get("cores"));
        assertEquals(1024, config.get("memory"));
        assertTrue(String.valueOf(config.get("description")).contains("\"owner\":\"alice\""));
        assertTrue(String.valueOf(config.get("rootfs")).contains("basevol-9000"), "a linked clone of the template");
        assertEquals(List.of(100), invalidated);
    }

    @Test
    void createFailingInsideTheStartTaskRollsBackAndSaysWhy() {
        pve.failNextStartTask("startup for container '100' failed");
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> service(settings()).create(CreateRequest.defaults()));

        assertTrue(e.getMessage().contains("startup for container '100' failed"), e.getMessage());
        assertEquals(0, e.getSuppressed().length, "rollback succeeded");
        assertFalse(pve.exists(100), "the clone is destroyed again");
        assertTrue(pve.exists(TEMPLATE));
        assertNull(pve.lock(TEMPLATE));
    }

    @Test
    void createRefusedAtStartRollsBackAndReportsPvesMessage() {
        pve.rejectNextStart("can't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout");
        PveException e = assertThrows(PveException.class, () -> service(settings()).create(CreateRequest.defaults()));

        assertEquals(500, e.status());
        assertEquals("can't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout", e.getMessage());
        assertFalse(pve.exists(100));
    }

    @Test
    void twoConcurrentCreatesFromOneTemplateBothSucceedOneCloneAfterTheOther() throws Exception {
        SandboxService service = service(settings());
        pve.taskDuration(Duration.ofMillis(600)); // the first clone holds the template's disk lock this long
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CyclicBarrier together = new CyclicBarrier(2);
        try {
            Future<Sandbox> a = threads.submit(() -> {
                together.await();
                return service.create(CreateRequest.defaults());
            });
            Future<Sandbox> b = threads.submit(() -> {
                together.await();
                return service.create(CreateRequest.defaults());
            });
            Sandbox first = a.get();
            Sandbox second = b.get();
            assertNotEquals(first.vmid(), second.vmid());
            assertEquals("running", pve.status(first.vmid()));
            assertEquals("running", pve.status(second.vmid()));
        } finally {
            threads.shutdownNow();
        }
        assertTrue(pve.responses().stream().anyMatch(r -> r.endsWith("/lxc/9000/clone -> 500 CT is locked (disk)")),
                "the second clone met the first one's lock and waited: " + pve.responses());
        assertNull(pve.lock(TEMPLATE));
    }

    @Test
    void cloneTakesTheNextIdWhenTheSuggestedOneWasTakenMeanwhile() {
        assertEquals(100, client.nextId());
        pve.seedContainer(100, "someone-else", false, null, null);
        pve.repeatNextId(1);

        Sandbox s = service(settings()).create(CreateRequest.defaults());

        assertEquals(101, s.vmid());
        assertEquals("someone-else", pve.configOf(100).get("hostname"));
    }

    @Test
    void listAfterARestartReadsOwnerAndTtlFromPve() {
        service(settings()).create(new CreateRequest(null, null, Duration.ofMinutes(30), "bob", "stop"));
        pve.seedContainer(300, "not-ours", true, null, null);

        try (PveClient fresh = PveClient.create(pve.config(TEMPLATE))) {
            SandboxService restarted = new SandboxService(fresh, settings(), new ExecdClient(39375),
                    ResolverInvalidation.NONE, clock);
            List<Sandbox> all = restarted.list();
            assertEquals(1, all.size(), "only tagged containers, not the template: " + all);
            Sandbox s = all.get(0);
            assertEquals(100, s.vmid());
            assertEquals("running", s.status());
            assertEquals("bob", s.metadata().owner());
            assertEquals(Duration.ofMinutes(30), s.metadata().ttl());
            assertEquals("stop", s.metadata().idlePolicy());
            assertEquals(clock.instant(), s.metadata().created());
            assertEquals("10.10.0.102", restarted.get(100).address());
        }
    }

    @Test
    void listAsksForTheStatusWhileClusterResourcesStillSayUnknown() {
        int vmid = service(settings()).create(CreateRequest.defaults()).vmid();
        pve.staleResources(true);

        List<Sandbox> all = service(settings()).list();

        assertEquals(1, all.size());
        assertEquals(vmid, all.get(0).vmid());
        assertEquals("running", all.get(0).status());
        assertEquals("cmux-" + vmid, all.get(0).hostname());
    }

    @Test
    void containersWithoutTheCmuxTagAreNotSandboxes() {
        pve.seedContainer(300, "not-ours", true, "prod", null);
        SandboxService service = service(settings());

        SandboxException e = assertThrows(SandboxException.class, () -> service.destroy(300));
        assertEquals(SandboxException.Kind.NOT_FOUND, e.kind());
        assertThrows(SandboxException.class, () -> service.get(TEMPLATE));
        assertTrue(pve.exists(300));
    }

    @Test
    void destroyStopsARunningSandboxFirst() {
        SandboxService service = service(settings());
        int vmid = service.create(CreateRequest.defaults()).vmid();

        service.destroy(vmid);

        assertFalse(pve.exists(vmid));
        int stopAt = pve.requests().indexOf("POST /api2/json/nodes/pve/lxc/" + vmid + "/status/stop");
        int deleteAt = pve.requests().indexOf("DELETE /api2/json/nodes/pve/lxc/" + vmid);
        assertTrue(stopAt >= 0 && stopAt < deleteAt, pve.requests().toString());
    }

    @Test
    void stoppingAStoppedSandboxIsAConflict() {
        SandboxService service = service(settings());
        int vmid = service.create(CreateRequest.defaults()).vmid();
        assertEquals("stopped", service.power(vmid, PowerAction.STOP).status());

        SandboxException e = assertThrows(SandboxException.class, () -> service.power(vmid, PowerAction.STOP));
        assertEquals(SandboxException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("CT " + vmid + " not running"), e.getMessage());
        assertEquals("running", service.power(vmid, PowerAction.START).status());
    }

    @Test
    void createFromATemplateThatIsNotThereIsUnavailableAndClonesNothing() {
        SandboxSettings missing = new SandboxSettings("d", 9999, "auto", null, 39375, false, Duration.ofMillis(10),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
        SandboxException e = assertThrows(SandboxException.class,
                () -> service(missing).create(CreateRequest.defaults()));
        assertEquals("no-template", e.code());
        assertTrue(e.getMessage().contains("9999"), e.getMessage());
        assertTrue(pve.requests().stream().noneMatch(r -> r.endsWith("/clone")));
    }

    @Test
    void createWithoutATemplateIsUnavailable() {
        SandboxSettings none = new SandboxSettings("d", null, "auto", null, 39375, false, Duration.ofMillis(10),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
        SandboxException e = assertThrows(SandboxException.class, () -> service(none).create(CreateRequest.defaults()));
        assertEquals(SandboxException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("PVE_TEMPLATE_VMID"));
        assertEquals(new ArrayList<>(List.of(TEMPLATE)), new ArrayList<>(pve.vmids()));
    }

    @Test
    void wakeResumesASuspendedSandboxAndStartsAStoppedOne() {
        SandboxService service = service(settings());
        IdlePolicy suspend = new IdlePolicy(Duration.ofMinutes(30), IdlePolicy.SUSPEND);
        int sleeper = service.create(new CreateRequest(null, null, null, "a", null, suspend)).vmid();
        int stopped = service.create(new CreateRequest(null, null, null, "b", null, null)).vmid();
        service.power(sleeper, PowerAction.SUSPEND);
        service.power(stopped, PowerAction.STOP);
        assertTrue(pve.suspended(sleeper));
        invalidated.clear();

        assertTrue(service.wake(sleeper, IdlePolicy.NEVER));
        assertTrue(service.wake(stopped, IdlePolicy.NEVER));

        assertEquals("running", pve.status(sleeper));
        assertEquals("running", pve.status(stopped));
        assertEquals(1, pve.requests().stream().filter(r -> r.endsWith("/lxc/" + sleeper + "/status/resume")).count());
        assertEquals(0, pve.requests().stream().filter(r -> r.endsWith("/lxc/" + stopped + "/status/resume")).count());
        assertEquals(List.of(sleeper, stopped), invalidated, "the data plane looks the new addresses up");
        assertFalse(service.wake(sleeper, IdlePolicy.NEVER), "running already: nothing to do");
    }

    @Test
    void wakeStartsASandboxWhoseResumeFailsBecauseItWasStoppedNotSuspended() {
        SandboxService service = service(settings());
        int vmid = service.create(CreateRequest.defaults()).vmid();
        service.power(vmid, PowerAction.STOP);

        assertTrue(service.wake(vmid, new IdlePolicy(Duration.ofMinutes(5), IdlePolicy.SUSPEND)));

        assertEquals("running", pve.status(vmid));
        assertEquals(1, pve.requests().stream().filter(r -> r.endsWith("/lxc/" + vmid + "/status/resume")).count());
        assertEquals(2, pve.requests().stream().filter(r -> r.endsWith("/lxc/" + vmid + "/status/start")).count(),
                "the create's start, then the wake's");
    }

    @Test
    void wakeNeverTouchesAContainerThatIsNotASandbox() {
        pve.seedContainer(555, "database", false, "db", null);
        SandboxException e = assertThrows(SandboxException.class, () -> service(settings()).wake(555, IdlePolicy.NEVER));
        assertEquals(SandboxException.Kind.NOT_FOUND, e.kind());
        assertEquals("stopped", pve.status(555));
        assertTrue(pve.requests().stream().noneMatch(r -> r.contains("/555/status/start")));
    }

    @Test
    void idlePolicySurvivesTheDescriptionRoundTrip() {
        SandboxMetadata m = new SandboxMetadata("o", Instant.parse("2026-12-01T06:00:00Z"), null, "keep",
                new IdlePolicy(Duration.ofMinutes(30), IdlePolicy.SUSPEND));
        assertEquals(m, SandboxMetadata.fromDescription(m.toDescription()).orElseThrow());
        assertTrue(m.toDescription().contains("\"idle\":{\"after\":\"PT30M\",\"action\":\"suspend\"}"),
                m.toDescription());
    }
}
