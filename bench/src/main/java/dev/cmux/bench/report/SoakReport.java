package dev.cmux.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The soak's verdict (bench/soak.sh): the gateway's RSS after the first minutes stays within 5 % (max against min),
 * no Netty leak report in its log, no error in any client's result. Writes {@code NAME.md} and {@code NAME-rss.png};
 * returns 0 when all three hold, 1 otherwise.
 */
public final class SoakReport {

    private static final double FLAT = 0.05;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SoakReport() {
    }

    /**
     * @param rss     lines {@code seconds,rssKb} sampled through the run
     * @param results the load clients' result lines (one JSON object each)
     * @param log     the gateway's output
     * @param settle  seconds from the start that do not count for flatness: the sockets open, the pools fill
     */
    public static int write(Path rss, List<String> results, Path log, Path out, String name, long settle)
            throws IOException {
        List<Double> seconds = new ArrayList<>();
        List<Double> mib = new ArrayList<>();
        for (String line : Files.readAllLines(rss)) {
            String[] f = line.split(",");
            if (f.length == 2 && !f[0].isBlank()) {
                seconds.add(Double.parseDouble(f[0]) / 60);
                mib.add(Double.parseDouble(f[1]) / 1024);
            }
        }
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int i = 0; i < seconds.size(); i++) {
            if (seconds.get(i) * 60 >= settle) {
                min = Math.min(min, mib.get(i));
                max = Math.max(max, mib.get(i));
            }
        }
        double spread = max > 0 ? (max - min) / min : Double.NaN;
        boolean flat = Double.isFinite(spread) && spread <= FLAT;
        long leaks = Files.readAllLines(log).stream().filter(l -> l.contains("LEAK:")).count();
        StringBuilder clients = new StringBuilder();
        long errors = 0;
        for (String file : results) {
            if (file.isBlank()) {
                continue;
            }
            JsonNode r = JSON.readTree(Files.readString(Path.of(file)));
            long e = r.path("errors").asLong(-1);
            errors += Math.max(e, 0) + (e < 0 ? 1 : 0);
            clients.append("| ").append(r.path("mode").asText(Path.of(file).getFileName().toString())).append(" | ")
                    .append(r.path("count").asLong()).append(" | ").append(e).append(" | ")
                    .append(r.path("errorKinds").isMissingNode() ? "" : r.path("errorKinds").toString()).append(" | ")
                    .append(r.has("messagesSent") ? r.path("messagesSent") + " sent, " + r.path("messagesEchoed")
                            + " echoed, " + r.path("stillOpenAfterHold") + " open at the end" : "").append(" |\n");
        }
        boolean ok = flat && leaks == 0 && errors == 0;
        Files.createDirectories(out);
        Charts.line(out.resolve(name + "-rss.png"), "Gateway RSS through the soak", "minutes", "MiB", "RSS",
                seconds, mib);
        String md = "# Soak " + name + "\n\n"
                + "| check | measured | met |\n|---|---|---|\n"
                + String.format(Locale.ROOT, "| RSS after %d s within 5 %% (max vs min) | %.1f-%.1f MiB, %.1f %% | %s |%n",
                settle, min, max, spread * 100, flat ? "yes" : "**no**")
                + "| no leak report (leak detection on) | " + leaks + " LEAK lines | " + (leaks == 0 ? "yes" : "**no**")
                + " |\n"
                + "| no error | " + errors + " | " + (errors == 0 ? "yes" : "**no**") + " |\n\n"
                + "| client | answers counted | errors | error kinds | messages |\n|---|---|---|---|---|\n" + clients
                + "\n![RSS](" + name + "-rss.png)\n";
        Files.writeString(out.resolve(name + ".md"), md);
        System.out.print(md);
        return ok ? 0 : 1;
    }
}
