package dev.cmux.control.exec;

import java.nio.charset.StandardCharsets;

/**
 * Gathers the events of one run into an {@link ExecResult}, keeping at most {@code capBytes} of each stream so a
 * runaway command cannot fill the gateway's heap. Events are also passed on to the listener as they come.
 */
final class OutputCollector implements ExecListener {

    private final int capBytes;
    private final ExecListener listener;
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private int stdoutBytes;
    private int stderrBytes;
    private boolean truncated;
    private Integer exitCode;

    OutputCollector(int capBytes, ExecListener listener) {
        this.capBytes = capBytes;
        this.listener = listener;
    }

    @Override
    public synchronized void onEvent(ExecEvent event) {
        boolean kept = true;
        switch (event.type()) {
            case "stdout" -> {
                int before = stdoutBytes;
                stdoutBytes = append(stdout, stdoutBytes, event.data());
                kept = stdoutBytes != before;
            }
            case "stderr" -> {
                int before = stderrBytes;
                stderrBytes = append(stderr, stderrBytes, event.data());
                kept = stderrBytes != before;
            }
            case "error" -> stderrBytes = append(stderr, stderrBytes, event.data());
            case "exit" -> exitCode = event.code();
            default -> {
                return; // unknown event types from a newer execd are not ours to interpret
            }
        }
        if (kept) { // a stream past the cap is cut as well, so a runaway command cannot fill the channel
            listener.onEvent(event);
        }
    }

    private int append(StringBuilder out, int used, String line) {
        String text = line == null ? "" : line;
        int bytes = text.getBytes(StandardCharsets.UTF_8).length + 1;
        if (used + bytes > capBytes) {
            truncated = true;
            return used;
        }
        if (out.length() > 0) {
            out.append('\n');
        }
        out.append(text);
        return used + bytes;
    }

    /** The source cut the output before it reached us (the guest agent's own cap). */
    synchronized void markTruncated() {
        truncated = true;
    }

    synchronized boolean exited() {
        return exitCode != null;
    }

    synchronized ExecResult result(String via, long startNanos) {
        return new ExecResult(exitCode == null ? -1 : exitCode, stdout.toString(), stderr.toString(), via,
                (System.nanoTime() - startNanos) / 1_000_000, truncated);
    }
}
