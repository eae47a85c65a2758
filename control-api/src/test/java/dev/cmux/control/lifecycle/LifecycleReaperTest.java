package dev.cmux.control.lifecycle;

import dev.cmux.control.exec.ExecdClient;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.CreateRequest;
import dev.cmux.control.sandbox.IdlePolicy;
import dev.cmux.control.sandbox.MutableClock;
import dev.cmux.control.sandbox.Orphans;
import dev.cmux.control.sandbox.PowerAction;
import dev.cmux.control.sandbox.Sandbox;
import dev.cmux.control.sandbox.SandboxException;
import dev.cmux.control.sandbox.SandboxMetadata;
import dev.cmux.control.sandbox.SandboxService;
import dev.cmux.control.sandbox.SandboxSettings;
import dev.cmux.control.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle against the strict PVE emulator, at a clock the test moves: each action (auto-stop, TTL,
 * auto-delete), what {@code nextAction} says before it, and that {@code protected} sandboxes and orphans are never
 * touched.
 */
class LifecycleReaperTest {

    private static final int TEMPLATE = 9000;
    private static final IdlePolicy STOP_AFTER_30M = new IdlePolicy(Duration.ofMinutes(30), IdlePolicy.STOP);

    private PveEmulator pve;
    private PveClient client;
    private SandboxService sandboxes;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T06:00:00Z"));
    private final Map<Integer, Instant> traffic = new ConcurrentHashMap<>();
    private final List<String> acted = new CopyOnWriteArrayList<>();
    private LifecyclePolicy defaults = LifecyclePolicy.NOTHING;
    private LifecycleReaper reaper;

    @BeforeEach
    void start() {
        pve = PveEmulator.start();
        pve.seedTemplate(TEMPLATE);
        pve.taskDuration(Duration.ofMillis(20));
        client = PveClient.create(pve.config(TEMPLATE));
        SandboxSettings settings = SandboxSettings.defaults("sandbox.example.com", TEMPLATE)
                .withPolling(Duration.ofMillis(10), Duration.ofSeconds(10));
        sandboxes = new SandboxService(client, settings, new ExecdClient(settings.execdPort()), vmid -> { }, clock);
        reaper = newReaper();
    }

    /** A reaper as a gateway builds it; a second one is another gateway, or this one after a restart. */
    private LifecycleReaper newReaper() {
        return new LifecycleReaper(sandboxes, () -> defaults, vmid -> Optional.ofNullable(traffic.get(vmid)), clock,
                (vmid, action, reason) -> acted.add(vmid + " " + action + " " + reason));
    }

    @AfterEach
    void stop() {
        reaper.close();
        client.close();
        assertEquals(List.of(), pve.violations(), "requests real PVE would reject");
        pve.close();
    }

    private int create(Duration ttl, String ttlAction, IdlePolicy autoStop, Duration autoDelete, boolean protect) {
        return sandboxes.create(new CreateRequest(null, null, ttl, "t", ttlAction, autoStop, autoDelete, protect))
                .vmid();
    }

    private Optional<NextAction> next(int vmid) {
        return reaper.of(sandboxes.get(vmid));
    }

    @Test
    void aPassedTtlDestroysTheSandboxAndNextActionSaidWhen() {
        int vmid = create(Duration.ofMinutes(10), null, null, null, false);
        Instant created = clock.instant();

        assertEquals(Optional.of(new NextAction("destroy", "ttl", created.plus(Duration.ofMinutes(10)))), next(vmid));
        clock.advance(Duration.ofMinutes(9));
        assertEquals(List.of(), reaper.pass().done(), "not yet");
        assertTrue(pve.exists(vmid));

        clock.advance(Duration.ofMinutes(1));
        LifecycleReaper.Pass pass = reaper.pass();
        assertEquals(List.of(vmid), pass.vmids("destroy"), pass.toString());
        assertEquals(List.of(), pass.errors());
        assertFalse(pve.exists(vmid));
        assertEquals(List.of(vmid + " destroy ttl"), acted);
    }

    @Test
    void aTtlWithIdlePolicyStopStopsItAndKeepLeavesIt() {
        int stopped = create(Duration.ofMinutes(10), SandboxMetadata.STOP, null, null, false);
        int kept = create(Duration.ofMinutes(10), SandboxMetadata.KEEP, null, null, false);
        assertEquals(Optional.empty(), next(kept), "keep: the TTL does nothing");
        clock.advance(Duration.ofMinutes(11));

        LifecycleReaper.Pass pass = reaper.pass();

        assertEquals(List.of(stopped), pass.vmids("stop"), pass.toString());
        assertEquals("stopped", pve.status(stopped));
        assertEquals("running", pve.status(kept));
        assertEquals(Optional.empty(), next(stopped), "stopped by its TTL: nothing more (autoDelete is off)");
        assertEquals(List.of(), reaper.pass().done(), "a second pass has nothing to do");
    }

    @Test
    void autoStopSuspendsAfterInactivityCountedFromTheLastTraffic() {
        defaults = new LifecyclePolicy(new IdlePolicy(Duration.ofMinutes(30), IdlePolicy.SUSPEND), Duration.ZERO);
        int vmid = create(null, null, null, null, false);
        assertEquals(List.of(), reaper.pass().done(), "first seen running: a full period starts");
        Instant seen = clock.instant();
        assertEquals(Optional.of(new NextAction("suspend", "autoStop", seen.plus(Duration.ofMinutes(30)))),
                next(vmid));

        clock.advance(Duration.ofMinutes(20));
        traffic.put(vmid, clock.instant());
        clock.advance(Duration.ofMinutes(20));
        assertEquals(List.of(), reaper.pass().done(), "20 min since its last request");
        assertEquals(clock.instant().plus(Duration.ofMinutes(10)), next(vmid).orElseThrow().at());

        clock.advance(Duration.ofMinutes(10));
        LifecycleReaper.Pass pass = reaper.pass();
        assertEquals(List.of(vmid), pass.vmids("suspend"), pass.toString());
        assertTrue(pve.suspended(vmid));
        assertEquals(clock.instant(), sandboxes.get(vmid).metadata().stoppedAt(), "the stop is stamped in PVE");
        assertEquals(List.of(vmid + " suspend autoStop"), acted);
    }

    @Test
    void aContainerAskedToHibernateIsStoppedInstead() {
        defaults = new LifecyclePolicy(new IdlePolicy(Duration.ofMinutes(30), IdlePolicy.HIBERNATE), Duration.ZERO);
        int vmid = create(null, null, null, null, false);
        reaper.pass();
        clock.advance(Duration.ofMinutes(30));
        LifecycleReaper.Pass pass = reaper.pass();
        assertEquals(List.of(vmid), pass.vmids("stop"), "PVE hibernates VMs only: " + pass);
        assertEquals("stopped", pve.status(vmid));
        assertEquals(List.of(vmid + " stop autoStop"), acted);
    }

    @Test
    void trafficThroughAnotherGatewayKeepsASandboxAwakeButNetworkChatterDoesNot() {
        defaults = new LifecyclePolicy(new IdlePolicy(Duration.ofMinutes(30), IdlePolicy.STOP), Duration.ZERO);
        int vmid = create(null, null, null, null, false);
        reaper.pass();
        for (int i = 0; i < 5; i++) { // 50 minutes of use that this gateway never sees: PVE's counters grow
            clock.advance(Duration.ofMinutes(10));
            pve.guestTraffic(vmid, 1 << 20, 64 << 10);
            assertEquals(List.of(), reaper.pass().done(), "busy through another gateway, minute " + (i + 1) * 10);
        }
        Instant lastBusy = clock.instant();
        assertEquals(lastBusy.plus(Duration.ofMinutes(30)), next(vmid).orElseThrow().at());

        for (int i = 1; i <= 3; i++) { // then only ARP, DHCP and NTP: 2 KiB per 10 minutes
            clock.advance(Duration.ofMinutes(10));
            pve.guestTraffic(vmid, 2048, 0);
            LifecycleReaper.Pass pass = reaper.pass();
            assertEquals(i < 3 ? List.of() : List.of(vmid), pass.vmids("stop"), "chatter is no use, minute " + i * 10);
        }
        assertEquals("stopped", pve.status(vmid));
    }

    @Test
    void aGuestBusyWithItsOwnWorkIsNotPutToSleepButItsHousekeepingIsNoUse() {
        defaults = new LifecyclePolicy(new IdlePolicy(Duration.ofMinutes(30), IdlePolicy.STOP), Duration.ZERO);
        int vmid = create(null, null, null, null, false);
        reaper.pass();
        pve.cpu(vmid, 0.6); // a build on its one core: no traffic at all
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(10));
            assertEquals(List.of(), reaper.pass().done(), "building, minute " + (i + 1) * 10);
        }
        pve.cpu(vmid, 0.02); // done: cron and journald
        for (int i = 1; i <= 3; i++) {
            clock.advance(Duration.ofMinutes(10));
            assertEquals(i < 3 ? List.of() : List.of(vmid), reaper.pass().vmids("stop"), "idle, minute " + i * 10);
        }
        assertEquals("stopped", pve.status(vmid));
    }

    @Test
    void ofTwoGatewaysDueAtOnceOnlyTheOneWhoseClaimPveTookPutsTheSandboxToSleep() throws Exception {
        defaults = new LifecyclePolicy(STOP_AFTER_30M, Duration.ZERO);
        int vmid = create(null, null, null, null, false);
        LifecycleReaper other = newReaper(); // another gateway of the cluster, its passes interleaved with ours
        reaper.pass();
        other.pass();
        clock.advance(Duration.ofMinutes(31));
        pve.holdTasks("vzstop"); // our stop is under way: the sandbox still runs, with our claim in its config
        CompletableFuture<LifecycleReaper.Pass> ours = CompletableFuture.supplyAsync(reaper::pass);
        String stop = "POST /api2/json/nodes/pve/lxc/" + vmid + "/status/stop";
        Await.until(() -> pve.requests().contains(stop), "our pass asked PVE to stop it");

        LifecycleReaper.Pass theirs = other.pass();

        assertEquals(List.of(), theirs.done(), "running with a claim in its config: not theirs to put to sleep");
        pve.releaseTasks("vzstop");
        assertEquals(List.of(vmid), ours.get(10, TimeUnit.SECONDS).vmids("stop"));
        assertEquals(1, pve.requests().stream().filter(stop::equals).count(), pve.requests().toString());
        assertEquals(List.of(vmid + " stop autoStop"), acted);
        assertEquals(List.of(), other.pass().done(), "stopped: nothing more for either");
        other.close();
    }

    @Test
    void aClaimIsWrittenOnlyOverTheStampItSawAndLosesToAnotherWriter() {
        int vmid = create(null, null, null, null, false);
        Instant first = clock.instant();
        sandboxes.updateMetadata(vmid, m -> m.withStoppedAt(first)); // another gateway's claim came first
        Optional<Sandbox> mine = sandboxes.updateMetadataIf(vmid, m -> m.stoppedAt() == null,
                m -> m.withStoppedAt(first.plusSeconds(1)));
        assertEquals(Optional.empty(), mine);
        assertEquals(first, sandboxes.get(vmid).metadata().stoppedAt(), "theirs stands");
    }

    @Test
    void aSandboxsOwnAutoStopWinsOverTheDefault() {
        defaults = new LifecyclePolicy(new IdlePolicy(Duration.ofHours(5), IdlePolicy.SUSPEND), Duration.ZERO);
        int vmid = create(null, null, STOP_AFTER_30M, null, false);
        int never = create(null, null, IdlePolicy.NEVER, null, false);
        reaper.pass();
        clock.advance(Duration.ofMinutes(31));

        LifecycleReaper.Pass pass = reaper.pass();

        assertEquals(List.of(vmid), pass.vmids("stop"), pass.toString());
        assertEquals("stopped", pve.status(vmid));
        assertFalse(pve.suspended(vmid), "its own action is stop");
        assertEquals("running", pve.status(never), "after: 0s turns auto-stop off for this sandbox");
    }

    @Test
    void autoDeleteDestroysASandboxStoppedLongEnoughCountingFromTheStampInPve() {
        defaults = new LifecyclePolicy(IdlePolicy.NEVER, Duration.ofDays(7));
        int vmid = create(null, null, null, null, false);
        sandboxes.power(vmid, PowerAction.STOP); // by a person: no stamp yet
        assertNull(sandboxes.get(vmid).metadata().stoppedAt());

        assertEquals(List.of(), reaper.pass().done());
        Instant stamped = sandboxes.get(vmid).metadata().stoppedAt();
        assertEquals(clock.instant(), stamped, "the first pass that sees it stopped stamps it");
        assertEquals(Optional.of(new NextAction("destroy", "autoDelete", stamped.plus(Duration.ofDays(7)))),
                next(vmid));

        clock.advance(Duration.ofDays(6));
        reaper.close();
        reaper = newReaper(); // a restart (or another gateway): the stamp is read from PVE, not remembered
        assertEquals(List.of(), reaper.pass().done());
        assertEquals(stamped, sandboxes.get(vmid).metadata().stoppedAt(), "the stamp is not moved");

        clock.advance(Duration.ofDays(1));
        LifecycleReaper.Pass pass = reaper.pass();
        assertEquals(List.of(vmid), pass.vmids("destroy"), pass.toString());
        assertFalse(pve.exists(vmid));
        assertEquals(List.of(vmid + " destroy autoDelete"), acted);
    }

    @Test
    void aSandboxStartedAgainLosesItsStopStamp() {
        defaults = new LifecyclePolicy(IdlePolicy.NEVER, Duration.ofDays(7));
        int vmid = create(null, null, null, null, false);
        sandboxes.power(vmid, PowerAction.STOP);
        reaper.pass();
        sandboxes.power(vmid, PowerAction.START);

        reaper.pass();

        assertNull(sandboxes.get(vmid).metadata().stoppedAt());
        assertEquals(Optional.empty(), next(vmid), "running, no TTL, no auto-stop: nothing planned");
    }

    @Test
    void byDefaultNothingIsEverDeleted() {
        int vmid = create(null, null, null, null, false);
        sandboxes.power(vmid, PowerAction.STOP);
        reaper.pass();
        clock.advance(Duration.ofDays(3650));

        assertEquals(List.of(), reaper.pass().done());
        assertTrue(pve.exists(vmid));
        assertEquals(Optional.empty(), next(vmid));
    }

    @Test
    void aProtectedSandboxIsNeverTouchedByAutoStopTtlOrAutoDelete() {
        defaults = new LifecyclePolicy(new IdlePolicy(Duration.ofMinutes(1), IdlePolicy.STOP), Duration.ofMinutes(1));
        int running = create(Duration.ofMinutes(1), null, STOP_AFTER_30M, Duration.ofMinutes(1), true);
        int stopped = create(Duration.ofMinutes(1), null, null, null, true);
        sandboxes.power(stopped, PowerAction.STOP);
        reaper.pass();
        int requestsBefore = pve.requests().size();
        clock.advance(Duration.ofDays(30));

        LifecycleReaper.Pass pass = reaper.pass();

        assertEquals(List.of(), pass.done());
        assertEquals(List.of(), pass.errors());
        assertEquals("running", pve.status(running));
        assertTrue(pve.exists(stopped));
        assertEquals(Optional.empty(), next(running));
        assertEquals(Optional.empty(), next(stopped));
        assertNull(sandboxes.get(stopped).metadata().stoppedAt(), "not even its stamp is written");
        assertTrue(pve.requests().subList(requestsBefore, pve.requests().size()).stream()
                .noneMatch(r -> r.startsWith("POST") || r.startsWith("PUT") || r.startsWith("DELETE")),
                "the pass only read: " + pve.requests());
        assertEquals(List.of(), acted);
    }

    @Test
    void unprotectingASandboxLetsItsDueTtlAct() {
        int vmid = create(Duration.ofMinutes(1), null, null, null, true);
        clock.advance(Duration.ofMinutes(2));
        assertEquals(List.of(), reaper.pass().done());

        sandboxes.updateMetadata(vmid, m -> new SandboxMetadata(m.owner(), m.created(), m.ttl(), m.idlePolicy(),
                m.idle(), m.autoDelete(), false, m.stoppedAt(), m.image()));

        assertEquals(List.of(vmid), reaper.pass().vmids("destroy"));
    }

    @Test
    void aMetadataWriteNeverOverwritesAChangeMadeWhileItWasBeingWritten() {
        int vmid = create(null, null, null, null, false);
        AtomicBoolean first = new AtomicBoolean(true);

        Sandbox after = sandboxes.updateMetadata(vmid, m -> {
            if (first.getAndSet(false)) { // another gateway protects it between this read and this write
                sandboxes.updateMetadata(vmid, other -> new SandboxMetadata(other.owner(), other.created(),
                        other.ttl(), other.idlePolicy(), other.idle(), other.autoDelete(), true, other.stoppedAt(),
                        other.image()));
            }
            return m.withStoppedAt(clock.instant());
        });

        assertTrue(after.metadata().protect(), "the concurrent change survives");
        assertEquals(clock.instant(), after.metadata().stoppedAt(), "and this one is applied on top of it");
    }

    @Test
    void orphansAreListedLeftAloneAndRemovedOnlyOnRequest() {
        defaults = new LifecyclePolicy(new IdlePolicy(Duration.ofMinutes(1), IdlePolicy.STOP), Duration.ofMinutes(1));
        pve.seedContainer(400, "cmux-400", true, null, null);                  // untagged
        pve.seedContainer(401, "cmux-401", false, "cmux", "notes, no metadata"); // tagged, no metadata line
        pve.seedContainer(402, "web-402", true, null, null);                    // not named like a sandbox
        int sandbox = create(null, null, IdlePolicy.NEVER, null, false);
        reaper.pass();
        clock.advance(Duration.ofDays(30));

        assertEquals(List.of(), reaper.pass().done());
        assertEquals(List.of(new Orphans.Orphan(400, "pve", "cmux-400", "running", false),
                new Orphans.Orphan(401, "pve", "cmux-401", "stopped", true)), new Orphans(client).list());
        assertEquals("running", pve.status(400));
        assertTrue(pve.exists(401));

        SandboxException notOrphan = assertThrows(SandboxException.class, () -> sandboxes.destroyOrphan(sandbox));
        assertEquals(SandboxException.Kind.NOT_FOUND, notOrphan.kind());
        assertThrows(SandboxException.class, () -> sandboxes.destroyOrphan(402));
        assertTrue(pve.exists(sandbox) && pve.exists(402), "destroyOrphan touches orphans only");

        sandboxes.destroyOrphan(400);
        assertFalse(pve.exists(400));
    }
}
