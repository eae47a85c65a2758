package dev.cmux.control.exec;

/**
 * The outcome of a command.
 *
 * @param exitCode   the command's exit code; 124 when it was killed at its timeout
 * @param stdout     standard output, lines joined with {@code \n}, cut at the output cap
 * @param stderr     standard error (and execd's {@code error} messages), cut at the output cap
 * @param via        {@code execd} or {@code pct}
 * @param durationMs wall time
 * @param truncated  output went past the cap and was cut
 */
public record ExecResult(int exitCode, String stdout, String stderr, String via, long durationMs,
                         boolean truncated) {
}
