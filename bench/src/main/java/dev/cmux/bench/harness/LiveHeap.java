package dev.cmux.bench.harness;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a JVM's objects really hold: {@code jcmd GC.run} (a full GC), then {@code GC.heap_info}'s "used" summed over
 * the generations. Heap it committed earlier and no longer fills does not count, unlike its RSS.
 */
final class LiveHeap {

    private static final Pattern USED = Pattern.compile("\\bused (\\d+)K");

    private LiveHeap() {
    }

    static long afterFullGcKb(long pid) throws IOException, InterruptedException {
        Shell.output("jcmd", String.valueOf(pid), "GC.run");
        return usedKb(Shell.output("jcmd", String.valueOf(pid), "GC.heap_info"));
    }

    /** The generations are the lines with "total … used …K"; Metaspace and class space are not heap. */
    static long usedKb(String heapInfo) {
        long sum = 0;
        for (String line : heapInfo.split("\n")) {
            if (!line.contains("total") || line.contains("Metaspace") || line.contains("class space")) {
                continue;
            }
            for (Matcher m = USED.matcher(line); m.find(); ) {
                sum += Long.parseLong(m.group(1));
            }
        }
        return sum;
    }
}
