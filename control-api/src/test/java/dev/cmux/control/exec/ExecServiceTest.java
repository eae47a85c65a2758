package dev.cmux.control.exec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecServiceTest {

    @TempDir
    Path dir;
    private ExecdServer execd;

    @BeforeEach
    void start() {
        execd = ExecdServer.start();
    }

    @AfterEach
    void stop() {
        execd.close();
    }

    private ExecService service(int execdPort, boolean withPct, int cap) throws IOException {
        Optional<PctExec> pct = withPct ? PctExec.find(FakePct.install(dir).toString(), null) : Optional.empty();
        return new ExecService(new ExecdClient(execdPort), pct, cap);
    }

    private static ExecTarget target(int vmid, String address) {
        return container(vmid, address, Optional.empty());
    }

    /** A container on node pve. */
    private static ExecTarget container(int vmid, String address, Optional<ExecdToken> token) {
        return new ExecTarget(vmid, "pve", false, address, token);
    }

    private static ExecRequest command(String command) {
        return new ExecRequest(command, Duration.ofSeconds(20));
    }

    @Test
    void execdRunsTheCommandAndReportsStdoutStderrAndExitCode() throws IOException {
        List<ExecEvent> events = new ArrayList<>();
        ExecResult r = service(execd.port(), true, 4096)
                .exec(target(120, "127.0.0.1"), command("echo one; echo; echo two; echo oops >&2; exit 3"),
                        events::add);

        assertEquals(3, r.exitCode());
        assertEquals("one\ntwo", r.stdout());
        assertEquals("oops", r.stderr());
        assertEquals("execd", r.via());
        assertFalse(r.truncated());
        assertEquals(ExecEvent.exit(3), events.get(events.size() - 1));
        assertEquals(List.of(), FakePct.calls(dir), "execd answered, so pct was not used");
    }

    @Test
    void execdStreamWithoutAnExitEventIsAFailureAndIsNotRetried() throws IOException {
        execd.dropExitEvent(true);
        ExecService service = service(execd.port(), true, 4096);

        ExecFailedException e = assertThrows(ExecFailedException.class,
                () -> service.exec(target(120, "127.0.0.1"), command("echo partial"), ExecListener.NONE));

        assertTrue(e.getMessage().contains("without an exit event"), e.getMessage());
        assertEquals(1, execd.commands().size(), "sent once, never again");
        assertEquals(List.of(), FakePct.calls(dir), "the command may have run: no fallback either");
    }

    @Test
    void execdThatTimesOutIsAFailureAndTheCommandIsNeverSentAgain() throws IOException {
        execd.stall(true);
        ExecService service = new ExecService(new ExecdClient(execd.port(), Duration.ofMillis(200)),
                PctExec.find(FakePct.install(dir).toString(), null), 4096);

        ExecFailedException e = assertThrows(ExecFailedException.class, () -> service.exec(target(120, "127.0.0.1"),
                new ExecRequest("touch /tmp/once", Duration.ofMillis(100)), ExecListener.NONE));

        assertTrue(e.getMessage().contains("not retried"), e.getMessage());
        assertEquals(List.of("touch /tmp/once"), execd.commands());
        assertEquals(List.of(), FakePct.calls(dir), "no second attempt through pct either");
    }

    @Test
    void listenerThatGivesUpEndsTheRunInsteadOfWaitingForTheCommand() throws IOException {
        ExecService service = service(execd.port(), false, 4096);
        ExecFailedException e = assertThrows(ExecFailedException.class, () -> assertTimeoutPreemptively(
                Duration.ofSeconds(15), () -> service.exec(target(128, "127.0.0.1"), command("echo started; sleep 25"),
                        event -> {
                            throw new ExecFailedException("client went away");
                        })));
        assertEquals("client went away", e.getMessage());
    }

    @Test
    void pctRunsTheCommandWhenExecdIsNotListening() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ExecResult r = service(closedPort, true, 4096)
                .exec(target(123, "127.0.0.1"), command("echo \"it's $((6 * 7))\"; echo bad >&2; exit 5"),
                        ExecListener.NONE);

        assertEquals(5, r.exitCode());
        assertEquals("it's 42", r.stdout());
        assertEquals("bad", r.stderr());
        assertEquals("pct", r.via());
        assertEquals(List.of("exec 123 -- /bin/bash -lc echo \"it's $((6 * 7))\"; echo bad >&2; exit 5"),
                FakePct.calls(dir));
    }

    @Test
    void sandboxWithoutAnAddressGoesStraightToPct() throws IOException {
        ExecResult r = service(execd.port(), true, 4096).exec(target(124, null), command("true"), ExecListener.NONE);
        assertEquals(0, r.exitCode());
        assertEquals("pct", r.via());
        assertEquals(List.of(), execd.commands());
    }

    @Test
    void pctRunsOnlyForContainersOfItsOwnNodeAndTheFailureNamesBothNodes() throws IOException {
        PctExec onPve1 = PctExec.find(FakePct.install(dir).toString(), null).orElseThrow().onNode("pve1");
        ExecService service = new ExecService(new ExecdClient(execd.port()), Optional.of(onPve1), 4096);

        ExecFailedException e = assertThrows(ExecFailedException.class, () -> service.exec(
                new ExecTarget(127, "pve2", false, null, Optional.empty()), command("true"), ExecListener.NONE));
        assertTrue(e.getMessage().contains("this host's node pve1: sandbox 127 runs on node pve2"), e.getMessage());
        assertEquals(List.of(), FakePct.calls(dir), "pct would not find the container's config here");

        ExecResult local = service.exec(new ExecTarget(127, "pve1", false, null, Optional.empty()), command("true"),
                ExecListener.NONE);
        assertEquals("pct", local.via());
    }

    @Test
    void withoutExecdAndWithoutPctTheFailureSaysBoth() throws IOException {
        ExecService service = service(execd.port(), false, 4096);
        ExecFailedException e = assertThrows(ExecFailedException.class,
                () -> service.exec(target(125, null), command("true"), ExecListener.NONE));
        assertTrue(e.getMessage().contains("pct is not available"), e.getMessage());
    }

    @Test
    void outputPastTheCapIsCutAndMarked() throws IOException {
        ExecResult r = service(execd.port(), false, 100)
                .exec(target(126, "127.0.0.1"), command("for i in $(seq 1 100); do echo line-$i; done"),
                        ExecListener.NONE);
        assertEquals(0, r.exitCode());
        assertTrue(r.truncated());
        assertTrue(r.stdout().startsWith("line-1\nline-2\n"), r.stdout());
        assertTrue(r.stdout().length() <= 100, r.stdout());
    }

    @Test
    void pctCommandPastItsTimeoutIsKilledWithExitCode124() throws IOException {
        ExecResult r = service(execd.port(), true, 4096)
                .exec(target(127, null), new ExecRequest("sleep 30", Duration.ofMillis(300)), ExecListener.NONE);
        assertEquals(124, r.exitCode());
        assertTrue(r.stderr().contains("timeout after 300ms"), r.stderr());
    }

    /** A token as a container's PVE config holds it (the runtime environment of PVE 9.1+). */
    private static ExecdToken tokenIn(String env) {
        return ExecdToken.fromConfig(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("env", env)).orElseThrow();
    }

    @Test
    void theSandboxTokenGoesToExecdAsABearerAndAnExecdThatRequiresItRunsTheCommand() throws IOException {
        String hex = "ab".repeat(32);
        execd.requireToken(() -> Optional.of(hex));
        ExecResult r = service(execd.port(), true, 4096).exec(container(130, "127.0.0.1",
                Optional.of(tokenIn("LANG=C\0CMUX_EXECD_AUTH_TOKEN=" + hex))), command("echo hi"), ExecListener.NONE);
        assertEquals(0, r.exitCode());
        assertEquals("hi", r.stdout());
        assertEquals(List.of("Bearer " + hex), execd.authorizations());
    }

    @Test
    void aTokenExecdDoesNotHoldIsRefusedClearlyAndPctIsNotTried() throws IOException {
        execd.requireToken(() -> Optional.of("cd".repeat(32)));
        ExecService service = service(execd.port(), true, 4096);
        ExecdRefusedException e = assertThrows(ExecdRefusedException.class, () -> service.exec(container(131,
                "127.0.0.1", Optional.of(tokenIn("CMUX_EXECD_AUTH_TOKEN=" + "ab".repeat(32)))),
                command("echo hi"), ExecListener.NONE));
        assertTrue(e.getMessage().contains("refused the sandbox's token (401)"), e.getMessage());
        assertFalse(e.getMessage().contains("ab".repeat(32)) || e.getMessage().contains("cd".repeat(32)),
                "no token in the message");
        assertEquals(List.of(), execd.commands(), "execd ran nothing");
        assertEquals(List.of(), FakePct.calls(dir), "a refused token is final: pct would hide it");
    }

    @Test
    void aSandboxWithoutATokenSendsNoneAndSaysSoWhenExecdWantsOne() throws IOException {
        ExecService service = service(execd.port(), true, 4096);
        assertEquals(0, service.exec(target(132, "127.0.0.1"), command("true"), ExecListener.NONE).exitCode(),
                "a sandbox made before tokens runs commands on an execd without a token file");
        assertEquals(List.of(""), execd.authorizations());

        execd.requireToken(() -> Optional.of("ef".repeat(32)));
        ExecdRefusedException e = assertThrows(ExecdRefusedException.class,
                () -> service.exec(target(132, "127.0.0.1"), command("true"), ExecListener.NONE));
        assertTrue(e.getMessage().contains("this sandbox has none in its PVE config"), e.getMessage());
        assertEquals(List.of(), FakePct.calls(dir));
    }
}
