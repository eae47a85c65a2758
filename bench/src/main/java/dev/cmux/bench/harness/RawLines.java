package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code <name>-raw.jsonl}: the lines as measured, the report's only input. One {@code meta} line, then per
 * measurement the client's result and a {@code metrics} line with what the harness read of the proxy's process.
 */
final class RawLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    RawLines(Path file) throws IOException {
        this.file = file;
        Files.writeString(file, "");
    }

    Path file() {
        return file;
    }

    void append(JsonNode line) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(line) + "\n", StandardOpenOption.APPEND);
    }

    static ObjectNode metrics(Labels labels) {
        return labels.putInto(JSON.createObjectNode().put("kind", "metrics"));
    }

    /**
     * The proxy's CPU over one invocation, split into user space and kernel: a proxy's syscalls cost about the same
     * whatever it is written in, so the split says where one proxy spends more than another.
     */
    static ObjectNode cpu(Labels labels, CpuTime used, double ticksPerSecond) {
        return metrics(labels)
                .put("cpuSeconds", seconds(used.userTicks() + used.systemTicks(), ticksPerSecond))
                .put("userSeconds", seconds(used.userTicks(), ticksPerSecond))
                .put("systemSeconds", seconds(used.systemTicks(), ticksPerSecond));
    }

    private static double seconds(long ticks, double ticksPerSecond) {
        return Math.round(100 * ticks / ticksPerSecond) / 100.0;
    }
}
