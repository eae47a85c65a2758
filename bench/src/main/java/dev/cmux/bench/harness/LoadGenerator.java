package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmux.bench.load.Target;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * cmux-bench.jar's load modes, each run in a JVM of its own: the harness's JVM and whatever it compiled stay out of
 * the client's way. A run's stderr is appended to {@code load.log}; its stdout is its one JSON result line.
 */
record LoadGenerator(BenchJar jar, Path loadLog) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A closed scenario: runs one mode to its end. */
    LoadClient mode(String mode, List<String> args) {
        return (labels, target) -> start(List.of(), mode, target, with(args, labels.tags())).result();
    }

    /** A run whose result nobody keeps: JIT warm-up, the profile's load. */
    void runUnrecorded(String mode, Target target, String... args) throws IOException, InterruptedException {
        start(List.of(), mode, target, List.of(args)).result();
    }

    Running start(List<String> jvmFlags, String mode, Target target, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(mode, "--target",
                target.address().getHostString() + ":" + target.address().getPort(), "--host", target.host()));
        command.addAll(args);
        Process p = new ProcessBuilder(jar.command(jvmFlags, command))
                .redirectError(ProcessBuilder.Redirect.appendTo(loadLog.toFile()))
                .start();
        return new Running(p);
    }

    private static List<String> with(List<String> args, List<String> more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(more);
        return all;
    }

    /** A load generator still running. */
    static final class Running {

        private final Process process;

        private Running(Process process) {
            this.process = process;
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** Waits for the end (the client bounds its own run); the line it printed, or empty. */
        Optional<ObjectNode> result() throws IOException, InterruptedException {
            String out;
            try (InputStream in = process.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            process.waitFor();
            if (!out.startsWith("{")) {
                return Optional.empty();
            }
            return Optional.of((ObjectNode) JSON.readTree(out.lines().findFirst().orElseThrow()));
        }
    }
}
