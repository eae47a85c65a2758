package dev.cmux.control.image;

import dev.cmux.control.pve.PveException;
import dev.cmux.control.sandbox.CreateRequest;
import dev.cmux.control.sandbox.PowerAction;
import dev.cmux.control.sandbox.SandboxException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Disk snapshots of sandboxes, and PVE's refusals as the caller's errors with PVE's words. */
class SnapshotsTest {

    private final ImageBench bench = new ImageBench();
    private Snapshots snapshots;
    private int vmid;

    @BeforeEach
    void start() {
        snapshots = bench.images("auto", List.of()).snapshots();
        vmid = bench.sandboxes.create(CreateRequest.defaults()).vmid();
    }

    @AfterEach
    void stop() {
        List<String> violations = bench.pve.violations();
        bench.close();
        assertEquals(List.of(), violations, "requests real PVE would reject");
    }

    @Test
    void takeListRollBackAndDelete() {
        Snapshot first = snapshots.create(vmid, "before-upgrade", "clean state");
        bench.client.updateConfig("pve", vmid, Map.of("cores", 6));
        bench.invalidated.clear();

        assertEquals("clean state", first.description());
        assertEquals(List.of("before-upgrade"), snapshots.list(vmid).stream().map(Snapshot::name).toList());
        assertEquals("running", snapshots.rollback(vmid, "before-upgrade").status(),
                "a running sandbox runs again after the rollback");
        assertEquals(1, bench.pve.configOf(vmid).get("cores"), "the disk and config of the snapshot are back");
        assertEquals(List.of(vmid), bench.invalidated, "its address is looked up again");
        snapshots.delete(vmid, "before-upgrade");
        assertEquals(List.of(), bench.pve.snapshotNames(vmid));
    }

    @Test
    void aStoppedSandboxStaysStoppedAfterARollback() {
        snapshots.create(vmid, "s1", null);
        bench.sandboxes.power(vmid, PowerAction.STOP);

        assertEquals("stopped", snapshots.rollback(vmid, "s1").status());
        assertTrue(bench.pve.requests().stream().anyMatch(r -> r.endsWith("/snapshot/s1/rollback")));
    }

    @Test
    void aNameAgainstPvesRulesIsABadRequestInPvesWords() {
        SandboxException schema = assertThrows(SandboxException.class, () -> snapshots.create(vmid, "1st", null));
        assertEquals(SandboxException.Kind.BAD_REQUEST, schema.kind());
        assertEquals("invalid-snapshot-name", schema.code());
        assertTrue(schema.getMessage().startsWith("PVE: Parameter verification failed."), schema.getMessage());
        bench.pve.clearViolations();

        SandboxException reserved = assertThrows(SandboxException.class, () -> snapshots.create(vmid, "vzdump", null));
        assertEquals("PVE: unable to use snapshot name 'vzdump' (reserved name)", reserved.getMessage());
    }

    @Test
    void aTakenNameAndStorageWithoutSnapshotsAreConflicts() {
        snapshots.create(vmid, "s1", null);
        SandboxException taken = assertThrows(SandboxException.class, () -> snapshots.create(vmid, "s1", null));
        assertEquals(SandboxException.Kind.CONFLICT, taken.kind());
        assertEquals("PVE: snapshot name 's1' already used", taken.getMessage());

        bench.pve.addStorage("big-dir", "dir", "images,rootdir", 900);
        bench.pve.seedTemplate(9100, "big-dir", 8, "cmux", null);
        int onDir = bench.images("auto", List.of(ImageBench.preset("dir", null, null, null,
                ImageBench.version(1, 9100)))).sandboxes().create(new ImageChoice("dir", null),
                CreateRequest.defaults()).vmid();
        SandboxException unsupported = assertThrows(SandboxException.class, () -> snapshots.create(onDir, "s1", null));
        assertEquals(SandboxException.Kind.CONFLICT, unsupported.kind());
        assertEquals("PVE: snapshot feature is not available", unsupported.getMessage());
    }

    @Test
    void zfsRollsBackOnlyToTheNewestAndAMissingSnapshotIsNotFound() {
        snapshots.create(vmid, "s1", null);
        snapshots.create(vmid, "s2", null);

        SandboxException older = assertThrows(SandboxException.class, () -> snapshots.rollback(vmid, "s1"));
        assertEquals(SandboxException.Kind.CONFLICT, older.kind());
        assertTrue(older.getMessage().contains("'s1' is not most recent snapshot"), older.getMessage());
        SandboxException missing = assertThrows(SandboxException.class, () -> snapshots.rollback(vmid, "s9"));
        assertEquals(SandboxException.Kind.NOT_FOUND, missing.kind());
        assertEquals("PVE: snapshot 's9' does not exist", missing.getMessage());
        assertEquals(SandboxException.Kind.NOT_FOUND,
                assertThrows(SandboxException.class, () -> snapshots.delete(vmid, "s9")).kind());
    }

    @Test
    void aLockedSandboxIsReportedAsLockedByPve() {
        bench.pve.lockContainer(vmid, "backup");
        PveException e = assertThrows(PveException.class, () -> snapshots.create(vmid, "s1", null));
        assertTrue(e.locked(), e.getMessage());
        assertTrue(e.getMessage().contains("CT is locked (backup)"), e.getMessage());
    }

    @Test
    void containersThatAreNotSandboxesAreNotTouched() {
        bench.pve.seedContainer(300, "database", true, "prod", null);
        assertThrows(SandboxException.class, () -> snapshots.create(300, "s1", null));
        assertThrows(SandboxException.class, () -> snapshots.list(300));
        assertTrue(bench.pve.requests().stream().noneMatch(r -> r.contains("/300/snapshot")));
    }
}
