package dev.cmux.control.sandbox;

import java.time.Instant;
import java.util.Map;

/**
 * A long-running request (create, destroy, rollback, template, power actions), readable at
 * {@code /v1/operations/{id}} on any gateway ({@link OperationId}).
 *
 * @param id       {@link OperationId#text()}
 * @param kind     e.g. {@code create}, {@code destroy}, {@code stop}
 * @param vmid     the sandbox (for a create the new one, known from its begin on)
 * @param state    {@code running}, {@code succeeded} or {@code failed}
 * @param created  when it was accepted (read from PVE: when its first task started)
 * @param finished when it ended, or null (also when PVE does not say)
 * @param result   what the work returned (a {@link Sandbox}), or null
 * @param failure  why it failed, or null
 * @param urls     a create's sandbox URLs while it runs, or null
 * @param source   {@link #THIS_GATEWAY} when this gateway ran it, {@link #PVE} when read back from PVE's tasks
 */
public record Operation(String id, String kind, Integer vmid, String state, Instant created, Instant finished,
                        Object result, Throwable failure, Map<String, String> urls, String source) {

    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String THIS_GATEWAY = "this-gateway";
    public static final String PVE = "pve";

    public boolean done() {
        return !RUNNING.equals(state);
    }
}
