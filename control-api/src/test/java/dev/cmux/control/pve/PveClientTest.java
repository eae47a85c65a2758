package dev.cmux.control.pve;

import dev.cmux.control.config.PveConfig;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.sandbox.PowerAction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PveClientTest {

    private PveEmulator pve;

    @BeforeEach
    void start() {
        pve = PveEmulator.start();
        pve.seedTemplate(9000);
        pve.taskDuration(Duration.ofMillis(30));
    }

    @AfterEach
    void stop() {
        assertEquals(java.util.List.of(), pve.violations(), "requests real PVE would reject");
        pve.close();
    }

    private PveConfig config(String token, boolean verify, String fingerprint, Path ca) {
        return new PveConfig(URI.create(pve.url()), token, "pve", 9000, verify, fingerprint, ca);
    }

    @Test
    void pinnedFingerprintIsTrustedWithoutHostNameCheck() {
        try (PveClient client = PveClient.create(pve.config(9000))) {
            assertEquals("9.2.11", client.version().get("version").asText());
        }
    }

    @Test
    void certificateWithAnotherFingerprintIsRefused() {
        String other = "AA:" + pve.fingerprint().substring(3).replace('A', 'B');
        try (PveClient client = PveClient.create(config(PveEmulator.TOKEN, true, other, null))) {
            PveException e = assertThrows(PveException.class, client::version);
            assertTrue(e.unreachable());
            assertTrue(pve.requests().isEmpty(), "nothing may reach an unverified server");
        }
    }

    @Test
    void caFileIsTrusted(@TempDir Path dir) throws Exception {
        try (PveClient client = PveClient.create(config(PveEmulator.TOKEN, true, null, pve.rootCaPem(dir)))) {
            assertEquals("9.2", client.version().get("release").asText());
        }
    }

    @Test
    void selfSignedCertificateIsRefusedUnlessVerificationIsTurnedOff() {
        try (PveClient client = PveClient.create(config(PveEmulator.TOKEN, true, null, null))) {
            assertTrue(assertThrows(PveException.class, client::version).unreachable());
        }
        try (PveClient client = PveClient.create(config(PveEmulator.TOKEN, false, null, null))) {
            assertEquals("9.2.11", client.version().get("version").asText());
        }
    }

    @Test
    void wrongTokenIsA401WhoseMessageNamesTheVariableButNotTheSecret() {
        String secret = "root@pam!cmux=11111111-2222-3333-4444-555555555555";
        try (PveClient client = PveClient.create(config(secret, true, pve.fingerprint(), null))) {
            PveException e = assertThrows(PveException.class, client::version);
            assertEquals(401, e.status());
            assertTrue(e.getMessage().contains("Authentication failed!"), e.getMessage());
            assertTrue(e.getMessage().contains("PVE_API_TOKEN"), e.getMessage());
            assertFalse(e.getMessage().contains("11111111"), e.getMessage());
        }
    }

    @Test
    void reasonPhraseOfA500IsTheMessage() {
        try (PveClient client = PveClient.create(pve.config(9000))) {
            PveException e = assertThrows(PveException.class,
                    () -> client.statusAction("pve", 777, PowerAction.STOP, Map.of()));
            assertEquals(500, e.status());
            assertEquals("CT 777 not running", e.getMessage());
            assertTrue(e.notRunning() && !e.alreadyRunning());
        }
    }

    @Test
    void startingARunningContainerIsRecognisedAsAlreadyRunning() {
        pve.seedContainer(152, "cmux-152", true, "cmux", null);
        try (PveClient client = PveClient.create(pve.config(9000))) {
            PveException e = assertThrows(PveException.class,
                    () -> client.statusAction("pve", 152, PowerAction.START, Map.of()));
            assertTrue(e.alreadyRunning() && !e.notRunning(), e.getMessage());
        }
    }

    @Test
    void nextIdArrivesAsAStringAndIsReadAsANumber() {
        try (PveClient client = PveClient.create(pve.config(9000))) {
            assertEquals(100, client.nextId());
        }
    }

    @Test
    void cloneTaskIsAwaitedAndLocksAreGoneAfterwards() {
        try (PveClient client = PveClient.create(pve.config(9000))) {
            pve.taskDuration(Duration.ofMillis(300));
            String upid = client.cloneContainer("pve", 9000, 101, "cmux-101", false);
            assertEquals("disk", pve.lock(9000));
            tasks(client).await(upid);
            assertNull(pve.lock(9000));
            assertNull(pve.lock(101));
            assertEquals("cmux-101", pve.configOf(101).get("hostname"));
        }
    }

    @Test
    void failedTaskReportsItsExitStatusAndTheTailOfItsLog() {
        pve.seedContainer(150, "cmux-150", false, "cmux", null);
        pve.failNextStartTask("startup for container '150' failed");
        try (PveClient client = PveClient.create(pve.config(9000))) {
            String upid = client.statusAction("pve", 150, PowerAction.START, Map.of());
            PveTaskFailedException e = assertThrows(PveTaskFailedException.class,
                    () -> tasks(client).await(upid));
            assertEquals("startup for container '150' failed", e.exitStatus());
            assertTrue(e.getMessage().contains("run_buffer: 571 Script exited with status 1"), e.getMessage());
            assertTrue(e.getMessage().startsWith("vzstart failed"), e.getMessage());
        }
    }

    @Test
    void interfacesAreNullWhileStopped() {
        pve.seedContainer(151, "cmux-151", false, "cmux", null);
        try (PveClient client = PveClient.create(pve.config(9000))) {
            assertTrue(client.interfaces("pve", 151).isNull());
        }
    }

    @Test
    void apiUrlWithoutPathGetsApi2Json() {
        assertEquals("/api2/json", PveClient.apiBase("https://pve.lan:8006").encodedPath());
        assertEquals("/api2/json", PveClient.apiBase("https://pve.lan:8006/api2/json/").encodedPath());
    }

    private static TaskWaiter tasks(PveClient client) {
        return new TaskWaiter(client, Poller.SYSTEM, java.time.Duration.ofMillis(10), java.time.Duration.ofSeconds(5));
    }
}
