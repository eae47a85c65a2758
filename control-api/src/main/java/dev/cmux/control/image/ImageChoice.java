package dev.cmux.control.image;

/** What {@code POST /v1/sandboxes} asked to be cloned: a preset (its newest version), one version, or neither. */
public record ImageChoice(String preset, String snapshotId) {

    public static final ImageChoice DEFAULT = new ImageChoice(null, null);
}
