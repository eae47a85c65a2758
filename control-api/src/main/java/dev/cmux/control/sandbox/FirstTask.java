package dev.cmux.control.sandbox;

import java.util.Map;
import java.util.function.Supplier;

/**
 * An operation after its begin: the checks passed and its first PVE task runs. What is left ({@code rest}: await the
 * tasks, configure, start, roll back on failure) runs on the executor; the id of the operation is made from the
 * first task ({@link OperationId}), so any gateway can read it back from PVE.
 *
 * @param vmid the sandbox it acts on (for a create, the new one)
 * @param upid the first PVE task; null when the begin needed none (a resume, a hibernated VM's stop): then the
 *             operation is known to this gateway only
 * @param urls the new sandbox's URLs by service ({@link SandboxUrls#of(int, String)}), for a create; null otherwise
 * @param rest the remainder of the operation, returning what it made (a {@link Sandbox}) or null
 */
public record FirstTask<T>(int vmid, String upid, Map<String, String> urls, Supplier<T> rest) {

    public FirstTask(int vmid, String upid, Supplier<T> rest) {
        this(vmid, upid, null, rest);
    }

    /** Runs the rest here, on the caller's thread: for callers that want the result, not an operation. */
    public T finish() {
        return rest.get();
    }
}
