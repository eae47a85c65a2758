package dev.cmux.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Waits for the machine to be quiet before a cold start: a homelab's gateway restarts on an idle host, and the
 * scenarios before it (the idle hold's 9,850 WebSockets, wrk) leave work behind that lands on whichever target starts
 * first. Busy is the share of CPU time, over half a second, that was neither idle nor waiting on I/O
 * ({@code /proc/stat}); it waits until that is under 10 %, at most 30 s, and says what it found, so every target
 * starts as alike as the machine allows.
 */
final class QuietMachine {

    private static final Path STAT = Path.of("/proc/stat");
    private static final double QUIET = 0.10;
    private static final long WINDOW_MILLIS = 500;
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private QuietMachine() {
    }

    /** The busy share of the last window when it returns (quiet, or the wait was over). */
    static double await() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + MAX_WAIT_NANOS;
        double busy;
        do {
            long[] before = cpu();
            TimeUnit.MILLISECONDS.sleep(WINDOW_MILLIS);
            busy = busy(before, cpu());
        } while (busy >= QUIET && System.nanoTime() < deadline);
        return busy;
    }

    /** The share of the time between two readings that was neither idle nor I/O wait. */
    static double busy(long[] before, long[] after) {
        long total = 0;
        for (int i = 0; i < after.length; i++) {
            total += after[i] - before[i];
        }
        long idle = (after[3] - before[3]) + (after[4] - before[4]);
        return total <= 0 ? 0 : 1.0 - (double) idle / total;
    }

    /** The first line of /proc/stat: user, nice, system, idle, iowait, irq, softirq, steal, in clock ticks. */
    private static long[] cpu() throws IOException {
        String[] f = Files.readAllLines(STAT).get(0).trim().split("\\s+");
        long[] ticks = new long[8];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = Long.parseLong(f[i + 1]);
        }
        return ticks;
    }
}
