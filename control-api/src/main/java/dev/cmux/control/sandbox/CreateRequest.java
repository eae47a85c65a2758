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
 * @param idle       auto-stop: suspend or stop after a while without traffic; null: the gateway's default
 * @param autoDelete destroy after this long stopped; null: the gateway's default; zero: never
 * @param protect    {@code protected}: nothing automatic ever touches it
 */
public record CreateRequest(Integer cores, Integer memoryMiB, Duration ttl, String owner, String idlePolicy,
                            IdlePolicy idle, Duration autoDelete, boolean protect) {

    public CreateRequest(Integer cores, Integer memoryMiB, Duration ttl, String owner, String idlePolicy) {
        this(cores, memoryMiB, ttl, owner, idlePolicy, null);
    }

    public CreateRequest(Integer cores, Integer memoryMiB, Duration ttl, String owner, String idlePolicy,
                         IdlePolicy idle) {
        this(cores, memoryMiB, ttl, owner, idlePolicy, idle, null, false);
    }

    public static CreateRequest defaults() {
        return new CreateRequest(null, null, null, null, null, null);
    }
}
