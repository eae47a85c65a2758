package dev.cmux.control.sandbox;

import java.time.Instant;

/**
 * A long-running request (create, destroy, power actions), readable at {@code /v1/operations/{id}}.
 *
 * @param id       random, unguessable
 * @param kind     e.g. {@code create}, {@code destroy}, {@code stop}
 * @param vmid     the sandbox, when known (a create learns it at the end)
 * @param state    {@code running}, {@code succeeded} or {@code failed}
 * @param created  when it was accepted
 * @param finished when it ended, or null
 * @param result   what the work returned (a {@link Sandbox}), or null
 * @param failure  why it failed, or null
 */
public record Operation(String id, String kind, Integer vmid, String state, Instant created, Instant finished,
                        Object result, Throwable failure) {

    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public boolean done() {
        return !RUNNING.equals(state);
    }
}
