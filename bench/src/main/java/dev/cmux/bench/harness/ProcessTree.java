package dev.cmux.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A process and its children (nginx's workers; a JVM's threads are counted in its own numbers), read from
 * {@code /proc}. A process that is gone counts as nothing, so a worker that exits mid-read cannot fail a run.
 */
record ProcessTree(long pid) {

    CpuTime cpu() {
        CpuTime sum = CpuTime.ZERO;
        for (long p : members()) {
            String stat = read(p, "stat");
            if (!stat.isEmpty()) {
                sum = sum.plus(CpuTime.parseStat(stat));
            }
        }
        return sum;
    }

    /** Resident memory of all of them ({@code VmRSS}), in KiB. */
    long rssKb() {
        long sum = 0;
        for (long p : members()) {
            for (String line : read(p, "status").split("\n")) {
                if (line.startsWith("VmRSS:")) {
                    sum += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        return sum;
    }

    private List<Long> members() {
        List<Long> out = new ArrayList<>();
        out.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.children().forEach(c -> out.add(c.pid())));
        return out;
    }

    private static String read(long pid, String file) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), file));
        } catch (IOException e) {
            return "";
        }
    }
}
