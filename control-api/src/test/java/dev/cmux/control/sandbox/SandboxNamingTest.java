package dev.cmux.control.sandbox;

import dev.cmux.control.exec.ExecdClient;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sandboxes.naming}: host names by vmid or cmux's instance ids, and the URLs of both forms for each. */
class SandboxNamingTest {

    private PveEmulator pve;
    private PveClient client;

    @BeforeEach
    void start() {
        pve = PveEmulator.start();
        pve.seedTemplate(SandboxServiceTest.TEMPLATE);
        pve.taskDuration(Duration.ofMillis(40));
        client = PveClient.create(pve.config(SandboxServiceTest.TEMPLATE));
    }

    @AfterEach
    void stop() {
        client.close();
        assertEquals(List.of(), pve.violations(), "requests real PVE would reject");
        pve.close();
    }

    private SandboxService service(SandboxNaming naming) {
        SandboxSettings settings = SandboxServiceTest.settings().withNaming(naming);
        return new SandboxService(client, settings, new ExecdClient(settings.execdPort()), vmid -> { },
                new MutableClock(Instant.parse("2026-12-01T06:00:00Z")));
    }

    @Test
    void instanceNamingClonesWithARandomPvelxcHostNameAndGivesUrlsOfBothForms() {
        SandboxService service = service(SandboxNaming.INSTANCE);
        Sandbox first = service.create(CreateRequest.defaults());
        Sandbox second = service.create(CreateRequest.defaults());

        assertTrue(first.hostname().matches("pvelxc-[0-9a-f]{8}"), first.hostname());
        assertNotEquals(first.hostname(), second.hostname());
        assertEquals(first.hostname(), pve.configOf(first.vmid()).get("hostname"), "the clone carries it in PVE");
        assertEquals("https://port-39378-vm-" + first.vmid() + ".sandbox.example.com", first.urls().get("vscode"));
        assertEquals("https://port-39378-" + first.hostname() + ".sandbox.example.com",
                first.instanceUrls().get("vscode"));
        assertEquals("https://port-39380-" + first.hostname() + ".sandbox.example.com",
                first.instanceUrls().get("vnc"));
        Sandbox read = service.get(first.vmid());
        assertEquals(first.instanceUrls(), read.instanceUrls(), "read back from PVE alike");
        assertEquals(first.urls(), read.urls());
        assertEquals(first.instanceUrls(), service.list().stream().filter(s -> s.vmid() == first.vmid())
                .findFirst().orElseThrow().instanceUrls());
    }

    @Test
    void vmidNamingIsTheDefaultAndItsInstanceIdIsCmuxVmid() {
        assertEquals(SandboxNaming.VMID, SandboxServiceTest.settings().naming());
        Sandbox s = service(SandboxNaming.VMID).create(CreateRequest.defaults());
        assertEquals("cmux-" + s.vmid(), s.hostname());
        assertEquals("https://port-5173-cmux-" + s.vmid() + ".sandbox.example.com", s.instanceUrls().get("preview"));
    }

    @Test
    void namingIsVmidOrInstanceAndNothingElse() {
        assertEquals(SandboxNaming.INSTANCE, SandboxNaming.parse("Instance"));
        assertEquals(SandboxNaming.VMID, SandboxNaming.parse("vmid"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SandboxNaming.parse("uuid"));
        assertEquals("must be vmid or instance, not 'uuid'", e.getMessage());
    }
}
