package dev.cmux.control.cli;

import dev.cmux.control.api.ControlApiFixture;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.ResolverInvalidation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxCommandTest {

    private ControlApiFixture fixture;
    private PveEmulator pve;
    private final ConsoleCapture console = new ConsoleCapture();

    @BeforeEach
    void start() {
        fixture = ControlApiFixture.start("example.com", false, ResolverInvalidation.NONE);
        pve = fixture.pve();
    }

    @AfterEach
    void stop() {
        List<String> violations = pve.violations();
        fixture.close();
        assertEquals(List.of(), violations);
    }

    private int run(String... args) {
        return runWithToken(ControlApiFixture.TOKEN, args);
    }

    private int runWithToken(String token, String... args) {
        return console.run(SandboxCommand.commandLine(() -> new ControlApiClient(fixture.baseUrl(), token)), args);
    }

    private String out() {
        return console.out();
    }

    private String err() {
        return console.err();
    }

    @Test
    void createWithWaitPrintsTheSandboxUrls() {
        assertEquals(0, run("create", "--wait", "--cores", "2", "--memory", "1024", "--ttl", "1h"), err());
        assertTrue(out().contains("vmid      100"), out());
        assertTrue(out().contains("vscode    https://port-39378-vm-100.example.com\n"
                + "          https://port-39378-cmux-100.example.com\n"), "both forms, by vmid first: " + out());
        assertTrue(out().contains("vnc       https://port-39380-vm-100.example.com"), out());
        assertTrue(out().contains("status    running"), out());
    }

    @Test
    void listExecStopAndDestroyDriveTheApi() {
        assertEquals(0, run("create", "--wait"), err());
        assertEquals(0, run("list"), err());
        assertTrue(out().lines().anyMatch(l -> l.startsWith("100 ") && l.contains("running")), out());

        assertEquals(0, run("exec", "100", "--", "echo", "hi"), err());
        assertEquals("hi\n", out());
        assertEquals(1, run("exec", "100", "--", "exit 3"));
        assertTrue(err().contains("exit code 3"), err());

        assertEquals(0, run("stop", "100"), err());
        assertTrue(out().contains("status    stopped"), out());
        assertEquals(0, run("destroy", "100"), err());
        assertFalse(pve.exists(100));
    }

    @Test
    void createTakesTheLifecycleAndProtectUnprotectChangeIt() {
        assertEquals(0, run("create", "--wait", "--ttl", "2h", "--auto-stop", "30m", "--auto-stop-action",
                "suspend", "--auto-delete", "7d", "--protected"), err());
        assertTrue(out().contains("protected yes"), out());
        String description = String.valueOf(pve.configOf(100).get("description"));
        assertTrue(description.contains("\"idle\":{\"after\":\"PT30M\",\"action\":\"suspend\"}"), description);
        assertTrue(description.contains("\"autoDelete\":\"PT168H\""), description);
        assertTrue(description.contains("\"protected\":true"), description);

        assertEquals(0, run("unprotect", "100"), err());
        assertFalse(out().contains("protected yes"), out());
        assertFalse(String.valueOf(pve.configOf(100).get("description")).contains("\"protected\""));
        assertEquals(0, run("protect", "100"), err());
        assertTrue(out().contains("protected yes"), out());
        assertEquals(1, run("protect", "555"));
        assertTrue(err().contains("error 404 unknown-sandbox"), err());
    }

    @Test
    void orphansAreListedAndDestroyedOnlyWithOrphan() {
        pve.seedContainer(400, "cmux-400", true, null, null);
        assertEquals(0, run("list", "--orphans"), err());
        assertTrue(out().lines().anyMatch(l -> l.startsWith("400 ") && l.contains("running") && l.endsWith("-")),
                out());

        assertEquals(1, run("destroy", "400"));
        assertTrue(pve.exists(400), "a plain destroy does not touch it");
        assertEquals(0, run("destroy", "--orphan", "400"), err());
        assertEquals("destroyed 400\n", out());
        assertFalse(pve.exists(400));
    }

    @Test
    void apiErrorsExitWith1AndBadUsageWith2() {
        assertEquals(1, run("get", "555"));
        assertTrue(err().contains("error 404 unknown-sandbox"), err());
        assertEquals(2, run("get", "abc"));
        assertEquals(2, run("create", "--flavour", "big"));
        assertEquals("sandbox create: unknown option '--flavour' (see 'sandbox create --help')\n", err());
        assertEquals(2, run("exec", "100", "echo"));
        assertTrue(err().contains("expected VMID -- COMMAND..."), err());
        assertEquals(2, run());
        assertEquals(1, runWithToken("bad", "list"));
    }

    @Test
    void helpIsPrintedOnStandardOutputWithExit0() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("Usage: sandbox"), out());
        assertTrue(out().contains("destroy"), out());
        assertTrue(out().lines().anyMatch(l -> l.matches("\\s*suspend\\s+Suspend a sandbox.*")), out());
        assertTrue(out().lines().anyMatch(l -> l.matches("\\s*protect\\s+Protect a sandbox.*")), out());
        assertEquals(0, run("help", "exec"));
        assertTrue(out().contains("Usage: sandbox exec"), out());
        assertEquals(0, run("create", "--help"));
        assertTrue(out().contains("--ttl=DURATION"), out());
        assertEquals("", err());
    }

    @Test
    void anUnreachableApiIsAFailureThatSaysWhere() {
        assertEquals(1, console.run(SandboxCommand.commandLine(() -> new ControlApiClient("http://127.0.0.1:1", null)),
                "list"));
        assertTrue(err().startsWith("sandbox: cannot reach the control API at http://127.0.0.1:1"), err());
    }
}
