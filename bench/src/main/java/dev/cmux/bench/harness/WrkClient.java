package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmux.bench.load.Target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * wrk (C, no JIT to warm up, little CPU) drives the closed-loop HTTP scenarios: on two cores a lighter client leaves
 * more of the machine to the proxy under test. Its numbers go into the same JSON shape as cmux-bench's, and its
 * report is kept in the working directory as {@code wrk-<scenario>-<target>-<round>.txt}.
 */
record WrkClient(Path work, String path, long bodyBytes, int connections, int seconds) implements LoadClient {

    /** wrk stops itself after {@code seconds}; this much longer and it is stopped. */
    private static final int GRACE_SECONDS = 30;

    @Override
    public Optional<ObjectNode> run(Labels labels, Target target) throws IOException, InterruptedException {
        Path report = work.resolve("wrk-" + labels.scenario() + "-" + labels.target() + "-" + labels.round() + ".txt");
        String url = "http://" + target.address().getHostString() + ":" + target.address().getPort() + path;
        Process wrk = new ProcessBuilder(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s", "--latency", "-H", "Host: " + target.host(), url))
                .redirectErrorStream(true)
                .redirectOutput(report.toFile())
                .start();
        if (!wrk.waitFor(seconds + GRACE_SECONDS, TimeUnit.SECONDS)) {
            wrk.destroyForcibly().waitFor();
        }
        return WrkOutput.parse(Files.readString(report)).map(w -> labels.putInto(json(w)));
    }

    private ObjectNode json(WrkOutput w) {
        return JsonNodeFactory.instance.objectNode()
                .put("mode", "wrk")
                .put("path", path)
                .put("connections", connections)
                .put("seconds", seconds)
                .put("count", w.count())
                .put("countAll", w.count())
                .put("errors", w.errors())
                .put("perSecond", Math.round(100.0 * w.count() / seconds) / 100.0)
                .put("bytesPerSecond", Math.round((double) w.count() * bodyBytes / seconds))
                .put("p50us", w.p50us())
                .put("p99us", w.p99us());
    }
}
