package dev.cmux.control.image;

import java.time.Instant;

/** A disk snapshot of a sandbox, as PVE lists it: {@code parent} is the snapshot it was taken after. */
public record Snapshot(String name, String description, Instant taken, String parent) {
}
