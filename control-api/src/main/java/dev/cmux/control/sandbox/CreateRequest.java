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
 */
public record CreateRequest(Integer cores, Integer memoryMiB, Duration ttl, String owner, String idlePolicy) {

    public static CreateRequest defaults() {
        return new CreateRequest(null, null, null, null, null);
    }
}
