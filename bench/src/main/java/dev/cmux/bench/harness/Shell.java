package dev.cmux.bench.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Short commands whose output the harness reads: versions, {@code getconf}, {@code jcmd}. */
final class Shell {

    private Shell() {
    }

    /** Everything the command wrote, stdout and stderr together ({@code java -version} writes to stderr). */
    static String output(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        p.waitFor();
        return out;
    }

    static String firstLine(String... command) throws IOException, InterruptedException {
        return output(command).lines().findFirst().orElse("").trim();
    }
}
