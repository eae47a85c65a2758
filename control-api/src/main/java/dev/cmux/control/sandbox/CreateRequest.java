package dev.cmux.control.sandbox;

import java.time.Duration;

/**
 * What a caller may choose about a new sandbox; everything else comes from the template.
 *
 * @param cores      CPU cores, null: the template's
 * @param memoryMiB  memory in MiB, null: the template's
 * @param ttl        lifetime, null: {@link SandboxSettings#defaultTtl()}
 * @param owner      free text recorded in the metadata, may be null
 * @param idlePolicy what happens after the TTL: {@code destroy} (default), {@code stop} or {@code keep}
 * @param idle       suspend or stop after a while without traffic; null: the gateway's default
 */
public record CreateRequest(Integer cores, Integer memoryMiB, Duration ttl, String owner, String idlePolicy,
                            IdlePolicy idle) {

    public CreateRequest(Integer cores, Integer memoryMiB, Duration ttl, String owner, String idlePolicy) {
        this(cores, memoryMiB, ttl, owner, idlePolicy, null);
    }

    public static CreateRequest defaults() {
        return new CreateRequest(null, null, null, null, null, null);
    }
}
