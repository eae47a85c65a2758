package dev.cmux.control.image;

import dev.cmux.control.sandbox.SandboxException;

import dev.cmux.control.pve.PveException;
import dev.cmux.control.sandbox.CreateRequest;
import dev.cmux.control.sandbox.PowerAction;
import dev.cmux.control.sandbox.Sandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
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

/** Preset versions made from sandboxes, found again by a fresh gateway, deleted only when nothing depends on them. */
class TemplatesTest {

    private final ImageBench bench = new ImageBench();
    private final Images images = bench.images("auto",
            List.of(preset("small", 2, 1024, null, version(1, TEMPLATE))));

    @AfterEach
    void stop() {
        List<String> violations = bench.pve.violations();
        bench.close();
        assertEquals(List.of(), violations, "requests real PVE would reject");
    }

    private int sandbox() {
        return bench.sandboxes.create(CreateRequest.defaults()).vmid();
    }

    @Test
    void aRunningSandboxBecomesTheNextVersionAndRunsAgain() {
        int source = sandbox();

        TemplateView t = images.templates().create(source, "small", null);

        assertEquals(9001, t.vmid(), "the first free id of 9000-9999");
        assertEquals("pvelxc_small_v2", t.snapshotId().toString());
        assertTrue(bench.pve.isTemplate(9001));
        Map<String, Object> config = bench.pve.configOf(9001);
        assertEquals("cmux;preset-small", config.get("tags"));
        assertEquals("cmux template snapshot\nsnapshotId: pvelxc_small_v2\npresetId: small\ncapturedAt: "
                + bench.clock.instant() + "\nsourceVmid: " + source + "\nhostname: cmux-" + source + "\n",
                config.get("description"));
        assertEquals("local-zfs:basevol-9001-disk-0,size=8G", config.get("rootfs"), "a full copy, not linked");
        assertEquals("running", bench.pve.status(source));
        List<String> r = bench.pve.requests();
        int shutdown = r.indexOf("POST /api2/json/nodes/pve/lxc/" + source + "/status/shutdown");
        int clone = r.indexOf("POST /api2/json/nodes/pve/lxc/" + source + "/clone");
        int start = r.lastIndexOf("POST /api2/json/nodes/pve/lxc/" + source + "/status/start");
        assertTrue(shutdown >= 0 && shutdown < clone && clone < start, r.toString());
        assertEquals(List.of(), t.warnings());
    }

    @Test
    void aNewVersionIsKnownToAFreshGatewayAndIsWhatThePresetClonesNext() {
        images.templates().create(sandbox(), "small", null);

        Images restarted = new ImageBench.Restart(bench).images("auto",
                List.of(preset("small", 2, 1024, null, version(1, TEMPLATE))));

        Preset small = restarted.catalog().all().get("small");
        assertEquals(List.of(1, 2), small.versions().stream().map(PresetVersion::version).toList());
        Sandbox s = restarted.sandboxes().create(new ImageChoice("small", null), CreateRequest.defaults());
        assertTrue(String.valueOf(bench.pve.configOf(s.vmid()).get("rootfs")).contains("basevol-9001-disk-0/"),
                "a linked clone of the new template");
        assertTrue(restarted.templates().list().stream().anyMatch(t -> t.vmid() == 9001 && t.origin().equals("pve")),
                "the template list of the fresh gateway has it too");
    }

    @Test
    void aSandboxThatIgnoresTheShutdownIsStoppedHard() {
        int source = sandbox();
        bench.pve.failNextTask("vzshutdown", "container did not stop");

        TemplateView t = images.templates().create(source, "small", null);

        assertTrue(bench.pve.isTemplate(t.vmid()));
        assertTrue(bench.pve.requests().contains("POST /api2/json/nodes/pve/lxc/" + source + "/status/stop"));
        assertEquals("running", bench.pve.status(source));
    }

    @Test
    void aStoppedSandboxStaysStoppedAndANewPresetStartsAtVersionOne() {
        int source = sandbox();
        bench.sandboxes.power(source, PowerAction.STOP);

        TemplateView t = images.templates().create(source, "fresh", null);

        assertEquals("pvelxc_fresh_v1", t.snapshotId().toString());
        assertEquals("stopped", bench.pve.status(source));
        assertTrue(bench.pve.requests().stream().noneMatch(x -> x.endsWith("/" + source + "/status/shutdown")));
    }

    @Test
    void aSourceThatDoesNotStartAgainIsAWarningBesideTheTemplate() {
        int source = sandbox();
        bench.pve.failNextStartTask("startup for container '" + source + "' failed");

        TemplateView t = images.templates().create(source, "small", null);

        assertTrue(bench.pve.isTemplate(t.vmid()), "the template is made all the same");
        assertEquals(1, t.warnings().size(), t.warnings().toString());
        assertTrue(t.warnings().get(0).contains("startup for container"), t.warnings().get(0));
        assertEquals("stopped", bench.pve.status(source));
    }

    @Test
    void aLockedSandboxIsNotTouched() {
        int source = sandbox();
        bench.pve.lockContainer(source, "backup");

        SandboxException e = assertThrows(SandboxException.class,
                () -> images.templates().create(source, "small", null));

        assertEquals("locked", e.code());
        assertEquals("running", bench.pve.status(source));
        assertEquals(List.of(source, TEMPLATE), bench.pve.vmids());
    }

    @Test
    void aVersionThatExistsIsAConflict() {
        SandboxException e = assertThrows(SandboxException.class,
                () -> images.templates().create(sandbox(), "small", 1));
        assertEquals("version-exists", e.code());
        assertEquals(List.of(100, TEMPLATE), bench.pve.vmids());
    }

    @Test
    void aConversionThatFailsInPvesWorkerDestroysTheHalfMadeTemplateAndRestartsTheSource() {
        bench.pve.addStorage("thick", "lvm", "images,rootdir", 2000); // most free space: auto picks it
        int source = sandbox();

        PveException e = assertThrows(PveException.class, () -> images.templates().create(source, "small", null));

        assertTrue(e.getMessage().contains("Template feature is not available for 'thick:vm-9001-disk-0'"),
                e.getMessage());
        assertFalse(bench.pve.exists(9001), "the half-made template is gone");
        assertEquals("running", bench.pve.status(source));
    }

    @Test
    void aFailedCloneLeavesNothingAndRestartsTheSource() {
        int source = sandbox();
        bench.pve.failNextTask("vzclone", "rsync error");

        assertThrows(PveException.class, () -> images.templates().create(source, "small", null));

        assertEquals(List.of(source, TEMPLATE), bench.pve.vmids());
        assertNull(bench.pve.lock(source));
        assertEquals("running", bench.pve.status(source));
    }

    @Test
    void aRefusedTagUpdateDestroysTheCopy() {
        int source = sandbox();
        bench.pve.rejectNext("PUT /nodes/{node}/lxc/{vmid}/config", "can't lock file "
                + "'/run/lock/lxc/pve-config-9001.lock' - got timeout");

        assertThrows(PveException.class, () -> images.templates().create(source, "small", null));

        assertFalse(bench.pve.exists(9001));
        assertEquals("running", bench.pve.status(source));
    }

    @Test
    void aRefusedConversionDestroysTheCopy() {
        int source = sandbox();
        bench.pve.rejectNext("POST /nodes/{node}/lxc/{vmid}/template", "CT is locked (mounted)");

        PveException e = assertThrows(PveException.class, () -> images.templates().create(source, "small", null));

        assertEquals("CT is locked (mounted)", e.getMessage());
        assertFalse(bench.pve.exists(9001));
    }

    @Test
    void aTemplateWithLinkedClonesCannotBeDeletedAndNamesThem() {
        images.templates().create(sandbox(), "small", null);
        int a = images.sandboxes().create(new ImageChoice("small", null), CreateRequest.defaults()).vmid();
        int b = images.sandboxes().create(new ImageChoice(null, "pvelxc_small_v2"), CreateRequest.defaults()).vmid();

        SandboxException e = assertThrows(SandboxException.class, () -> images.templates().delete(9001));

        assertEquals("template-in-use", e.code());
        assertEquals(Map.of("linkedClones", List.of(a, b)), e.details());
        assertTrue(e.getMessage().contains("[" + a + ", " + b + "]"), e.getMessage());
        bench.sandboxes.destroy(a);
        bench.sandboxes.destroy(b);
        images.templates().delete(9001);
        assertFalse(bench.pve.exists(9001));
        assertFalse(images.catalog().all().get("small").version(2).isPresent());
    }

    @Test
    void onlyPresetTemplatesAreDeleted() {
        bench.pve.seedTemplate(9500, "local-zfs", 8, "debian", null);
        int sandbox = sandbox();
        assertEquals("unknown-template", assertThrows(SandboxException.class,
                () -> images.templates().delete(9500)).code());
        assertEquals("unknown-template", assertThrows(SandboxException.class,
                () -> images.templates().delete(sandbox)).code());
        assertTrue(bench.pve.exists(9500));
    }

    @Test
    void listShowsConfigAndLearnedVersions() {
        int source = sandbox();
        images.templates().create(source, "small", null);

        List<TemplateView> all = images.templates().list().stream()
                .filter(t -> t.snapshotId().presetId().equals("small")).toList();

        assertEquals(List.of("pvelxc_small_v1", "pvelxc_small_v2"),
                all.stream().map(t -> t.snapshotId().toString()).toList());
        assertEquals("config", all.get(0).origin());
        assertEquals("pve", all.get(1).origin());
        assertEquals(source, all.get(1).sourceVmid());
        assertEquals(Instant.parse("2026-12-07T01:00:00Z"), all.get(1).capturedAt());
        assertEquals("pve", all.get(1).node());
    }
}
