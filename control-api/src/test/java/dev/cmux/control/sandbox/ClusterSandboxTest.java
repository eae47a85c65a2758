package dev.cmux.control.sandbox;

import dev.cmux.control.exec.ExecdClient;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.pve.TaskWaiter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sandboxes in a three-node cluster (docs/pve-cluster.md): where a new one goes ({@link Placement}), what a node
 * that cannot be reached does to reading them, and following a guest that moved.
 */
class ClusterSandboxTest {

    private static final int TEMPLATE = 9000;

    private PveEmulator pve;
    private PveClient client;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T07:00:00Z"));
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeEach
    void start() {
        pve = PveEmulator.startCluster("pve1", "pve2", "pve3");
        pve.taskDuration(Duration.ofMillis(20));
        client = PveClient.create(pve.config(TEMPLATE));
    }

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        client.close();
        assertEquals(List.of(), pve.violations(), "requests real PVE would reject");
        pve.close();
    }

    private SandboxService service(String placement) {
        SandboxSettings settings = SandboxSettings.defaults("sandbox.example.com", TEMPLATE).withNode("pve1")
                .withPolling(Duration.ofMillis(10), Duration.ofSeconds(10)).withPlacement(placement);
        return new SandboxService(client, settings, new ExecdClient(settings.execdPort()), ResolverInvalidation.NONE,
                clock);
    }

    /** The template on pve1, on the shared Ceph storage (so PVE may clone it to any node) or on pve1's own. */
    private void template(String storage) {
        pve.seedTemplate(TEMPLATE, storage, 8, "cmux-template", null);
        pve.place(TEMPLATE, "pve1", null);
    }

    @Test
    void aNamedNodeGetsTheSandboxThroughPvesTargetWhenTheTemplateIsOnSharedStorage() {
        template("ceph");
        Sandbox s = service("pve3").create(CreateRequest.defaults());
        assertEquals("pve3", s.node());
        assertEquals("pve3", pve.nodeOf(s.vmid()));
        assertEquals("running", pve.status(s.vmid()));
        assertEquals(pve.addressOf(s.vmid()), s.address());
        assertTrue(pve.requests().stream().anyMatch(r -> r.equals("POST /api2/json/nodes/pve1/lxc/9000/clone")),
                "cloned on the template's node, moved by target");
    }

    @Test
    void theTemplatePolicyKeepsTheSandboxWithItsTemplate() {
        template("ceph");
        Sandbox s = service(Placement.TEMPLATE).create(CreateRequest.defaults());
        assertEquals("pve1", pve.nodeOf(s.vmid()));
    }

    @Test
    void mostFreeMemoryPicksTheOnlineNodeWithTheMostFreeMemory() {
        template("ceph");
        pve.nodeMemoryUsed("pve1", 30L << 30);
        pve.nodeMemoryUsed("pve2", 4L << 30);
        pve.nodeMemoryUsed("pve3", 2L << 30);
        pve.nodeOffline("pve3", true);
        assertEquals("pve2", pve.nodeOf(service(Placement.MOST_FREE_MEMORY).create(CreateRequest.defaults()).vmid()),
                "pve3 has more free memory but is offline");
    }

    @Test
    void mostFreeMemoryStaysWithATemplateOnLocalStorageWhichCannotBeClonedElsewhere() {
        template("local-zfs");
        pve.nodeMemoryUsed("pve1", 30L << 30);
        assertEquals("pve1", pve.nodeOf(service(Placement.MOST_FREE_MEMORY).create(CreateRequest.defaults()).vmid()));
    }

    @Test
    void aNamedNodeTheTemplateCannotReachIsRefusedBeforeAnythingIsMade() {
        template("local-zfs");
        List<Integer> before = pve.vmids();
        SandboxException e = assertThrows(SandboxException.class,
                () -> service("pve2").create(CreateRequest.defaults()));
        assertEquals("placement-impossible", e.code());
        assertEquals(SandboxException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("PVE cannot clone it to node pve2"), e.getMessage());
        assertEquals(before, pve.vmids(), "no clone was made");
    }

    @Test
    void anUnknownOrOfflineNamedNodeIsRefusedWithItsName() {
        template("ceph");
        SandboxException unknown = assertThrows(SandboxException.class,
                () -> service("pve9").create(CreateRequest.defaults()));
        assertEquals("unknown-node", unknown.code());
        assertTrue(unknown.getMessage().contains("pve1, pve2, pve3"), unknown.getMessage());
        pve.nodeOffline("pve3", true);
        SandboxException offline = assertThrows(SandboxException.class,
                () -> service("pve3").create(CreateRequest.defaults()));
        assertEquals("node-offline", offline.code());
        assertTrue(offline.getMessage().startsWith("Node pve3 (pve.placement) is offline"), offline.getMessage());
    }

    @Test
    void aPlacementThatIsNeitherPolicyNorNodeNameIsAConfigError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Placement.parse("pve 2"));
        assertEquals("must be template, most-free-memory or the name of a PVE node", e.getMessage());
    }

    @Test
    void aSandboxOnANodeThatCannotBeReachedIsListedUnknownAndItsAddressIsRefusedNamingTheNode() {
        template("ceph");
        int onPve1 = service("pve1").create(CreateRequest.defaults()).vmid();
        int onPve3 = service("pve3").create(CreateRequest.defaults()).vmid();
        pve.nodeOffline("pve3", true);

        Map<Integer, String> states = new java.util.TreeMap<>();
        service("pve1").list().forEach(s -> states.put(s.vmid(), s.status()));
        assertEquals(Map.of(onPve1, "running", onPve3, "unknown"), states);

        PveAddresses addresses = new PveAddresses(client, "pve1", executor);
        assertEquals(List.of(ip(pve.addressOf(onPve1))), addresses.addressesOf(onPve1).join());
        CompletionException e = assertThrows(CompletionException.class, () -> addresses.addressesOf(onPve3).join());
        NodeUnreachableException cause = assertInstanceOf(NodeUnreachableException.class, e.getCause());
        assertEquals("pve3", cause.node());
        assertTrue(cause.getMessage().startsWith("Sandbox vm-" + onPve3 + " is on PVE node pve3, which cannot be "
                + "reached now"), cause.getMessage());
    }

    @Test
    void aWakeThatAnotherGatewayDidMeanwhileEndsAsWoken() {
        template("ceph");
        SandboxService service = service("pve2");
        int vmid = service.create(CreateRequest.defaults()).vmid();
        service.power(vmid, PowerAction.STOP);
        Sandbox asleep = service.get(vmid);
        // the other gateway's wake lands between this one's read and its start
        TaskWaiter tasks = new TaskWaiter(client, Poller.SYSTEM, Duration.ofMillis(10), Duration.ofSeconds(10));
        tasks.await(client.post("/nodes/pve2/lxc/" + vmid + "/status/start", Map.of()).asText());

        assertEquals("stopped", service.wakeFrom(asleep, IdlePolicy.NEVER).orElseThrow().status(),
                "woken, from what it saw: PVE's 'already running' is as good as a start");
        assertEquals("running", pve.status(vmid));
        assertEquals(3, pve.requests().stream().filter(r -> r.equals("POST /api2/json/nodes/pve2/lxc/" + vmid
                + "/status/start")).count(), "the create's, the other gateway's and this one's: " + pve.requests());
    }

    @Test
    void aMigratedSandboxIsReadOnItsNewNode() {
        template("ceph");
        SandboxService service = service("pve1");
        int vmid = service.create(CreateRequest.defaults()).vmid();
        String before = service.get(vmid).address();
        new TaskWaiter(client, Poller.SYSTEM, Duration.ofMillis(10), Duration.ofSeconds(10)).await(client.post(
                "/nodes/pve1/lxc/" + vmid + "/migrate", Map.of("target", "pve2", "restart", 1)).asText());

        Sandbox moved = service.get(vmid);
        assertEquals("pve2", moved.node());
        assertEquals(pve.addressOf(vmid), moved.address());
        assertTrue(!moved.address().equals(before), "the emulator gives each node its own network");
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
