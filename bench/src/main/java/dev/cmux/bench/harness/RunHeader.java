package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The raw file's {@code meta} line, read before the first load: the date, the machine and how loaded it already
 * was, the versions compared and the run's sizes. The report prints it above the tables.
 */
final class RunHeader {

    static final String CLIENTS = "wrk -t1 for small, 64k, 10m; cmux-bench (Netty, 1 event loop) for small-netty, "
            + "small-rate, ws-*, idle-ws";

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'");

    private RunHeader() {
    }

    static ObjectNode read(ScenarioSizes sizes, long openFiles) throws IOException, InterruptedException {
        String machine = proc("cpuinfo", "model name") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, " + Long.parseLong(proc("meminfo", "MemTotal").replaceAll("[^0-9]", "")) / 1024
                + " MB RAM, " + System.getProperty("os.version");
        return JsonNodeFactory.instance.objectNode()
                .put("kind", "meta")
                .put("date", ZonedDateTime.now(ZoneOffset.UTC).format(MINUTE))
                .put("machine", machine)
                .put("load before run (1/5/15 min)", loadAverage())
                .put("rounds", sizes.rounds())
                .put("java", Shell.firstLine("java", "-version").replace("\"", ""))
                .put("caddy", Shell.firstLine("caddy", "version").split(" ")[0])
                .put("nginx", Shell.firstLine("nginx", "-v").replaceFirst(".*/", ""))
                .put("open-loop rate", sizes.rate() + " req/s")
                .put("idle WebSockets", sizes.idle())
                .put("open-file limit", openFiles)
                .put("client", CLIENTS);
    }

    /** The 1, 5 and 15 minute load averages. */
    static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    /** The open-file limit this process (and every process it starts) has: run.sh raised it to the hard limit. */
    static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring("Max open files".length()).trim().split(" +")[0]);
            }
        }
        throw new IOException("no 'Max open files' in /proc/self/limits");
    }

    /** The value after the colon of the first line of /proc/FILE that starts with {@code key}. */
    private static String proc(String file, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", file))) {
            if (line.startsWith(key)) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }
}
