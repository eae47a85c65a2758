package dev.cmux.control.image;

import dev.cmux.control.sandbox.SandboxException;

import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveTaskFailedException;
import dev.cmux.control.pve.TaskWaiter;
import dev.cmux.control.sandbox.CreateRequest;
import dev.cmux.control.sandbox.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.cmux.control.image.ImageBench.TEMPLATE;
import static dev.cmux.control.image.ImageBench.preset;
import static dev.cmux.control.image.ImageBench.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sandboxes from presets: linked or full, where, with which resources, and every rollback after the clone. */
class SandboxImagesTest {

    private final ImageBench bench = new ImageBench();

    @AfterEach
    void stop() {
        List<String> violations = bench.pve.violations();
        bench.close();
        assertEquals(List.of(), violations, "requests real PVE would reject");
    }

    private Sandbox create(Images images, String preset, String snapshotId) {
        return images.sandboxes().create(new ImageChoice(preset, snapshotId), CreateRequest.defaults());
    }

    @Test
    void aPresetGivesALinkedCloneWithItsCoresMemoryAndAGrownDisk() {
        Images images = bench.images("auto", List.of(preset("small", 2, 1024, 16, version(1, TEMPLATE))));

        Sandbox s = create(images, "small", null);

        Map<String, Object> config = bench.pve.configOf(s.vmid());
        assertEquals("local-zfs:basevol-9000-disk-0/subvol-" + s.vmid() + "-disk-0,size=16G", config.get("rootfs"));
        assertEquals(2, config.get("cores"));
        assertEquals(1024, config.get("memory"));
        assertEquals(16, bench.pve.diskGiB(s.vmid()));
        assertEquals("running", s.status());
        assertTrue(bench.pve.requests().contains("GET /api2/json/nodes/pve/lxc/9000/feature"));
    }

    @Test
    void aCallersOwnCoresAndMemoryWinOverThePresets() {
        Images images = bench.images("auto", List.of(preset("small", 2, 1024, null, version(1, TEMPLATE))));
        Sandbox s = images.sandboxes().create(new ImageChoice("small", null),
                new CreateRequest(4, 2048, null, null, null));
        assertEquals(4, bench.pve.configOf(s.vmid()).get("cores"));
        assertEquals(2048, bench.pve.configOf(s.vmid()).get("memory"));
        assertEquals(8, bench.pve.diskGiB(s.vmid()), "no diskGiB: the template's size");
    }

    @Test
    void aTemplateWhoseStorageCannotCloneLinkedIsCopiedOntoTheRootdirStorageWithTheMostFreeSpace() {
        bench.pve.addStorage("big-dir", "dir", "images,rootdir", 50);
        bench.pve.addStorage("fast-lvm", "lvmthin", "images,rootdir", 900);
        bench.pve.addStorage("isos", "dir", "iso,vztmpl", 5000);
        bench.pve.seedTemplate(9100, "big-dir", 8, "cmux", null);
        Images images = bench.images("auto", List.of(preset("dir", null, null, 10, version(1, 9100))));

        Sandbox s = create(images, "dir", null);

        assertEquals("fast-lvm:vm-" + s.vmid() + "-disk-0,size=10G", bench.pve.configOf(s.vmid()).get("rootfs"));
        assertTrue(bench.pve.requests().contains("GET /api2/json/nodes/pve/storage"));
    }

    @Test
    void anExplicitStorageWinsOverAuto() {
        bench.pve.addStorage("big-dir", "dir", "images,rootdir", 50);
        bench.pve.addStorage("fast-lvm", "lvmthin", "images,rootdir", 900);
        bench.pve.seedTemplate(9100, "big-dir", 8, "cmux", null);
        Images images = bench.images("big-dir", List.of(preset("dir", null, null, null, version(1, 9100))));

        Sandbox s = create(images, "dir", null);

        assertEquals("big-dir:" + s.vmid() + "/vm-" + s.vmid() + "-disk-0.raw,size=8G",
                bench.pve.configOf(s.vmid()).get("rootfs"));
        assertFalse(bench.pve.requests().contains("GET /api2/json/nodes/pve/storage"));
    }

    @Test
    void presetMeansTheNewestVersionAndSnapshotIdExactlyThatOne() {
        bench.pve.seedTemplate(9001, "local-zfs", 8, "cmux", null);
        Images images = bench.images("auto", List.of(preset("base", null, null, null, version(2, 9001),
                version(1, TEMPLATE))));

        Sandbox newest = create(images, "base", null);
        Sandbox first = create(images, null, "pvelxc_base_v1");

        assertTrue(String.valueOf(bench.pve.configOf(newest.vmid()).get("rootfs")).contains("basevol-9001"));
        assertTrue(String.valueOf(bench.pve.configOf(first.vmid()).get("rootfs")).contains("basevol-9000"));
    }

    @Test
    void withoutAChoiceTheDefaultPresetIsPveTemplateVmid() {
        Images images = bench.images("auto", List.of());
        PresetCatalog.Choice c = images.catalog().resolve(null, null);
        assertEquals(Preset.DEFAULT_ID, c.preset().id());
        assertEquals(TEMPLATE, c.version().templateVmid());
        assertEquals("pvelxc_default_v1", c.snapshotId().toString());
    }

    @Test
    void badChoicesAreRefusedBeforeAnythingIsCloned() {
        Images images = bench.images("auto", List.of(preset("empty", 1, 512, null)));
        assertEquals("unknown-preset", assertThrows(SandboxException.class,
                () -> create(images, "nope", null)).code());
        assertEquals("preset-or-snapshot", assertThrows(SandboxException.class,
                () -> create(images, "empty", "pvelxc_default_v1")).code());
        assertEquals("bad-snapshot-id", assertThrows(SandboxException.class,
                () -> create(images, null, "snapshot_48515850")).code());
        assertEquals("unknown-snapshot", assertThrows(SandboxException.class,
                () -> create(images, null, "pvelxc_default_v7")).code());
        assertEquals("preset-without-version", assertThrows(SandboxException.class,
                () -> create(images, "empty", null)).code());
        assertTrue(bench.pve.requests().stream().noneMatch(r -> r.endsWith("/clone")));
    }

    @Test
    void aFailedCloneTaskLeavesNothingBehind() {
        Images images = bench.images("auto", List.of());
        bench.pve.failNextTask("vzclone", "zfs error: out of space");

        PveTaskFailedException e = assertThrows(PveTaskFailedException.class, () -> create(images, null, null));

        assertEquals("clone failed: zfs error: out of space", e.exitStatus());
        assertEquals(List.of(TEMPLATE), bench.pve.vmids());
        assertNull(bench.pve.lock(TEMPLATE));
    }

    @Test
    void aRefusedConfigUpdateDestroysTheClone() {
        Images images = bench.images("auto", List.of(preset("small", 2, 1024, 16, version(1, TEMPLATE))));
        bench.pve.rejectNext("PUT /nodes/{node}/lxc/{vmid}/config", "can't lock file "
                + "'/run/lock/lxc/pve-config-100.lock' - got timeout");

        PveException e = assertThrows(PveException.class, () -> create(images, "small", null));

        assertTrue(e.getMessage().contains("got timeout"), e.getMessage());
        assertEquals(0, e.getSuppressed().length, "the rollback worked");
        assertEquals(List.of(TEMPLATE), bench.pve.vmids());
    }

    @Test
    void aResizeRefusedAtOnceDestroysTheClone() {
        Images images = bench.images("auto", List.of(preset("small", null, null, 16, version(1, TEMPLATE))));
        bench.pve.rejectNext("PUT /nodes/{node}/lxc/{vmid}/resize", "CT is locked (backup)");

        PveException e = assertThrows(PveException.class, () -> create(images, "small", null));

        assertEquals("CT is locked (backup)", e.getMessage());
        assertEquals(List.of(TEMPLATE), bench.pve.vmids());
    }

    @Test
    void aResizeFailingInItsTaskDestroysTheClone() {
        Images images = bench.images("auto", List.of(preset("small", null, null, 16, version(1, TEMPLATE))));
        bench.pve.failNextTask("resize", "zfs error: cannot set property for 'rpool/data/subvol-100-disk-0'");

        PveTaskFailedException e = assertThrows(PveTaskFailedException.class, () -> create(images, "small", null));

        assertTrue(e.exitStatus().startsWith("zfs error"), e.exitStatus());
        assertEquals(List.of(TEMPLATE), bench.pve.vmids());
        assertNull(bench.pve.lock(TEMPLATE));
    }

    @Test
    void aStartFailureAfterAFullCloneDestroysTheCopy() {
        bench.pve.addStorage("big-dir", "dir", "images,rootdir", 50);
        bench.pve.seedTemplate(9100, "big-dir", 8, "cmux", null);
        Images images = bench.images("auto", List.of(preset("dir", null, null, 12, version(1, 9100))));
        bench.pve.failNextStartTask("startup for container '100' failed");

        assertThrows(PveTaskFailedException.class, () -> create(images, "dir", null));

        assertEquals(List.of(TEMPLATE, 9100), bench.pve.vmids());
    }

    @Test
    void noAddressInTimeDestroysTheStartedClone() {
        try (ImageBench quick = new ImageBench(Duration.ofMillis(400))) {
            Images images = quick.images("auto", List.of(preset("small", 2, null, 16, version(1, TEMPLATE))));
            quick.pve.dhcp(false);

            SandboxException e = assertThrows(SandboxException.class, () -> images.sandboxes()
                    .create(new ImageChoice("small", null), CreateRequest.defaults()));

            assertEquals("no-address", e.code());
            assertEquals(List.of(TEMPLATE), quick.pve.vmids(), "stopped and destroyed again");
            assertTrue(quick.pve.requests().contains("POST /api2/json/nodes/pve/lxc/100/status/stop"));
            assertEquals(List.of(), quick.pve.violations());
        }
    }

    @Test
    void aVersionThatIsASnapshotOfAContainerIsClonedFromThatSnapshotLinkedWhereTheStorageCan() {
        bench.pve.addStorage("local-lvm", "lvmthin", "images,rootdir", 10);
        bench.pve.seedContainer(9200, "golden-zfs", false, "golden", null);
        TaskWaiter tasks = new TaskWaiter(bench.client, Poller.SYSTEM, Duration.ofMillis(10), Duration.ofSeconds(5));
        tasks.await(bench.client.cloneContainer("pve", TEMPLATE, 9201, "golden-lvm", true, "local-lvm", null, null));
        tasks.await(bench.client.snapshot("pve", 9200, "ready", null));
        tasks.await(bench.client.snapshot("pve", 9201, "ready", null));
        Images images = bench.images("auto", List.of(
                preset("zfs", null, null, null, new PresetVersion(1, 9200, "ready", null, false)),
                preset("lvm", null, null, null, new PresetVersion(1, 9201, "ready", null, false))));

        Sandbox fromZfs = create(images, "zfs", null);
        Sandbox fromLvm = create(images, "lvm", null);

        assertEquals("local-zfs:subvol-" + fromZfs.vmid() + "-disk-0,size=8G",
                bench.pve.configOf(fromZfs.vmid()).get("rootfs"), "ZFS clones a snapshot only as a full copy");
        assertEquals("local-lvm:vm-" + fromLvm.vmid() + "-disk-0,size=8G", bench.pve.configOf(fromLvm.vmid())
                .get("rootfs"), "LVM-thin clones a snapshot linked, so on its storage (a copy would go to local-zfs)");
    }

    @Test
    void aPresetDiskSmallerThanTheTemplatesIsNotShrunk() {
        bench.pve.seedTemplate(9002, "local-zfs", 20, "cmux", null);
        Images images = bench.images("auto", List.of(preset("tiny", null, null, 4, version(1, 9002))));

        Sandbox s = create(images, "tiny", null);

        assertEquals(20, bench.pve.diskGiB(s.vmid()));
        assertTrue(bench.pve.requests().stream().noneMatch(r -> r.endsWith("/resize")));
    }

    @Test
    void versionsLearnedFromTemplatesInPveJoinTheConfigsPresetsAndNewOnesAppear() {
        bench.pve.seedTemplate(9003, "local-zfs", 8, "cmux;preset-small", new TemplateDescription(
                new SnapshotId("small", 2), java.time.Instant.parse("2026-12-06T10:00:00Z"), 120, "cmux-120").text());
        bench.pve.seedTemplate(9004, "local-zfs", 8, "cmux;preset-gpu", new TemplateDescription(
                new SnapshotId("gpu", 1), java.time.Instant.parse("2026-12-06T11:00:00Z"), 121, "cmux-121").text());
        bench.pve.seedTemplate(9005, "local-zfs", 8, "cmux;preset-small", "hand-made, no cmux lines");
        Images images = bench.images("auto", List.of(preset("small", 2, 1024, null, version(1, TEMPLATE))));

        Map<String, Preset> all = images.catalog().all();

        assertEquals(List.of("small", "default", "gpu"), List.copyOf(all.keySet()));
        Preset small = all.get("small");
        assertEquals(List.of(1, 2), small.versions().stream().map(PresetVersion::version).toList());
        assertEquals(9003, small.newest().orElseThrow().templateVmid());
        assertTrue(small.newest().orElseThrow().learned());
        assertEquals(2, small.cores(), "resources stay the config's");
        assertEquals(9004, images.catalog().resolve("gpu", null).version().templateVmid());
    }
}
