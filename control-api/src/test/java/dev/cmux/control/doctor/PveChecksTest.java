package dev.cmux.control.doctor;

import dev.cmux.control.cloudflare.StatusLine;
import dev.cmux.control.config.PveConfig;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PVE part of {@code doctor} against the PVE emulator: healthy, then one cause at a time. */
class PveChecksTest {

    private static final int TEMPLATE = 9000;

    private PveEmulator pve;

    @BeforeEach
    void start() {
        pve = PveEmulator.start();
        pve.seedTemplate(TEMPLATE);
    }

    @AfterEach
    void stop() {
        assertEquals(List.of(), pve.violations());
        pve.close();
    }

    @Test
    void aHealthySetupPassesEveryLine() {
        List<StatusLine> lines = check(pve.config(TEMPLATE));
        assertTrue(Doctor.healthy(lines), lines.toString());
        assertEquals(List.of("PVE API", "PVE token", "template", "PVE privileges: create and destroy sandboxes",
                "PVE privileges: start, stop, wake and idle", "PVE privileges: snapshots",
                "PVE privileges: list sandboxes and node settings"), lines.stream().map(StatusLine::subject).toList());
        assertTrue(lines.get(2).detail().contains("its disk on local-zfs"), lines.get(2).detail());
    }

    @Test
    void aTokenWithoutVmCloneFailsOnlyTheCreateLineAndSaysWhatToGrant() {
        Set<String> noClone = new HashSet<>(PveEmulator.allPrivileges());
        noClone.remove("VM.Clone");
        pve.acl("/vms", noClone);
        StatusLine failed = onlyFailure(check(pve.config(TEMPLATE)));
        assertEquals("PVE privileges: create and destroy sandboxes", failed.subject());
        assertEquals("missing VM.Clone on /vms/9000", failed.detail());
        assertTrue(failed.fix().startsWith("pveum acl modify /vms/9000 --tokens 'root@pam!cmux' --roles PVEVMAdmin"),
                failed.fix());
    }

    @Test
    void aMissingTemplateFailsOnlyTheTemplateLine() {
        StatusLine failed = onlyFailure(check(pve.config(9001)));
        assertEquals("template", failed.subject());
        assertEquals("there is no guest 9001", failed.detail());
        assertTrue(failed.fix().contains("PVE_TEMPLATE_VMID"), failed.fix());
    }

    @Test
    void aVmTemplateIsAcceptedAndTheGuestAgentsPrivilegesAreChecked() {
        pve.seedVmTemplate(9100);
        List<StatusLine> lines = check(pve.config(9100));
        assertTrue(Doctor.healthy(lines), lines.toString());
        assertTrue(lines.get(2).detail().startsWith("VM 9100 on " + pve.node() + " is a template, its disk on local-zfs"),
                lines.get(2).detail());
        Set<String> noAgent = new HashSet<>(PveEmulator.allPrivileges());
        noAgent.remove("VM.GuestAgent.Unrestricted");
        pve.acl("/vms", noAgent);
        StatusLine failed = onlyFailure(check(pve.config(9100)));
        assertEquals("PVE privileges: VM addresses and exec through the guest agent", failed.subject());
        assertTrue(failed.detail().contains("VM.GuestAgent.Unrestricted"), failed.detail());
    }

    @Test
    void aContainerThatIsNoTemplateIsNamed() {
        pve.seedContainer(9002, "base", false, null, null);
        StatusLine failed = onlyFailure(check(pve.config(9002)));
        assertEquals("container 9002 on " + pve.node() + " is not a template", failed.detail());
        assertTrue(failed.fix().contains("pct template 9002"), failed.fix());
    }

    @Test
    void aRefusedTokenSaysSoAndStops() {
        PveConfig c = pve.config(TEMPLATE);
        PveConfig wrong = new PveConfig(c.apiUrl(), "root@pam!cmux=00000000-0000-0000-0000-000000000000", c.node(),
                c.templateVmid(), c.verifyTls(), c.tlsFingerprint(), c.caFile());
        List<StatusLine> lines = check(wrong);
        assertEquals(1, lines.size(), lines.toString());
        assertEquals("PVE token", lines.get(0).subject());
        assertTrue(lines.get(0).fix().contains("PVE_API_TOKEN"), lines.get(0).fix());
        assertTrue(lines.stream().noneMatch(l -> l.detail().contains("0000-000000000000")), "the secret stays out");
    }

    private List<StatusLine> check(PveConfig config) {
        try (PveClient client = PveClient.create(config)) {
            return new PveChecks(client, config).run();
        }
    }

    private static StatusLine onlyFailure(List<StatusLine> lines) {
        List<StatusLine> failed = lines.stream().filter(l -> !l.ok()).toList();
        assertEquals(1, failed.size(), lines.toString());
        return failed.get(0);
    }
}
