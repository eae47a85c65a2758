package dev.cmux.control.pve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.sandbox.PowerAction;
import dev.cmux.control.sandbox.SandboxKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emulator as a three-node cluster refuses what a real PVE cluster refuses (docs/pve-cluster.md). */
class PveEmulatorClusterTest {

    private PveEmulator pve;
    private PveClient client;
    private final BlockingQueue<GuestEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        pve = PveEmulator.startCluster("pve1", "pve2", "pve3");
        pve.nodeAddress("pve1", "127.0.1.");
        pve.nodeAddress("pve2", "127.0.2.");
        pve.nodeAddress("pve3", "127.0.3.");
        pve.onGuestChange(events::add);
        client = PveClient.create(pve.config(null));
    }

    @AfterEach
    void stop() {
        client.close();
        pve.close();
        assertEquals(List.of(), pve.violations());
    }

    @Test
    void nodesResourcesAndStoragesShowEveryNodeEachGuestsNodeAndTheSharedStorage() {
        pve.seedTemplate(9000, "ceph", 8, "cmux-template", null);
        pve.place(9000, "pve2", null);
        pve.seedVm(300, "vm-300", false, "cmux", null);
        pve.place(300, "pve3", null);

        JsonNode nodes = client.nodes();
        assertEquals(3, nodes.size());
        for (JsonNode n : nodes) {
            assertEquals("online", n.path("status").asText(), n.toString());
        }
        assertEquals("pve2", resource("vm", 9000).path("node").asText());
        assertEquals("lxc", resource("vm", 9000).path("type").asText());
        assertEquals("pve3", resource("vm", 300).path("node").asText());
        assertEquals(3, client.get("/cluster/resources", Map.of("type", "node")).size());

        int ceph = 0;
        int localZfs = 0;
        for (JsonNode s : client.get("/cluster/resources", Map.of("type", "storage"))) {
            ceph += s.path("storage").asText().equals("ceph") && s.path("shared").asInt() == 1 ? 1 : 0;
            localZfs += s.path("storage").asText().equals("local-zfs") && s.path("shared").asInt() == 0 ? 1 : 0;
        }
        assertEquals(3, ceph, "a shared storage is listed once per node");
        assertEquals(3, localZfs, "each node has its own local-zfs");
        JsonNode onPve2 = client.storages("pve2", "rootdir");
        assertEquals(List.of("local-zfs:0", "ceph:1"), storageShares(onPve2));
        JsonNode config = client.get("/storage", Map.of());
        assertEquals(1, config.get(2).path("shared").asInt());
        assertTrue(config.get(1).path("shared").isMissingNode(), "storage.cfg marks only shared storages");

        pve.addStorage("nfs-12", "nfs", "images,rootdir", 100, true, "pve1", "pve2");
        assertEquals(List.of("local-zfs:0", "ceph:1"), storageShares(client.storages("pve3", "rootdir")));
        assertEquals("pve1,pve2", client.get("/storage", Map.of("type", "nfs")).get(0)
                .path("nodes").asText());
    }

    @Test
    void aGuestAddressedOnAnotherNodeDoesNotExistThere() {
        pve.seedContainer(200, "cmux-200", false, "cmux", null);
        pve.place(200, "pve2", null);
        pve.seedVm(300, "vm-300", false, "cmux", null);
        pve.place(300, "pve3", null);

        PveException ct = assertThrows(PveException.class, () -> client.currentStatus("pve1", 200));
        assertEquals(500, ct.status());
        assertEquals("Configuration file 'nodes/pve1/lxc/200.conf' does not exist", ct.getMessage());
        assertTrue(ct.noSuchContainer());
        PveException vm = assertThrows(PveException.class,
                () -> client.currentStatus("pve1", SandboxKind.VM, 300));
        assertEquals("Configuration file 'nodes/pve1/qemu-server/300.conf' does not exist", vm.getMessage());
        PveTaskFailedException start = assertThrows(PveTaskFailedException.class,
                () -> tasks().await(client.statusAction("pve2", SandboxKind.VM, 300, PowerAction.START, Map.of())));
        assertEquals("Configuration file 'nodes/pve2/qemu-server/300.conf' does not exist", start.exitStatus());
        assertEquals("running", statusAfter(client.statusAction("pve2", 200, PowerAction.START, Map.of()), 200));

        assertEquals(0, client.get("/nodes/pve1/lxc", Map.of()).size());
        assertEquals(1, client.get("/nodes/pve2/lxc", Map.of()).size());
        assertEquals(0, client.get("/nodes/pve2/qemu", Map.of()).size());

        String upid = client.statusAction("pve2", 200, PowerAction.STOP, Map.of());
        PveException otherNode = assertThrows(PveException.class, () -> client.taskStatus("pve1", upid));
        assertEquals(Map.of("upid", "no such task"), otherNode.fieldErrors(), "only the task's node knows it");
        tasks().await(upid);

        PveException unknown = assertThrows(PveException.class, () -> client.currentStatus("pve9", 200));
        assertEquals("hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or service not "
                + "known", unknown.getMessage());
    }

    @Test
    void nextIdAndNewIdsAreClusterWide() {
        pve.seedContainer(100, "cmux-100", false, "cmux", null);
        pve.seedVm(101, "vm-101", false, "cmux", null);
        pve.place(101, "pve2", null);
        pve.seedTemplate(9000);
        pve.place(9000, "pve3", null);

        assertEquals(102, client.nextId());
        PveException taken = assertThrows(PveException.class, () -> client.get("/cluster/nextid", Map.of("vmid", 101)));
        assertEquals("VM 101 already exists", taken.fieldErrors().get("vmid"));
        PveException clone = assertThrows(PveException.class,
                () -> client.cloneContainer("pve3", 9000, 101, "cmux-101", false));
        assertEquals("VM 101 already exists on node 'pve2'", clone.getMessage());
        assertNull(pve.lock(9000), "the template is not left locked");
    }

    @Test
    void aLinkedCloneOnLocalStorageStaysOnItsTemplatesNodeAndAFullOneMayMoveToSharedStorage() {
        pve.seedTemplate(9000); // pve1, local-zfs
        assertEquals("can't clone CT to node 'pve2' (CT uses local storage)", assertThrows(PveException.class,
                () -> client.post("/nodes/pve1/lxc/9000/clone", Map.of("newid", 201, "target", "pve2")))
                .getMessage());
        assertNull(pve.lock(9000));
        assertFalse(pve.exists(201), "a refused clone leaves no config");
        assertEquals("can't clone to non-shared storage 'local-zfs'", assertThrows(PveException.class,
                () -> client.post("/nodes/pve1/lxc/9000/clone", Map.of("newid", 201, "target", "pve2", "full", 1,
                        "storage", "local-zfs"))).getMessage());
        assertEquals("no such cluster node 'pve7'", assertThrows(PveException.class,
                () -> client.post("/nodes/pve1/lxc/9000/clone", Map.of("newid", 201, "target", "pve7")))
                .getMessage());
        pve.addStorage("nfs-12", "nfs", "images,rootdir", 100, true, "pve1", "pve2");
        assertEquals("storage 'nfs-12' is not available on node 'pve3'", assertThrows(PveException.class,
                () -> client.post("/nodes/pve1/lxc/9000/clone", Map.of("newid", 201, "target", "pve3", "full", 1,
                        "storage", "nfs-12"))).getMessage());

        tasks().await(client.post("/nodes/pve1/lxc/9000/clone", Map.of("newid", 201, "target", "pve2", "full", 1,
                "storage", "ceph")).asText());
        assertEquals("pve2", pve.nodeOf(201));
        assertEquals("ceph:vm-201-disk-0,size=8G", client.config("pve2", 201).path("rootfs").asText());

        tasks().await(client.post("/nodes/pve1/lxc/9000/clone", Map.of("newid", 202, "target", "pve1"))
                .asText());
        assertEquals("pve1", pve.nodeOf(202), "the template's own node is no target");

        pve.seedTemplate(9001, "ceph", 8, "cmux-template", null);
        pve.place(9001, "pve3", null);
        tasks().await(client.post("/nodes/pve3/lxc/9001/clone", Map.of("newid", 203, "target", "pve1"))
                .asText());
        assertEquals("pve1", pve.nodeOf(203), "a linked clone on shared storage may go to any node");
        assertEquals("ceph:base-9001-disk-0/vm-203-disk-0,size=8G", client.config("pve1", 203).path("rootfs").asText());

        pve.seedVmTemplate(9100);
        assertEquals("can't clone VM to node 'pve3' (VM uses local storage)", assertThrows(PveException.class,
                () -> client.post("/nodes/pve1/qemu/9100/clone", Map.of("newid", 301, "target", "pve3", "full", 1,
                        "storage", "ceph"))).getMessage(), "a VM's own disks must be shared");
        pve.place(9100, "pve1", "ceph");
        tasks().await(client.post("/nodes/pve1/qemu/9100/clone", Map.of("newid", 301, "target", "pve3"))
                .asText());
        assertEquals("pve3", pve.nodeOf(301));
    }

    @Test
    void aRunningContainerMigratesInRestartModeLockedWhileItMovesAndAnswersAtItsNewNodesAddress()
            throws InterruptedException {
        pve.seedContainer(200, "cmux-200", true, "cmux", null);
        pve.addTraffic(200, 5000, 600);
        PveException refused = assertThrows(PveException.class,
                () -> client.post("/nodes/pve1/lxc/200/migrate", Map.of("target", "pve2")));
        assertEquals("can't migrate running container without --online or --restart", refused.getMessage());
        PveException local = assertThrows(PveException.class,
                () -> client.post("/nodes/pve1/lxc/200/migrate", Map.of("target", "pve1", "restart", 1)));
        assertEquals(400, local.status());
        assertEquals(Map.of("target", "target is local node."), local.fieldErrors());

        pve.holdTasks("vzmigrate");
        String upid = client.post("/nodes/pve1/lxc/200/migrate", Map.of("target", "pve2", "restart", 1,
                "timeout", 30)).asText();
        assertTrue(upid.startsWith("UPID:pve1:"), "the source node runs the migration: " + upid);
        assertEquals(new GuestEvent(200, "pve1", "127.0.1.202", false), events.poll(5, TimeUnit.SECONDS));
        assertEquals("migrate", client.config("pve1", 200).path("lock").asText());
        assertEquals("migrate", resource("vm", 200).path("lock").asText());
        assertEquals("stopped", client.currentStatus("pve1", 200).path("status").asText());
        pve.releaseTasks("vzmigrate");
        tasks().await(upid);

        assertEquals(new GuestEvent(200, "pve2", "127.0.2.202", true), events.poll(5, TimeUnit.SECONDS));
        assertEquals("pve2", resource("vm", 200).path("node").asText());
        JsonNode status = client.currentStatus("pve2", 200);
        assertEquals("running", status.path("status").asText());
        assertTrue(status.path("lock").isMissingNode());
        assertEquals(0, status.path("netin").asLong(), "a new veth on the target");
        assertEquals("127.0.2.202/24", client.interfaces("pve2", 200).get(1).path("inet").asText());
        assertEquals("Configuration file 'nodes/pve1/lxc/200.conf' does not exist",
                assertThrows(PveException.class, () -> client.currentStatus("pve1", 200)).getMessage());
    }

    @Test
    void aRunningVmMigratesOnlineStillRunningWhileItMovesThenAtItsNewNodesAddress() throws InterruptedException {
        pve.seedVm(300, "vm-300", true, "cmux", null);
        pve.place(300, "pve1", "ceph");
        pve.addTraffic(300, 7000, 70);
        pve.cpu(300, 0.9);
        assertEquals("can't migrate running VM without --online", assertThrows(PveException.class,
                () -> client.post("/nodes/pve1/qemu/300/migrate", Map.of("target", "pve3"))).getMessage());

        pve.holdTasks("qmigrate");
        String upid = client.post("/nodes/pve1/qemu/300/migrate", Map.of("target", "pve3", "online", 1))
                .asText();
        assertEquals("migrate", client.config("pve1", SandboxKind.VM, 300).path("lock").asText());
        assertEquals("running", client.currentStatus("pve1", SandboxKind.VM, 300).path("qmpstatus").asText());
        assertEquals("VM is locked (migrate)", assertThrows(PveException.class,
                () -> client.post("/nodes/pve1/qemu/300/migrate", Map.of("target", "pve2", "online", 1)))
                .getMessage());
        assertNull(events.poll(), "a live migration keeps the guest answering while it moves");
        pve.releaseTasks("qmigrate");
        tasks().await(upid);

        assertEquals(new GuestEvent(300, "pve1", "127.0.1.52", false), events.poll(5, TimeUnit.SECONDS));
        assertEquals(new GuestEvent(300, "pve3", "127.0.3.52", true), events.poll(5, TimeUnit.SECONDS));
        JsonNode status = client.currentStatus("pve3", SandboxKind.VM, 300);
        assertEquals("running", status.path("status").asText());
        assertEquals(0, status.path("netin").asLong(), "a new QEMU process on the target");
        assertEquals(0.0, status.path("cpu").asDouble());
        JsonNode eth0 = client.agentInterfaces("pve3", 300).get(1);
        assertEquals("127.0.3.52", eth0.path("ip-addresses").get(0).path("ip-address").asText());
        assertEquals("127.0.3.52", pve.addressOf(300));
    }

    @Test
    void theWorkerAbortsMigrationsPveCannotDoAndSaysWhyInTheLog() {
        pve.seedContainer(200, "cmux-200", true, "cmux", null);
        PveTaskFailedException live = assertThrows(PveTaskFailedException.class, () -> tasks().await(
                client.post("/nodes/pve1/lxc/200/migrate", Map.of("target", "pve2", "online", 1))
                .asText()));
        assertEquals("migration aborted", live.exitStatus());
        assertTrue(log(live).contains("lxc live migration is currently not implemented"), log(live));
        assertEquals("running", pve.status(200), "a refused migration leaves the container as it was");
        assertEquals("pve1", pve.nodeOf(200));

        pve.seedTemplate(9000);
        tasks().await(client.cloneContainer("pve1", 9000, 201, "cmux-201", false));
        PveTaskFailedException linked = assertThrows(PveTaskFailedException.class, () -> tasks().await(
                client.post("/nodes/pve1/lxc/201/migrate", Map.of("target", "pve2")).asText()));
        assertTrue(log(linked).contains("can't migrate 'local-zfs:basevol-9000-disk-0/subvol-201-disk-0' as it's a "
                + "clone of 'basevol-9000-disk-0'"), log(linked));
        assertNull(pve.lock(201));

        pve.seedVm(300, "vm-300", true, "cmux", null); // on local-zfs
        PveTaskFailedException localDisk = assertThrows(PveTaskFailedException.class, () -> tasks().await(
                client.post("/nodes/pve1/qemu/300/migrate", Map.of("target", "pve2", "online", 1))
                .asText()));
        assertTrue(log(localDisk).contains("can't live migrate attached local disks without with-local-disks "
                + "option"), log(localDisk));
        assertTrue(log(localDisk).contains("Problem found while scanning volumes - can't migrate VM - check log"));
        tasks().await(client.post("/nodes/pve1/qemu/300/migrate", Map.of("target", "pve2", "online", 1,
                "with-local-disks", 1)).asText());
        assertEquals("pve2", pve.nodeOf(300));

        pve.addStorage("nfs-12", "nfs", "images,rootdir", 100, true, "pve1", "pve2");
        pve.place(300, "pve2", "nfs-12");
        assertEquals("storage 'nfs-12' is not available on node 'pve3'", assertThrows(PveException.class,
                () -> client.post("/nodes/pve2/qemu/300/migrate", Map.of("target", "pve3", "online", 1)))
                .getMessage());
        assertEquals("no such cluster node 'pve7'", assertThrows(PveException.class,
                () -> client.post("/nodes/pve2/qemu/300/migrate", Map.of("target", "pve7", "online", 1)))
                .getMessage());
    }

    @Test
    void anOfflineNodeIsUnreachableItsGuestsAreUnknownAndItComesBackAsItWas() throws InterruptedException {
        pve.seedContainer(200, "cmux-200", true, "cmux", null);
        pve.place(200, "pve3", null);
        pve.seedContainer(201, "cmux-201", true, "cmux", null); // pve1
        pve.addTraffic(200, 100, 100);

        pve.nodeOffline("pve3", true);
        assertEquals(new GuestEvent(200, "pve3", "127.0.3.202", false), events.poll(5, TimeUnit.SECONDS));
        JsonNode pve3 = client.nodes().get(2);
        assertEquals("offline", pve3.path("status").asText());
        assertTrue(pve3.path("maxmem").isMissingNode(), "no statistics of an offline node");
        JsonNode guest = resource("vm", 200);
        assertEquals("pve3", guest.path("node").asText());
        assertEquals("unknown", guest.path("status").asText());
        assertTrue(guest.path("netin").isMissingNode() && guest.path("name").isMissingNode(), guest.toString());
        PveException unreachable = assertThrows(PveException.class, () -> client.currentStatus("pve3", 200));
        assertEquals(595, unreachable.status());
        assertEquals("No route to host", unreachable.getMessage());
        assertEquals("running", client.currentStatus("pve1", 201).path("status").asText(), "the others answer");
        PveTaskFailedException toOffline = assertThrows(PveTaskFailedException.class, () -> tasks().await(
                client.post("/nodes/pve1/lxc/201/migrate", Map.of("target", "pve3", "restart", 1))
                .asText()));
        assertTrue(log(toOffline).contains("Can't connect to destination address using public key"), log(toOffline));
        assertEquals("running", pve.status(201));

        pve.nodeOffline("pve2", true);
        assertEquals("cluster not ready - no quorum?", assertThrows(PveException.class,
                () -> client.post("/nodes/pve1/lxc/201/migrate", Map.of("target", "pve2", "restart", 1)))
                .getMessage());
        pve.nodeOffline("pve2", false);

        pve.nodeOffline("pve3", false);
        assertEquals(new GuestEvent(200, "pve3", "127.0.3.202", true), events.poll(5, TimeUnit.SECONDS));
        assertEquals("running", client.currentStatus("pve3", 200).path("status").asText());
        assertEquals("online", client.nodes().get(2).path("status").asText());
    }

    @Test
    void cpuAndTrafficArePerGuestAndAStartResetsThem() {
        pve.seedContainer(200, "cmux-200", true, "cmux", null);
        pve.seedVm(300, "vm-300", true, "cmux", null);
        pve.place(300, "pve2", null);
        pve.addTraffic(300, 4096, 512);
        pve.cpu(300, 0.9);
        pve.cpu(200, 0.25);
        assertEquals(4096, resource("vm", 300).path("netin").asLong());
        assertEquals(0.9, resource("vm", 300).path("cpu").asDouble());
        assertEquals(0.25, client.currentStatus("pve1", 200).path("cpu").asDouble());
        assertEquals(0, resource("vm", 200).path("netin").asLong(), "traffic of one guest is not another's");

        tasks().await(client.statusAction("pve2", SandboxKind.VM, 300, PowerAction.STOP, Map.of()));
        pve.addTraffic(300, 1, 1);
        pve.cpu(300, 0.5);
        tasks().await(client.statusAction("pve2", SandboxKind.VM, 300, PowerAction.START, Map.of()));
        JsonNode status = client.currentStatus("pve2", SandboxKind.VM, 300);
        assertEquals(0, status.path("netin").asLong());
        assertEquals(0.0, status.path("cpu").asDouble());
    }

    @Test
    void theOneNodeEmulatorIsAClusterOfOne() {
        try (PveEmulator one = PveEmulator.start(); PveClient c = PveClient.create(one.config(null))) {
            assertEquals(List.of("pve"), one.nodes());
            assertEquals(1, c.nodes().size());
            assertEquals("hostname lookup 'pve1' failed - failed to get address info for: pve1: Name or service not "
                    + "known", assertThrows(PveException.class, () -> c.dns("pve1"))
                    .getMessage());
            one.seedContainer(150, "cmux-150", true, "cmux", null);
            assertEquals("10.10.0.152", one.addressOf(150), "the first node's network, as before the cluster");
        }
    }

    private JsonNode resource(String type, int vmid) {
        for (JsonNode r : client.get("/cluster/resources", Map.of("type", type))) {
            if (r.path("vmid").asInt() == vmid) {
                return r;
            }
        }
        throw new AssertionError("no resource " + vmid);
    }

    private static List<String> storageShares(JsonNode storages) {
        List<String> out = new ArrayList<>();
        storages.forEach(s -> out.add(s.path("storage").asText() + ":" + s.path("shared").asInt()));
        return out;
    }

    private String statusAfter(String upid, int vmid) {
        tasks().await(upid);
        return pve.status(vmid);
    }

    private static String log(PveTaskFailedException e) {
        return String.join("\n", e.logTail());
    }

    private TaskWaiter tasks() {
        return new TaskWaiter(client, Poller.SYSTEM, Duration.ofMillis(10), Duration.ofSeconds(5));
    }
}
