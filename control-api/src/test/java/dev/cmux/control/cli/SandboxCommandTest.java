package dev.cmux.control.cli;

import dev.cmux.control.api.ControlApiFixture;
import dev.cmux.control.pve.PveEmulator;
import dev.cmux.control.sandbox.ResolverInvalidation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxCommandTest {

    private ControlApiFixture fixture;
    private PveEmulator pve;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

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
        out.reset();
        err.reset();
        return SandboxCommand.run(List.of(args), fixture.baseUrl(), ControlApiFixture.TOKEN,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void createWithWaitPrintsTheSandboxUrls() {
        assertEquals(0, run("sandbox", "create", "--wait", "--cores", "2", "--memory", "1024", "--ttl", "1h"), err());
        assertTrue(out().contains("vmid      100"), out());
        assertTrue(out().contains("vscode    https://port-39378-vm-100.example.com"), out());
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
    void apiErrorsExitWith1AndBadUsageWith2() {
        assertEquals(1, run("get", "555"));
        assertTrue(err().contains("error 404 unknown-sandbox"), err());
        assertEquals(2, run("get", "abc"));
        assertEquals(2, run("create", "--flavour", "big"));
        assertEquals(2, run("exec", "100", "echo"));
        assertEquals(2, run());
        assertEquals(1, SandboxCommand.run(List.of("list"), fixture.baseUrl(), "bad",
                new PrintStream(out), new PrintStream(err)));
    }
}
