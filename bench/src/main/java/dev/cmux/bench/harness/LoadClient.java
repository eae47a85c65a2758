package dev.cmux.bench.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmux.bench.load.Target;

import java.io.IOException;
import java.util.Optional;

/** What drives one scenario: wrk, or a mode of cmux-bench.jar. */
interface LoadClient {

    /** Runs to its end; the result line (labelled), or empty when the client gave none. */
    Optional<ObjectNode> run(Labels labels, Target target) throws IOException, InterruptedException;

    /**
     * As {@link #run}, once more when that counted no answer ({@code beforeAgain} runs in between). On a starved
     * machine a smoke window of two seconds can pass before a fresh client JVM counts one answer, direct as through
     * any proxy; a scenario that is broken counts nothing the second time either.
     */
    default Optional<ObjectNode> runCounted(Labels labels, Target target, Runnable beforeAgain)
            throws IOException, InterruptedException {
        Optional<ObjectNode> result = run(labels, target);
        if (Completeness.counted(result)) {
            return result;
        }
        beforeAgain.run();
        return run(labels, target);
    }
}
