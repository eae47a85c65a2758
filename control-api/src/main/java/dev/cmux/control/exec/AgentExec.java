package dev.cmux.control.exec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmux.control.poll.Poller;
import dev.cmux.control.pve.PveClient;
import dev.cmux.control.pve.PveException;
import dev.cmux.control.pve.PveJson;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Runs a command in a VM through its QEMU guest agent (docs/pve-qemu.md §6): {@code agent/exec} with
 * {@code ["/bin/bash","-lc",command]} (the agent runs no shell of its own) and stdin as {@code input-data}, then
 * {@code agent/exec-status} polled until it reports the exit. The agent keeps no timeout, so at the timeout the
 * command is killed by a second exec of {@code kill -KILL <pid>} and the run exits 124, as with execd. Output comes
 * only at the end (the agent gives none while the command runs); it is replayed as execd's events, one per line.
 */
public final class AgentExec {

    /** qemu-ga's {@code GUEST_EXEC_MAX_OUTPUT}: older agents flag a cut stream only by its length. */
    static final int AGENT_OUTPUT_CAP = 16 * 1024 * 1024;
    /** What a signal's death reads as, as a shell reports it. */
    private static final int SIGNAL_BASE = 128;

    private final PveClient pve;
    private final Poller poller;
    private final Duration pollInterval;

    public AgentExec(PveClient pve, Poller poller, Duration pollInterval) {
        this.pve = pve;
        this.poller = poller;
        this.pollInterval = pollInterval;
    }

    private static final class TimedOut extends RuntimeException {
        TimedOut() {
            super(null, null, false, false);
        }
    }

    ExecResult exec(String node, int vmid, ExecRequest exec, OutputCollector output) {
        long start = System.nanoTime();
        long pid;
        try {
            pid = pve.agentExec(node, vmid, List.of("/bin/bash", "-lc", exec.command()), exec.stdin());
        } catch (PveException e) {
            throw new ExecFailedException("the guest agent of VM " + vmid + " could not run the command: "
                    + e.getMessage(), e);
        }
        JsonNode status;
        try {
            status = poller.until(pollInterval, exec.timeout(), () -> {
                JsonNode s = pve.agentExecStatus(node, vmid, pid);
                return PveJson.intValue(s.get("exited"), 0) == 1 ? s : null;
            }, TimedOut::new);
        } catch (TimedOut e) {
            kill(node, vmid, pid);
            output.onEvent(ExecEvent.error("timeout after " + exec.timeout().toMillis() + "ms"));
            output.onEvent(ExecEvent.exit(124));
            return output.result("agent", start);
        }
        replay(status, "out", ExecEvent::stdout, output);
        replay(status, "err", ExecEvent::stderr, output);
        JsonNode signal = status.get("signal");
        output.onEvent(ExecEvent.exit(signal != null ? SIGNAL_BASE + signal.asInt()
                : PveJson.intValue(status.get("exitcode"), -1)));
        return output.result("agent", start);
    }

    /** The command outlived its timeout: the agent ends it (its status record then goes when it is collected). */
    private void kill(String node, int vmid, long pid) {
        try {
            pve.agentExec(node, vmid, List.of("kill", "-KILL", String.valueOf(pid)), null);
        } catch (PveException e) {
            // it may have ended meanwhile; the run is over either way
        }
    }

    /**
     * PVE hands the agent's bytes on as Latin-1 characters (§6): they are turned back into bytes and read as UTF-8.
     * A stream is cut when the agent says so, or (older agents) when it holds exactly the agent's cap.
     */
    private static void replay(JsonNode status, String stream, java.util.function.Function<String, ExecEvent> event,
                               OutputCollector output) {
        String data = PveJson.text(status, stream + "-data");
        if (data == null) {
            return;
        }
        byte[] bytes = data.getBytes(StandardCharsets.ISO_8859_1);
        if (PveJson.intValue(status.get(stream + "-truncated"), 0) == 1 || bytes.length == AGENT_OUTPUT_CAP) {
            output.markTruncated();
        }
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) { // execd drops empty lines; every path answers alike
                output.onEvent(event.apply(line));
            }
        }
    }
}
