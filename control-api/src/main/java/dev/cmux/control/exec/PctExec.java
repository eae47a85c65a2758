package dev.cmux.control.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The fallback when execd is not reachable: {@code pct exec <vmid> -- /bin/bash -lc <command>} on the PVE host
 * (the gateway runs there as root). Output is read line by line from pipes, so stdout and stderr stay apart and
 * no pty is allocated; stdin is closed so a command that reads it sees end of file.
 */
public final class PctExec {

    /** After the command exits, a background child may hold the pipes open; stop reading after this. */
    private static final long DRAIN_MILLIS = 2000;

    private final Path pct;
    /** The PVE node this host is: {@code pct} reaches only its guests. Null: not known, taken to be any. */
    private final String node;

    public PctExec(Path pct) {
        this(pct, null);
    }

    private PctExec(Path pct, String node) {
        this.pct = pct;
        this.node = node;
    }

    /** The same {@code pct}, known to run on PVE node {@code name}. */
    public PctExec onNode(String name) {
        return new PctExec(pct, name);
    }

    /** Whether a guest on {@code guestNode} is one of this host's: {@code pct} reads its config locally. */
    boolean reaches(String guestNode) {
        return node == null || guestNode == null || node.equals(guestNode);
    }

    String node() {
        return node;
    }

    /**
     * {@code configured} when it is an executable file, else {@code pct} found on {@code PATH}; empty when neither
     * (not a PVE host): then exec has only execd.
     */
    public static Optional<PctExec> find(String configured, String path) {
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? Optional.of(new PctExec(p)) : Optional.empty();
        }
        return Executables.onPath("pct", path).map(PctExec::new);
    }

    public Path path() {
        return pct;
    }

    ExecResult exec(int vmid, ExecRequest exec, OutputCollector output) {
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(List.of(pct.toString(), "exec", String.valueOf(vmid), "--",
                    "/bin/bash", "-lc", exec.command())).start();
        } catch (IOException e) {
            throw new ExecFailedException("cannot run " + pct + ": " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // stdin already closed
        }
        Thread out = pump(process, process.getInputStream(), ExecEvent::stdout, output, "pct-stdout-" + vmid);
        Thread err = pump(process, process.getErrorStream(), ExecEvent::stderr, output, "pct-stderr-" + vmid);
        int code;
        try {
            if (process.waitFor(exec.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                code = process.exitValue();
            } else {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                output.onEvent(ExecEvent.error("timeout after " + exec.timeout().toMillis() + "ms"));
                code = 124; // what execd answers on a timeout, so callers see one convention
            }
            out.join(DRAIN_MILLIS);
            err.join(DRAIN_MILLIS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ExecFailedException("interrupted while running pct exec", e);
        }
        output.onEvent(ExecEvent.exit(code));
        return output.result("pct", start);
    }

    private static Thread pump(Process process, InputStream in, Function<String, ExecEvent> event,
                               OutputCollector output, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isEmpty()) { // execd drops empty lines; both paths answer alike
                        output.onEvent(event.apply(line));
                    }
                }
            } catch (IOException ignored) {
                // the process is gone and its pipe closed
            } catch (RuntimeException abandoned) {
                // the listener gave up on this run (its client went away): nobody reads the result
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
