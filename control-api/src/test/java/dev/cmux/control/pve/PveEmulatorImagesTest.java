package dev.cmux.control.pve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.poll.Poller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshots, templates, resize, feature, storage and full clones in the emulator refuse what PVE refuses. */
class PveEmulatorImagesTest {

    private PveEmulator pve;
    private PveClient client;
    private TaskWaiter tasks;

    @BeforeEach
    void start() {
        pve = PveEmulator.start();
        pve.taskDuration(Duration.ofMillis(20));
        pve.seedTemplate(9000);
        pve.seedContainer(150, "cmux-150", false, "cmux", null);
        client = PveClient.create(pve.config(9000));
        tasks = new TaskWaiter(client, Poller.SYSTEM, Duration.ofMillis(10), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        client.close();
        pve.close();
    }

    @Test
    void aLinkedCloneOfANonTemplateIsRefusedAtOnce() {
        PveException e = assertThrows(PveException.class,
                () -> client.cloneContainer("pve", 150, 151, "cmux-151", false));
        assertEquals(500, e.status());
        assertEquals("Linked clone feature for 'local-zfs:subvol-150-disk-0' is not available", e.getMessage());
        assertFalse(pve.exists(151));
        assertNull(pve.lock(150), "the source lock is released again");
    }

    @Test
    void aLinkedCloneOfATemplateOnDirStorageIsRefusedAndTheFeatureCheckSaysSo() {
        pve.addStorage("big-dir", "dir", "images,rootdir", 900);
        pve.seedTemplate(9100, "big-dir", 8, "cmux", null);

        assertFalse(client.hasFeature("pve", 9100, "clone", null));
        assertTrue(client.hasFeature("pve", 9000, "clone", null), "a ZFS template clones linked");
        assertFalse(client.hasFeature("pve", 150, "clone", null), "a ZFS volume that is not a base volume does not");
        PveException e = assertThrows(PveException.class,
                () -> client.cloneContainer("pve", 9100, 151, "cmux-151", false));
        assertEquals("Linked clone feature for 'big-dir:9100/base-9100-disk-0.raw' is not available", e.getMessage());
    }

    @Test
    void storageIsRefusedForLinkedClonesAndAFullCloneLandsOnTheChosenStorage() {
        pve.addStorage("local-lvm", "lvmthin", "images,rootdir", 500);
        PveException e = assertThrows(PveException.class,
                () -> client.cloneContainer("pve", 9000, 151, "cmux-151", false, "local-lvm", null, null));
        assertEquals("parameter 'storage' not allowed for linked clones", e.getMessage());

        tasks.await(client.cloneContainer("pve", 9000, 151, "cmux-151", true, "local-lvm", "made by a test", null));

        assertEquals("local-lvm:vm-151-disk-0,size=8G", pve.configOf(151).get("rootfs"));
        assertEquals("made by a test\n", pve.configOf(151).get("description"));
    }

    @Test
    void aRunningContainerIsFullClonedOnlyFromASnapshot() {
        pve.seedContainer(160, "cmux-160", true, "cmux", null);
        PveException e = assertThrows(PveException.class,
                () -> client.cloneContainer("pve", 160, 161, "x", true));
        assertEquals("Full clone of a running container is only possible from a snapshot", e.getMessage());
    }

    @Test
    void storageListFiltersByContentAndReportsFreeSpace() {
        pve.addStorage("local-lvm", "lvmthin", "images,rootdir", 500);
        List<String> names = new ArrayList<>();
        for (JsonNode s : client.storages("pve", "rootdir")) {
            names.add(s.get("storage").asText() + "=" + s.get("avail").asLong() / (1L << 30));
        }
        assertEquals(List.of("local-zfs=300", "local-lvm=500"), names, "'local' holds no container volumes");
        PveException e = assertThrows(PveException.class,
                () -> client.get("/nodes/pve/storage", Map.of("storage", "nope")));
        assertEquals("No such storage.", e.fieldErrors().get("storage"));
    }

    @Test
    void aSnapshotOfATemplateFailsInItsTask() {
        PveTaskFailedException e = assertThrows(PveTaskFailedException.class,
                () -> tasks.await(client.snapshot("pve", 9000, "s1", null)));
        assertEquals("you can't take a snapshot if it's a template", e.exitStatus());
    }

    @Test
    void aContainerWithSnapshotsCannotBecomeATemplate() {
        tasks.await(client.snapshot("pve", 150, "before", "first"));
        PveException e = assertThrows(PveException.class, () -> client.convertToTemplate("pve", 150));
        assertEquals("unable to create template, because CT contains snapshots", e.getMessage());
        assertFalse(pve.isTemplate(150));
    }

    @Test
    void aRunningContainerCannotBecomeATemplateAndAStoppedOneBecomesOneInTheBackground() {
        pve.seedContainer(170, "cmux-170", true, "cmux", null);
        PveException running = assertThrows(PveException.class, () -> client.convertToTemplate("pve", 170));
        assertEquals("you can't convert a CT to template if the CT is running", running.getMessage());

        client.convertToTemplate("pve", 150);
        assertEquals("OK", templateWorkerEnd());
        assertTrue(pve.isTemplate(150));
        assertEquals("local-zfs:basevol-150-disk-0,size=8G", pve.configOf(150).get("rootfs"));
        PveException again = assertThrows(PveException.class, () -> client.convertToTemplate("pve", 150));
        assertEquals("you can't convert a template to a template", again.getMessage());
    }

    @Test
    void thickLvmHasNoTemplateFeatureSoTheBackgroundConversionFails() {
        pve.addStorage("thick", "lvm", "images,rootdir", 100);
        tasks.await(client.cloneContainer("pve", 9000, 180, "cmux-180", true, "thick", null, null));
        client.convertToTemplate("pve", 180);
        assertEquals("Template feature is not available for 'thick:vm-180-disk-0'", templateWorkerEnd());
        assertFalse(pve.isTemplate(180));
    }

    /** PVE never returns the vztemplate worker's UPID; the emulator tells how it ended. */
    private String templateWorkerEnd() {
        return Poller.SYSTEM.until(Duration.ofMillis(10), Duration.ofSeconds(5),
                () -> pve.lastTaskExitStatus("vztemplate"), () -> new IllegalStateException("no vztemplate end"));
    }

    @Test
    void shrinkingADiskAndResizingToTheSameSizeAreRefusedGrowingWorks() {
        PveException shrink = assertThrows(PveException.class, () -> client.resize("pve", 150, "rootfs", "4G"));
        assertEquals("unable to shrink disk size", shrink.getMessage());
        PveException same = assertThrows(PveException.class, () -> client.resize("pve", 150, "rootfs", "8G"));
        assertEquals("disk is already at specified size", same.getMessage());

        tasks.await(client.resize("pve", 150, "rootfs", "32G"));
        tasks.await(client.resize("pve", 150, "rootfs", "+2G"));

        assertEquals(34, pve.diskGiB(150));
        assertEquals("local-zfs:subvol-150-disk-0,size=34G", pve.configOf(150).get("rootfs"));
        PveException bad = assertThrows(PveException.class, () -> client.resize("pve", 150, "rootfs", "lots"));
        assertEquals(400, bad.status());
        pve.clearViolations();
    }

    @Test
    void snapshotNamesFollowPvesRules() {
        PveException schema = assertThrows(PveException.class, () -> client.snapshot("pve", 150, "1st", null));
        assertEquals(400, schema.status());
        assertTrue(schema.fieldErrors().containsKey("snapname"), schema.fieldErrors().toString());
        PveException reserved = assertThrows(PveException.class, () -> client.snapshot("pve", 150, "current", null));
        assertEquals("unable to use snapshot name 'current' (reserved name)", reserved.getMessage());
        tasks.await(client.snapshot("pve", 150, "pre-upgrade_1", null));
        PveTaskFailedException twice = assertThrows(PveTaskFailedException.class,
                () -> tasks.await(client.snapshot("pve", 150, "pre-upgrade_1", null)));
        assertEquals("snapshot name 'pre-upgrade_1' already used", twice.exitStatus());
        pve.clearViolations();
    }

    @Test
    void snapshotsOnStorageWithoutSnapshotsFailAndZfsRollsBackOnlyToTheNewest() {
        pve.addStorage("big-dir", "dir", "images,rootdir", 900);
        tasks.await(client.cloneContainer("pve", 9000, 190, "cmux-190", true, "big-dir", null, null));
        PveTaskFailedException dir = assertThrows(PveTaskFailedException.class,
                () -> tasks.await(client.snapshot("pve", 190, "s1", null)));
        assertEquals("snapshot feature is not available", dir.exitStatus());

        tasks.await(client.snapshot("pve", 150, "first", null));
        client.updateConfig("pve", 150, Map.of("cores", 4));
        tasks.await(client.snapshot("pve", 150, "second", null));
        PveTaskFailedException older = assertThrows(PveTaskFailedException.class,
                () -> tasks.await(client.rollback("pve", 150, "first", false)));
        assertEquals("can't rollback, 'first' is not most recent snapshot on 'local-zfs:subvol-150-disk-0'",
                older.exitStatus());
        tasks.await(client.deleteSnapshot("pve", 150, "second"));
        tasks.await(client.rollback("pve", 150, "first", true));
        assertEquals(1, pve.configOf(150).get("cores"), "the config of the snapshot is back");
        assertEquals("running", pve.status(150), "start=1 starts it afterwards");
        JsonNode list = client.snapshots("pve", 150);
        assertEquals("first", list.get(0).get("name").asText());
        assertEquals("current", list.get(1).get("name").asText());
        assertEquals("first", list.get(1).get("parent").asText());
    }
}
