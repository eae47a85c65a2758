package dev.cmux.control.image;

import java.time.Instant;

/**
 * One version of a preset: the template it is cloned from (or a snapshot of a container, {@code snapname}).
 *
 * @param version      1, 2, …; the newest is what {@code preset} means at create
 * @param templateVmid the template (or container) to clone
 * @param snapname     clone this snapshot of it; null: its current state
 * @param capturedAt   when it was made; may be null for versions written into the config by hand
 * @param learned      true when read from a template's PVE tags and description, false when from the config
 */
public record PresetVersion(int version, int templateVmid, String snapname, Instant capturedAt, boolean learned) {
}
