package dev.cmux.control.exec;

import java.time.Duration;

/**
 * A command to run in a sandbox with {@code bash}.
 *
 * @param command  the command line
 * @param timeout  after this the command is killed and exits 124
 * @param stdin    text for the command's standard input (VMs, through the guest agent); null: none
 */
public record ExecRequest(String command, Duration timeout, String stdin) {

    /** Without stdin. */
    public ExecRequest(String command, Duration timeout) {
        this(command, timeout, null);
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
}
