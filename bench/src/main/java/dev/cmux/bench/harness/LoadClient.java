package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmux.bench.load.Target;

import java.io.IOException;
import java.util.Optional;

/** What drives one scenario: wrk, or a mode of cmux-bench.jar. */
interface LoadClient {

    /** Runs to its end; the result line (labelled), or empty when the client gave none. */
    Optional<ObjectNode> run(Labels labels, Target target) throws IOException, InterruptedException;
}
