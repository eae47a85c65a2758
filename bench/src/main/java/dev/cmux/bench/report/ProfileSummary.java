package dev.cmux.bench.report;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Top CPU and allocation frames of a JFR recording of the gateway, as Markdown. Besides the leaf frame it names the
 * first gateway frame ({@code dev.cmux.}) on each stack: the leaf is usually Netty or the JDK, the caller is what
 * we can change.
 */
public final class ProfileSummary {

    private static final String OURS = "dev.cmux.";

    private final Map<String, Double> cpuLeaf = new HashMap<>();
    private final Map<String, Double> cpuOurs = new HashMap<>();
    private final Map<String, Double> allocClass = new HashMap<>();
    private final Map<String, Double> allocSite = new HashMap<>();
    private final Map<String, Double> allocOurs = new HashMap<>();
    private double cpuSamples;
    private double allocBytes;

    public static void write(Path jfr, Path out, int top) throws IOException {
        ProfileSummary s = new ProfileSummary();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            s.add(e);
        }
        Files.writeString(out, s.render(jfr.getFileName().toString(), top));
    }

    private void add(RecordedEvent e) {
        String type = e.getEventType().getName();
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
            return;
        }
        if (type.equals("jdk.ExecutionSample")) {
            cpuSamples++;
            cpuLeaf.merge(frame(stack.getFrames().get(0)), 1.0, Double::sum);
            cpuOurs.merge(firstOurs(stack.getFrames()), 1.0, Double::sum);
        } else if (type.equals("jdk.ObjectAllocationSample")) {
            double weight = e.getLong("weight");
            allocBytes += weight;
            allocClass.merge(e.getClass("objectClass").getName(), weight, Double::sum);
            allocSite.merge(frame(stack.getFrames().get(0)), weight, Double::sum);
            allocOurs.merge(firstOurs(stack.getFrames()), weight, Double::sum);
        }
    }

    private static String frame(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }

    private static String firstOurs(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (f.getMethod().getType().getName().startsWith(OURS)) {
                return frame(f);
            }
        }
        return "(no gateway frame: Netty/JDK only)";
    }

    private String render(String name, int top) {
        StringBuilder out = new StringBuilder("# Gateway profile (" + name + ")\n\n");
        out.append(String.format(Locale.ROOT, "%,.0f CPU samples, %,.1f MB sampled allocation.%n%n", cpuSamples,
                allocBytes / 1e6));
        section(out, "CPU: leaf frames", "samples", cpuLeaf, cpuSamples, top, v -> String.format("%.0f", v));
        section(out, "CPU: first gateway frame on the stack", "samples", cpuOurs, cpuSamples, top,
                v -> String.format("%.0f", v));
        section(out, "Allocation: classes", "MB", allocClass, allocBytes, top, ProfileSummary::mb);
        section(out, "Allocation: leaf frames", "MB", allocSite, allocBytes, top, ProfileSummary::mb);
        section(out, "Allocation: first gateway frame on the stack", "MB", allocOurs, allocBytes, top,
                ProfileSummary::mb);
        return out.toString();
    }

    private static String mb(double bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }

    private static void section(StringBuilder out, String title, String unit, Map<String, Double> counts,
                                double total, int top, Function<Double, String> format) {
        out.append("## ").append(title).append("\n\n| frame | ").append(unit).append(" | share |\n|---|---|---|\n");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.append("| `").append(e.getKey()).append("` | ").append(format.apply(e.getValue()))
                        .append(" | ").append(String.format(Locale.ROOT, "%.1f%%", 100 * e.getValue() / total))
                        .append(" |\n"));
        out.append('\n');
    }
}
