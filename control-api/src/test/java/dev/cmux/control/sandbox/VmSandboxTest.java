package dev.cmux.control.sandbox;

import dev.cmux.control.exec.ExecdClient;
import dev.cmux.control.image.Snapshot;
import dev.cmux.control.image.Snapshots;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.TaskWaiter;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QEMU VMs as sandboxes on the emulator: one model, kind {@code vm}; clone, the sleep levels and the way back. */
class VmSandboxTest {

    static final int VM_TEMPLATE = 9100;

    private PveEmulator pve;
    private PveClient client;
    private final List<Integer> invalidated = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T04:00:00Z"));

    @BeforeEach
    void start() {
        pve = PveEmulator.start();
        pve.seedVmTemplate(VM_TEMPLATE);
        pve.taskDuration(Duration.ofMillis(30));
        client = PveClient.create(pve.config(VM_TEMPLATE));
    }

    @AfterEach
    void stop() {
        client.close();
        assertEquals(List.of(), pve.violations(), "requests real PVE would reject");
        pve.close();
    }

    private SandboxService service() {
        SandboxSettings settings = SandboxSettings.defaults("sandbox.example.com", VM_TEMPLATE)
                .withPolling(Duration.ofMillis(15), Duration.ofSeconds(10));
        return new SandboxService(client, settings, new ExecdClient(settings.execdPort()), invalidated::add, clock);
    }

    private static String metadata() {
        return new SandboxMetadata("test", Instant.parse("2026-12-07T03:00:00Z"), null, SandboxMetadata.KEEP, null)
                .toDescription();
    }

    @Test
    void aVmTemplateIsLinkedClonedWithANameStartedAndAddressedThroughItsAgent() {
        Sandbox s = service().create(new CreateRequest(2, 4096, null, "alice", null));

        assertEquals(SandboxKind.VM, s.kind());
        assertEquals("cmux-100", s.hostname());
        assertEquals("running", s.status());
        assertEquals("10.10.0.102", s.address(), "the agent's eth0 address; lo and link-local are skipped");
        assertTrue(pve.requests().contains("POST /api2/json/nodes/pve/qemu/9100/clone"), pve.requests().toString());
        Map<String, Object> config = pve.configOf(100);
        assertEquals("cmux-100", config.get("name"));
        assertEquals("4096", config.get("memory"), "a VM's memory reads back as a string");
        assertEquals("cmux", config.get("tags"));
        assertTrue(String.valueOf(config.get("scsi0")).startsWith("local-zfs:base-9100-disk-0/"), "linked");
        assertEquals(List.of(100), invalidated);
        Sandbox listed = service().list().get(0);
        assertEquals(SandboxKind.VM, listed.kind());
        assertEquals("cmux-100", listed.hostname());
    }

    @Test
    void aVmWithoutAnAgentIsRolledBackWithASentenceThatSaysSo() {
        SandboxSettings quick = SandboxSettings.defaults("sandbox.example.com", VM_TEMPLATE)
                .withPolling(Duration.ofMillis(15), Duration.ofMillis(600));
        SandboxService service = new SandboxService(client, quick, new ExecdClient(quick.execdPort()),
                invalidated::add, clock);
        pve.guestAgent(VM_TEMPLATE, "1", false); // the template's guest has no qemu-ga: neither have its clones
        SandboxException e = assertThrows(SandboxException.class,
                () -> service.create(new CreateRequest(null, null, null, "bob", null)));
        assertEquals("no-address", e.code());
        assertTrue(e.getMessage().contains("guest agent"), e.getMessage());
        assertFalse(pve.exists(100), "the clone was destroyed again");
    }

    @Test
    void pauseHibernateAndStopAreThreeLevelsAndWakeTakesTheRightWayBackFromEach() {
        pve.seedVm(200, "cmux-200", true, "cmux", metadata());
        SandboxService service = service();

        assertEquals("paused", service.power(200, PowerAction.PAUSE).status());
        assertEquals("paused", pve.qmpStatus(200));
        assertEquals("running", pve.status(200), "a paused VM's QEMU process still runs");
        assertEquals("paused", service.list().get(0).status(), "/cluster/resources shows the qmpstatus");
        assertTrue(service.wake(200, IdlePolicy.NEVER));
        assertEquals(1, count("POST /api2/json/nodes/pve/qemu/200/status/resume"));
        assertEquals("running", pve.qmpStatus(200));

        Sandbox hibernated = service.power(200, PowerAction.HIBERNATE);
        assertEquals("hibernated", hibernated.status());
        assertNull(hibernated.lock(), "the suspended lock is the hibernation, not a task's lock");
        assertTrue(pve.hibernated(200));
        assertTrue(service.wake(200, IdlePolicy.NEVER));
        assertEquals(1, count("POST /api2/json/nodes/pve/qemu/200/status/start"), "hibernated → start");
        assertFalse(pve.hibernated(200), "waking freed the state volume and the lock");

        assertEquals("stopped", service.power(200, PowerAction.STOP).status());
        assertTrue(service.wake(200, IdlePolicy.NEVER));
        assertEquals(2, count("POST /api2/json/nodes/pve/qemu/200/status/start"));
        assertEquals(1, count("POST /api2/json/nodes/pve/qemu/200/status/resume"));
        assertFalse(service.wake(200, IdlePolicy.NEVER), "running: nothing to do");
    }

    @Test
    void aWakeFromASandboxReadAMomentAgoReadsItNotAgainAndHandsTheResolverTheAddressItWaitedFor() {
        pve.seedVm(203, "cmux-203", true, "cmux", metadata());
        List<String> told = new CopyOnWriteArrayList<>();
        SandboxSettings settings = SandboxSettings.defaults("sandbox.example.com", VM_TEMPLATE)
                .withPolling(Duration.ofMillis(15), Duration.ofSeconds(10));
        SandboxService service = new SandboxService(client, settings, new ExecdClient(settings.execdPort()),
                new ResolverInvalidation() {
                    @Override
                    public void invalidate(int vmid) {
                        told.add("invalidate " + vmid);
                    }

                    @Override
                    public void running(int vmid, String address) {
                        told.add(vmid + " runs at " + address);
                    }
                }, clock);
        service.power(203, PowerAction.PAUSE);
        Sandbox paused = service.get(203);
        told.clear();
        int before = pve.requests().size();

        assertEquals("paused", service.wakeFrom(paused, IdlePolicy.NEVER).orElseThrow().status());

        List<String> during = pve.requests().subList(before, pve.requests().size());
        assertEquals(0, during.stream().filter(r -> r.endsWith("/config") || r.contains("/cluster/resources"))
                .count(), during.toString());
        assertEquals(List.of("203 runs at " + service.get(203).address()), told);
    }

    @Test
    void suspendOfAVmIsItsPauseAndVmOnlyActionsAreRefusedForContainers() {
        pve.seedVm(201, "cmux-201", true, "cmux", metadata());
        pve.seedContainer(202, "cmux-202", true, "cmux", metadata());
        SandboxService service = service();

        assertEquals("paused", service.power(201, PowerAction.SUSPEND).status());
        SandboxException conflict = assertThrows(SandboxException.class, () -> service.power(201, PowerAction.START));
        assertEquals("conflicting-state", conflict.code());
        assertTrue(conflict.getMessage().contains("resume it"), conflict.getMessage());
        SandboxException wrongKind = assertThrows(SandboxException.class,
                () -> service.power(202, PowerAction.HIBERNATE));
        assertEquals("wrong-kind", wrongKind.code());
        assertEquals("running", pve.status(202));
    }

    @Test
    void aShutdownIgnoredByTheGuestEndsInAForcedStop() {
        pve.seedVm(203, "cmux-203", true, "cmux", metadata());
        pve.ignoresAcpi(203);
        assertEquals("stopped", service().power(203, PowerAction.SHUTDOWN).status());
        assertTrue(pve.responses().contains("POST /api2/json/nodes/pve/qemu/203/status/shutdown -> 200 OK"));
    }

    @Test
    void aHibernatedVmIsDestroyedWithPurgeAndARunningOneIsStoppedFirst() {
        pve.seedVm(204, "cmux-204", true, "cmux", metadata());
        pve.seedVm(205, "cmux-205", true, "cmux", metadata());
        SandboxService service = service();
        service.power(204, PowerAction.HIBERNATE);
        service.destroy(204);
        service.destroy(205);
        assertFalse(pve.exists(204));
        assertFalse(pve.exists(205));
        assertEquals(1, count("POST /api2/json/nodes/pve/qemu/205/status/stop"));
        assertEquals(0, count("POST /api2/json/nodes/pve/qemu/204/status/stop"), "hibernated: not running");
    }

    @Test
    void metadataIsWrittenToAVmsDescription() {
        pve.seedVm(206, "cmux-206", false, "cmux", metadata());
        Sandbox s = service().updateMetadata(206, m -> m.withStoppedAt(Instant.parse("2026-12-07T04:10:00Z")));
        assertEquals(Instant.parse("2026-12-07T04:10:00Z"), s.metadata().stoppedAt());
        assertEquals(SandboxKind.VM, s.kind());
    }

    @Test
    void aSnapshotKeepsARunningVmsRamWhenAskedAndRollingBackToItEndsRunning() {
        pve.seedVm(207, "cmux-207", true, "cmux", metadata());
        pve.seedContainer(208, "cmux-208", true, "cmux", metadata());
        SandboxService service = service();
        Snapshots snapshots = new Snapshots(client, service, new TaskWaiter(client, Poller.SYSTEM,
                Duration.ofMillis(15), Duration.ofSeconds(10)), invalidated::add);

        snapshots.create(207, "withram", "before the experiment", true);
        snapshots.create(207, "disk", null, false);
        assertEquals(Map.of("withram", true, "disk", false), pve.vmSnapshots(207));
        service.power(207, PowerAction.STOP);
        assertEquals("running", snapshots.rollback(207, "withram").status(), "the RAM state runs again");
        assertEquals(List.of("withram", "disk"), snapshots.list(207).stream().map(Snapshot::name).toList());

        SandboxException container = assertThrows(SandboxException.class,
                () -> snapshots.create(208, "ram", null, true));
        assertEquals("vmstate-for-vms", container.code());
    }

    private long count(String request) {
        return pve.requests().stream().filter(request::equals).count();
    }
}
