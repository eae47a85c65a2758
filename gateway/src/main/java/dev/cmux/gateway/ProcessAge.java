package dev.cmux.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How long ago this process started, for the "started in … ms" of the listening line. Not from
 * {@code ProcessHandle.Info.startInstant()}: on Linux that adds the process's start, counted from boot, to the boot time
 * in whole seconds and measured against the wall clock, and it said 2,054 ms for a start of about 1,100 ms (issue
 * #23). Both numbers here count from boot on the same clock: {@code /proc/uptime} now, and the start time in
 * {@code /proc/self/stat}, in clock ticks of 1/100 s (Linux's USER_HZ).
 */
final class ProcessAge {

    private static final double TICKS_PER_SECOND = 100;

    private ProcessAge() {
    }

    /** Milliseconds since this process started, or -1 where /proc cannot tell. */
    static long millis() {
        try {
            return millis(Files.readString(Path.of("/proc/self/stat")), Files.readString(Path.of("/proc/uptime")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * @param stat   the line of /proc/self/stat: the start time is the 22nd field, the 20th after the command name in
     *               parentheses (which may hold spaces and parentheses itself)
     * @param uptime /proc/uptime: seconds since boot, first
     */
    static long millis(String stat, String uptime) {
        String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        double startedSeconds = Long.parseLong(afterName[19]) / TICKS_PER_SECOND;
        double upSeconds = Double.parseDouble(uptime.trim().split("\\s+")[0]);
        return Math.round((upSeconds - startedSeconds) * 1000);
    }
}
